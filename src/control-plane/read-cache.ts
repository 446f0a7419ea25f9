import { createHash } from 'node:crypto';
import {
  create,
  type DescMessage,
  type DescMethodUnary,
  isMessage,
  toBinary,
} from '@bufbuild/protobuf';
import { MethodOptions_IdempotencyLevel } from '@bufbuild/protobuf/wkt';
import {
  Code,
  ConnectError,
  type ContextValues,
  createContextValues,
  type Interceptor,
  type Transport,
  type UnaryRequest,
  type UnaryResponse,
} from '@connectrpc/connect';
import type { ResourceKind } from '../gen/prism/admin/v1/watch_pb.js';
import { type ChangeFeed, kindsOf } from '../live/changes.js';
import {
  type AccessTokenSource,
  type EtagCollector,
  kAccessTokenSource,
  kBypassCache,
  kEtagParts,
  kLogger,
  kMinVersion,
  kRequestId,
  kTraceContext,
} from './context.js';
import { depends, policyOf } from './read-policy.js';

/*
 * The replica's read cache (design.md, "Read cache"): many operators looking at the same page
 * cost the control plane one read. Identical reads in flight at once share one call, always.
 * With a live change feed and the console's own service token, a finished answer is also kept
 * and served until the watch announces a change of a kind it depends on (then for at most 1 s
 * after it was fetched: about one read per resource per second however many look).
 * Every answer leaves a fingerprint for the page's ETag (src/plugins/page.tsx).
 */

export interface ReadCacheOptions {
  /** Entries kept at most (least recently used dropped first); default 1,000. */
  maxEntries?: number;
  /** Kept at most this long even without a change; default 30 s. */
  maxAgeMs?: number;
  /** After a change, still served if fetched less than this ago; default 1 s. */
  settleMs?: number;
  now?: () => number;
}

export interface ReadCacheStats {
  /** Reads sent to the control plane. */
  calls: number;
  /** Answered from a kept entry. */
  hits: number;
  /** Answered by joining a call in flight. */
  coalesced: number;
  entries: number;
}

/** A fetched answer: the message is never handed out itself, only copies of it. */
interface Answer {
  res: UnaryResponse;
  fingerprint: string;
  /** The feed's version when the call started: it shows at least that. */
  version: bigint;
  fetchedAt: number;
  /** Made with the service token: may be shown to anyone. */
  shared: boolean;
}

interface Entry extends Answer {
  kinds: readonly ResourceKind[] | 'all';
  /** A change it depends on arrived: served only within settleMs of fetchedAt. */
  stale: boolean;
}

interface Flight {
  promise: Promise<Answer>;
  kinds: readonly ResourceKind[] | 'all';
  version: bigint;
  stale: boolean;
  /** Aborted only when every caller waiting for it gave up. */
  abort: AbortController;
  waiting: number;
  /** Whose rights the call was made with: a caller's context, or the service's. */
  owner: ContextValues;
}

const AUTH_CODES = new Set([Code.PermissionDenied, Code.Unauthenticated]);

export class ReadCache {
  readonly #entries = new Map<string, Entry>();
  readonly #flights = new Map<string, Flight>();
  readonly #max: number;
  readonly #maxAgeMs: number;
  readonly #settleMs: number;
  readonly #now: () => number;
  #feed: ChangeFeed | undefined;
  #unsubscribe: (() => void) | undefined;
  #serviceToken: AccessTokenSource | undefined;
  #stats = { calls: 0, hits: 0, coalesced: 0 };
  /**
   * Off: identical reads in flight are still shared, but no answer is kept. For tests that
   * change the demo control plane's state behind its back (no watch event announces it).
   */
  keepAnswers = true;

  constructor(options: ReadCacheOptions = {}) {
    this.#max = options.maxEntries ?? 1000;
    this.#maxAgeMs = options.maxAgeMs ?? 30_000;
    this.#settleMs = options.settleMs ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The feed that says when kept answers go stale, and the service token shared reads are
   * made with. Without both, identical reads in flight are still shared, but nothing is kept.
   */
  attach(feed: ChangeFeed | undefined, serviceToken?: AccessTokenSource): void {
    this.#unsubscribe?.();
    this.#feed = feed;
    this.#serviceToken = serviceToken;
    this.#entries.clear();
    this.#unsubscribe = feed?.subscribe((change) => {
      if (change.type === 'status' && change.live) return;
      this.clear(change.type === 'status' ? 'all' : kindsOf(change));
    });
  }

  /** Drops (or, within settleMs of their fetch, marks stale) what depends on these kinds. */
  clear(kinds: ReadonlySet<ResourceKind> | readonly ResourceKind[] | 'all', settle = true): void {
    const changed = Array.isArray(kinds)
      ? new Set(kinds)
      : (kinds as ReadonlySet<ResourceKind> | 'all');
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (!depends(entry.kinds, changed)) continue;
      if (settle && now - entry.fetchedAt < this.#settleMs) entry.stale = true;
      else this.#entries.delete(key);
    }
    for (const flight of this.#flights.values()) {
      if (depends(flight.kinds, changed)) flight.stale = true;
    }
  }

  stats(): ReadCacheStats {
    return { ...this.#stats, entries: this.#entries.size };
  }

  get #keeping(): boolean {
    return this.keepAnswers && this.#feed?.live === true && this.#serviceToken !== undefined;
  }

  readonly interceptor: Interceptor = (next) => async (req) => {
    const policy = policyOf(req.method.name);
    const collector = req.contextValues.get(kEtagParts);
    if (req.stream || policy === 'direct') {
      if (collector) collector.complete = false;
      return next(req);
    }
    if ('write' in policy) {
      const res = await next(req);
      // This replica's own write: what it kept of those kinds is gone at once (no settling).
      this.clear(policy.write, false);
      return res;
    }
    if (req.method.idempotency !== MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS) return next(req);
    try {
      const answer = await this.#read(req, policy.read, next);
      if (collector) collector.parts.push(answer.fingerprint);
      return answer.res;
    } catch (err) {
      if (collector) collector.complete = false;
      throw err;
    }
  };

  /**
   * The kept answer for a read when one may be served now, exactly as the interceptor would serve
   * it, but before the call machinery the transport runs around its interceptors (a deadline
   * timer, two abort controllers and a DOMException per call: about 5 % of a 50-row page's CPU).
   * Undefined when the read has to go through the interceptor: nothing kept or usable, a
   * bypass, a write, a stream, a method that is never kept.
   */
  kept(
    method: DescMethodUnary,
    input: unknown,
    contextValues: ContextValues | undefined,
  ): UnaryResponse | undefined {
    if (!contextValues || this.#entries.size === 0) return undefined;
    if (method.idempotency !== MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS) return undefined;
    const policy = policyOf(method.name);
    if (policy === 'direct' || 'write' in policy || policy.read === 'coalesce') return undefined;
    if (contextValues.get(kBypassCache)) return undefined;
    const message = isMessage(input, method.input)
      ? input
      : create(method.input as DescMessage, input as Record<string, unknown>);
    const key = keyOf(method, message);
    const entry = this.#entries.get(key);
    if (!entry || !this.#usable(entry, contextValues.get(kMinVersion) ?? 0n)) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry); // most recently used last
    this.#stats.hits++;
    contextValues.get(kEtagParts)?.parts.push(entry.fingerprint);
    return copy(entry).res;
  }

  async #read(
    req: UnaryRequest,
    kinds: readonly ResourceKind[] | 'all' | 'coalesce',
    next: (req: UnaryRequest) => Promise<unknown>,
  ): Promise<Answer> {
    const key = keyOf(req.method, req.message);
    const keep = kinds !== 'coalesce';
    const dependsOn = kinds === 'coalesce' ? 'all' : kinds;
    const own = () => this.#fetch(req, next, req.contextValues, false);
    if (req.contextValues.get(kBypassCache)) {
      // Read-your-writes: straight through with the operator's token; the fresh answer replaces
      // the kept one for everybody.
      const answer = await own();
      if (keep && this.#keeping) this.#store(key, answer, dependsOn, false);
      return copy(answer);
    }
    const minVersion = req.contextValues.get(kMinVersion) ?? 0n;
    const entry = this.#entries.get(key);
    if (entry && this.#usable(entry, minVersion)) {
      this.#entries.delete(key);
      this.#entries.set(key, entry); // most recently used last
      this.#stats.hits++;
      return copy(entry);
    }
    let flight = this.#flights.get(key);
    if (flight && flight.version >= minVersion) this.#stats.coalesced++;
    else flight = this.#start(key, req, next, keep ? dependsOn : undefined);
    try {
      return copy(await this.#wait(flight, req.signal));
    } catch (err) {
      // Refused to the service token, or to another operator's (say, expired) token: that is
      // no answer for this caller, who tries with their own.
      const notMine = flight.owner !== req.contextValues;
      if (!notMine || !AUTH_CODES.has(ConnectError.from(err).code)) throw err;
      return copy(await own());
    }
  }

  #usable(entry: Entry, minVersion: bigint): boolean {
    const age = this.#now() - entry.fetchedAt;
    if (!this.#keeping || age >= this.#maxAgeMs || (entry.stale && age >= this.#settleMs)) {
      return false;
    }
    return entry.version >= minVersion;
  }

  #start(
    key: string,
    req: UnaryRequest,
    next: (req: UnaryRequest) => Promise<unknown>,
    kinds: readonly ResourceKind[] | 'all' | undefined,
  ): Flight {
    const abort = new AbortController();
    const serviceToken = this.#serviceToken;
    const owner = serviceToken
      ? serviceContext(req.contextValues, serviceToken)
      : req.contextValues;
    const flight: Flight = {
      kinds: kinds ?? 'all',
      version: this.#feed?.resourceVersion ?? 0n,
      stale: false,
      abort,
      waiting: 0,
      owner,
      promise: this.#fetch({ ...req, signal: abort.signal }, next, owner, !!serviceToken),
    };
    this.#flights.set(key, flight);
    flight.promise.then(
      (answer) => {
        this.#flights.delete(key);
        // Errors are never kept; answers only when anyone may see them (the service's rights).
        if (kinds && this.#keeping && answer.shared) this.#store(key, answer, kinds, flight.stale);
        else if (flight.waiting > 1) deepFreeze(answer.res.message);
      },
      () => this.#flights.delete(key),
    );
    return flight;
  }

  async #fetch(
    req: UnaryRequest,
    next: (req: UnaryRequest) => Promise<unknown>,
    contextValues: ContextValues,
    shared: boolean,
  ): Promise<Answer> {
    const version = this.#feed?.resourceVersion ?? 0n;
    this.#stats.calls++;
    const res = (await next({
      ...req,
      contextValues,
      header: new Headers(req.header),
    })) as UnaryResponse;
    const bytes = toBinary(res.method.output, res.message);
    const fingerprint = createHash('sha256').update(bytes).digest('base64url').slice(0, 22);
    return { res, fingerprint, version, fetchedAt: this.#now(), shared };
  }

  /** Waits for a flight, or until this caller gives up; the call ends when all have. */
  async #wait(flight: Flight, signal: AbortSignal): Promise<Answer> {
    flight.waiting++;
    let onAbort = () => {};
    const gaveUp = new Promise<never>((_, reject) => {
      onAbort = () => {
        if (--flight.waiting === 0) flight.abort.abort(signal.reason);
        reject(ConnectError.from(signal.reason, Code.Canceled));
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([flight.promise, gaveUp]);
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (!signal.aborted) flight.waiting--;
    }
  }

  #store(key: string, answer: Answer, kinds: readonly ResourceKind[] | 'all', stale: boolean) {
    deepFreeze(answer.res.message);
    this.#entries.delete(key);
    this.#entries.set(key, { ...answer, kinds, stale });
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}

/** A transport that serves kept reads itself (ReadCache.kept) and passes the rest to `inner`. */
export function servingKeptReads(inner: Transport, cache: ReadCache): Transport {
  return {
    unary(method, signal, timeoutMs, header, input, contextValues) {
      const kept = cache.kept(method as DescMethodUnary, input, contextValues);
      if (kept) return Promise.resolve(kept as never);
      return inner.unary(method, signal, timeoutMs, header, input, contextValues);
    },
    stream: (...args) => inner.stream(...args),
  };
}

/** A read's identity: its method and its request's bytes. */
function keyOf(method: DescMethodUnary, message: Parameters<typeof toBinary>[1]): string {
  return `${method.name}\0${Buffer.from(toBinary(method.input, message)).toString('latin1')}`;
}

/**
 * What a caller gets: the one answer, frozen once it is shared (routes may not sort or extend
 * what another operator's page shows; in strict-mode modules trying to throws, loudly, instead of
 * leaking). Measured on a 50-namespace ListNamespaces (busy 2-core machine): a copy per caller
 * (protobuf-es clone) ~260 µs, decoding the bytes again ~150 µs, freezing once per fetch ~100 µs
 * (issue 10 targets ~1 ms of console CPU per page in all); an answer only one caller saw is
 * not frozen at all.
 */
function copy(answer: Answer): Answer {
  const { res } = answer;
  return { ...answer, res: { ...res, header: new Headers(res.header) } };
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  // Bytes fields: typed arrays with elements cannot be frozen (and are not shown as text).
  if (ArrayBuffer.isView(value)) return;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
}

/** The request's context with the service token in place of the operator's. */
function serviceContext(values: ContextValues, token: AccessTokenSource): ContextValues {
  const context = createContextValues()
    .set(kRequestId, values.get(kRequestId))
    .set(kLogger, values.get(kLogger))
    .set(kTraceContext, values.get(kTraceContext))
    .set(kAccessTokenSource, token);
  return context;
}

export type { EtagCollector };
