import { timestampMs } from '@bufbuild/protobuf/wkt';
import { type Client, Code, ConnectError, createContextValues } from '@connectrpc/connect';
import type { FastifyBaseLogger } from 'fastify';
import { type AccessTokenSource, kAccessTokenSource } from '../control-plane/context.js';
import type { AdminService } from '../gen/prism/admin/v1/admin_service_pb.js';
import type { WatchEvent } from '../gen/prism/admin/v1/watch_pb.js';
import type { Change, ChangeFeed, ChangeListener } from './changes.js';

/*
 * The replica's one Watch stream (every kind), opened with the service token and kept open: after
 * a break it resumes from the last resource version it saw, so a change made meanwhile still
 * arrives; when the control plane cannot resume (too old, or it restarted) the feed says
 * `resync` and watches from now. Listeners — the read cache and the fan-out — see each batch once,
 * in order. Nothing here ever throws out: an outage is a status change and a line in the log.
 */

export interface WatcherMetrics {
  /** The stream was opened again after a break. */
  reconnected(): void;
}

export interface WatcherOptions {
  client: Client<typeof AdminService>;
  /**
   * The replica's own access token (src/live/service-token.ts), asked at each opening; told
   * when the control plane refuses it, so that the next opening has a new one.
   */
  token: AccessTokenSource;
  logger?: FastifyBaseLogger | undefined;
  metrics?: WatcherMetrics | undefined;
  /** Reopening waits from `initialMs`, doubling to `maxMs`, with jitter; default 250 ms → 10 s. */
  backoff?: { initialMs: number; maxMs: number } | undefined;
  random?: () => number;
}

const DEFAULT_BACKOFF = { initialMs: 250, maxMs: 10_000 };

export class Watcher implements ChangeFeed {
  #live = false;
  #resourceVersion = 0n;
  #lagMs = 0;
  readonly #listeners = new Set<ChangeListener>();
  readonly #options: WatcherOptions;
  #abort: AbortController | undefined;
  #loop: Promise<void> | undefined;

  constructor(options: WatcherOptions) {
    this.#options = options;
  }

  get live(): boolean {
    return this.#live;
  }
  get resourceVersion(): bigint {
    return this.#resourceVersion;
  }
  get lagMs(): number {
    return this.#lagMs;
  }

  subscribe(listener: ChangeListener): () => void {
    // Wrapped, so the same function subscribed twice is called twice and unsubscribes once.
    const entry: ChangeListener = (change) => listener(change);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** Opens the stream (once; a second call does nothing until stop()). */
  start(): void {
    if (this.#loop) return;
    const abort = new AbortController();
    this.#abort = abort;
    this.#loop = this.#run(abort.signal);
  }

  /** Closes the stream; resolves when it is closed. */
  async stop(): Promise<void> {
    this.#abort?.abort();
    await this.#loop;
    this.#loop = undefined;
    this.#abort = undefined;
    this.#setLive(false);
  }

  #emit(change: Change): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch (err) {
        // One listener's bug must not keep the change from the others, nor stop the stream.
        this.#options.logger?.error({ err }, 'change feed listener failed');
      }
    }
  }

  #setLive(live: boolean): void {
    if (this.#live === live) return;
    this.#live = live;
    this.#emit({ type: 'status', live });
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { logger, metrics } = this.#options;
    const backoff = this.#options.backoff ?? DEFAULT_BACKOFF;
    const random = this.#options.random ?? Math.random;
    let attempt = 0;
    /** From now (0) rather than resuming: at start, and when the control plane cannot resume. */
    let fromNow = true;
    let opened = false;
    let outage: { since: number } | undefined;

    while (!signal.aborted) {
      if (opened) metrics?.reconnected();
      opened = true;
      try {
        await this.#watch(signal, fromNow, () => {
          attempt = 0;
          fromNow = false;
          if (outage) {
            logger?.info(
              { downMs: Date.now() - outage.since, resourceVersion: this.#resourceVersion },
              'watch stream open again',
            );
            outage = undefined;
          }
        });
        if (signal.aborted) break;
        throw new ConnectError('the watch stream ended', Code.Unavailable);
      } catch (err) {
        if (signal.aborted) break;
        this.#setLive(false);
        const error = ConnectError.from(err);
        if (error.code === Code.OutOfRange) {
          // Missed changes are gone: everything read before must be read again. No wait: the
          // control plane answered, it is there.
          logger?.info({ error: error.rawMessage }, 'watch cannot resume; watching from now');
          fromNow = true;
          continue;
        }
        if (!outage) {
          outage = { since: Date.now() };
          logger?.warn(
            { code: Code[error.code], error: error.rawMessage },
            'watch stream broken; live updates paused until it reopens',
          );
        }
        const delay = Math.min(backoff.initialMs * 2 ** attempt, backoff.maxMs);
        attempt += 1;
        // Jitter: replicas cut off together do not come back together.
        await sleep(delay * (0.5 + random() / 2), signal);
      }
    }
  }

  /** One stream, until it breaks (throws) or ends; `onOpen` when its first batch arrives. */
  async #watch(signal: AbortSignal, resync: boolean, onOpen: () => void): Promise<void> {
    const contextValues = createContextValues().set(kAccessTokenSource, this.#options.token);
    // Resuming from 0 cannot be asked: 0 means "from now" (a cluster with no change yet starts
    // there), and a change made during the break would be lost without a word. A resync instead.
    const fromNow = resync || this.#resourceVersion === 0n;
    const after = fromNow ? 0n : this.#resourceVersion;
    const stream = this.#options.client.watch(
      { afterResourceVersion: after },
      // No deadline: the stream is meant to stay open.
      { signal, timeoutMs: 0, contextValues },
    );
    let first = true;
    for await (const batch of stream) {
      if (first) {
        first = false;
        onOpen();
        if (fromNow) {
          this.#resourceVersion = batch.resourceVersion;
          this.#setLive(true);
          this.#emit({ type: 'resync', resourceVersion: batch.resourceVersion });
        } else {
          this.#setLive(true);
        }
      }
      // Replayed changes come first after a resume; any already seen are skipped.
      const events = batch.events.filter((e) => e.resourceVersion > this.#resourceVersion);
      if (events.length === 0) {
        if (batch.resourceVersion > this.#resourceVersion) {
          this.#resourceVersion = batch.resourceVersion;
        }
        continue;
      }
      const last = events[events.length - 1] as WatchEvent;
      // bigint: Math.max does not take it.
      this.#resourceVersion = last.resourceVersion;
      if (batch.resourceVersion > last.resourceVersion)
        this.#resourceVersion = batch.resourceVersion;
      this.#lagMs = last.time ? Math.max(0, Date.now() - timestampMs(last.time)) : 0;
      this.#emit({ type: 'events', events, resourceVersion: this.#resourceVersion });
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
