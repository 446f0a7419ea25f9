import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { acceptsDeflate } from './compression.js';
import { adler32Combine, deflatedFrame, deflateEnd, ZLIB_HEADER } from './sse-deflate.js';
import { DirectSink } from './sse-direct.js';

/** One server-sent event. `data` is HTML already rendered (and escaped) by a component. */
export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

export interface SseOptions {
  /** A comment line this often keeps proxies and load balancers from closing a quiet stream. */
  heartbeatMs?: number;
  /** Sent as `retry:` at the start: how long the browser waits before reconnecting. */
  retryMs?: number;
}

/** A stream as a direct source writes to it: frames already formatted (built once, shared). */
export interface SseSink {
  write(frame: Buffer | string): void;
  /** Bytes written and not yet taken by the browser (this stream's buffers and the socket's). */
  bufferedBytes(): number;
  /** Ends the stream, with a `retry:` hint when given. */
  end(retryMs?: number): void;
}

/**
 * A source that writes its frames itself instead of being iterated: the live fan-out writes one
 * frame, built once, to thousands of streams (src/live/hub.ts). `attach` is called once the
 * stream is open; `drained` whenever the browser has taken what was buffered, `closed` once when
 * the stream ends (browser gone, shutdown, or end()). Never iterated.
 */
export interface DirectSseSource extends AsyncIterable<SseEvent> {
  attach(sink: SseSink): { drained(): void; closed(): void };
}

function isDirect(source: AsyncIterable<SseEvent>): source is DirectSseSource {
  return typeof (source as Partial<DirectSseSource>).attach === 'function';
}

export interface SsePluginOptions extends SseOptions {
  /** Sent as `retry:` when the console shuts down, so browsers come back soon (to a replica). */
  shutdownRetryMs?: number;
}

declare module 'fastify' {
  interface FastifyReply {
    /**
     * Answers with an event stream of `source`, through reply.send (so every onSend hook runs:
     * security headers, x-request-id). The stream ends when the source does; when the browser
     * goes away or the console shuts down the source is returned — a source reading a control
     * plane stream opened with request.rpcStream() has that stream cancelled as the response
     * closes.
     *
     * Deflated (`Content-Encoding: deflate`) for a browser that takes it: each frame once,
     * the same bytes to every stream (src/plugins/sse-deflate.ts).
     *
     * Long-lived: the request counts as operator activity once, when it opens. EventSource
     * cannot send headers, so unlike the dashboard's polls it cannot mark itself
     * X-Prism-Background; each reconnect counts as activity. An open stream is not cut when its
     * session ends: sources that reopen calls (streamWithReconnect) find out at a reopening.
     *
     * Call it from a handler that returns nothing (as routes/register.ts `events()` does): a
     * returned reply is a thenable Fastify waits on, with a watcher on the response held for
     * the stream's whole life.
     */
    sse(source: AsyncIterable<SseEvent>, options?: SseOptions): FastifyReply;
  }
  interface FastifyInstance {
    /** How many event streams are open (for the metrics). */
    openEventStreams(): number;
  }
}

const DEFAULT_HEARTBEAT_MS = 15_000;
const DEFAULT_RETRY_MS = 3_000;
const DEFAULT_SHUTDOWN_RETRY_MS = 1_000;
/** How often open streams look at app.shuttingDown (set on SIGTERM, before close). */
const SHUTDOWN_CHECK_MS = 250;

/** An event as the wire wants it: one `data:` line per line of data, a blank line after. */
export function formatEvent(event: SseEvent): string {
  let frame = '';
  if (event.id !== undefined) frame += `id: ${field('id', event.id)}\n`;
  if (event.event !== undefined) frame += `event: ${field('event', event.event)}\n`;
  for (const line of event.data.split(/\r\n|\r|\n/)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/** A line break in `id` or `event` would start another field: a bug, never sent. */
function field(name: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new TypeError(`SSE ${name} must be one line`);
  return value;
}

/** Resolves when the browser has taken what was written, or is gone. */
function drained(body: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      body.off('drain', done);
      body.off('close', done);
      resolve();
    };
    body.on('drain', done);
    body.on('close', done);
  });
}

/** The plugin's open streams, which shutdown ends. */
interface OpenStreams {
  add(stream: EventStream): void;
  delete(stream: EventStream): void;
}

/**
 * One answer of reply.sse: its body, and what feeds it (a source iterated here, or a direct
 * source that writes to a DirectSink). One object per stream with its methods on the prototype:
 * with thousands of streams open, a handful of closures per stream (each with, under esbuild's
 * keepNames, a property for its name) cost ~1.5 KB more per stream.
 */
class EventStream {
  /** What reply.send pipes to the response; a direct sink lets it go (releaseBody). */
  body: PassThrough | undefined = new PassThrough();
  readonly #reply: FastifyReply;
  readonly #open: OpenStreams;
  #ended = false;
  #heartbeat: NodeJS.Timeout | undefined;
  #iterator: AsyncIterator<SseEvent> | undefined;
  #attached: ReturnType<DirectSseSource['attach']> | undefined;
  #sink: DirectSink | undefined;
  /** Deflated (src/plugins/sse-deflate.ts): the Adler-32 of what was sent; else undefined. */
  #adler: number | undefined;

  /**
   * `iterator`: the source's, for a source iterated here (made at once, returned at the end).
   * `deflate`: the browser takes deflate, and gets it.
   */
  constructor(
    reply: FastifyReply,
    open: OpenStreams,
    iterator: AsyncIterator<SseEvent> | undefined,
    deflate: boolean,
  ) {
    this.#reply = reply;
    this.#open = open;
    this.#iterator = iterator;
    if (deflate) {
      this.#adler = 1;
      this.body?.write(ZLIB_HEADER);
    }
  }

  /** A frame as this stream sends it: deflated when it is (then counted for the trailer). */
  encode(frame: Buffer | string): Buffer | string {
    if (this.#adler === undefined) return frame;
    const deflated = deflatedFrame(frame);
    this.#adler = adler32Combine(this.#adler, deflated.adler, deflated.length);
    return deflated.bytes;
  }

  /** What ends the stream: the retry hint, if any, then for deflate the final block and trailer. */
  #last(hint: number | undefined): Buffer | string | undefined {
    const retry = hint === undefined ? undefined : `retry: ${hint}\n\n`;
    if (this.#adler === undefined) return retry;
    const hinted = retry === undefined ? undefined : (this.encode(retry) as Buffer);
    const end = deflateEnd(this.#adler);
    return hinted ? Buffer.concat([hinted, end]) : end;
  }

  write(chunk: string | Buffer): boolean {
    const body = this.body;
    return body?.writable === true && body.write(this.encode(chunk));
  }

  /** Ends the stream (once), with a `retry:` hint when given. */
  end(hint?: number): void {
    if (this.#ended) return;
    this.#ended = true;
    clearInterval(this.#heartbeat);
    this.#open.delete(this);
    this.#sink?.close();
    const raw = this.#reply.raw;
    if (this.body) {
      if (this.body.writable) this.body.end(this.#last(hint));
    } else if (!raw.destroyed && !raw.writableEnded) {
      // The body was let go: the end (the last chunk) is the response's own.
      raw.end(this.#last(hint));
    }
    // Not awaited: a source waiting for its next item finishes that wait first (for a
    // control-plane stream, the response closing cancels it).
    this.#iterator?.return?.().catch(() => {});
    this.#attached?.closed();
  }

  /** Frames go straight to the socket from now on (DirectStream.releaseBody). */
  releaseBody(): void {
    const body = this.body;
    if (!body) return;
    this.body = undefined;
    body.unpipe(this.#reply.raw);
    // Ended and read to its end: Fastify's watcher on it sees a normal end. Fastify still holds
    // the body (in the watcher it keeps on the response) but not the listeners on it, each with
    // its closures: ~700 B per stream.
    body.once('close', () => body.removeAllListeners());
    body.end();
    body.resume();
  }

  /** The browser has taken what was buffered: a direct source is told. */
  drained(): void {
    this.#attached?.drained();
  }

  /** A direct source writes (and keeps the stream alive) itself. */
  attach(source: DirectSseSource): void {
    const raw = this.#reply.raw;
    raw.on('close', () => this.end());
    this.#open.add(this);
    const drained = () => this.drained();
    const sink = new DirectSink(raw, this, drained);
    this.#sink = sink;
    this.#attached = source.attach(sink);
    // Ended while attaching (the hub already closed): closed() could not be called then.
    if (this.#ended) {
      sink.close();
      this.#attached.closed();
    }
    this.body?.on('drain', drained);
    raw.on('drain', drained);
  }

  /** Iterates the source into the body, a heartbeat keeping the stream alive meanwhile. */
  iterate(heartbeatMs: number): void {
    const iterator = this.#iterator;
    if (!iterator) return;
    this.#heartbeat = setInterval(() => this.write(': keep-alive\n\n'), heartbeatMs);
    this.#reply.raw.on('close', () => this.end());
    this.#open.add(this);
    void this.#pump(iterator);
  }

  async #pump(iterator: AsyncIterator<SseEvent>): Promise<void> {
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done || this.#ended) break;
        // The browser reads slower than events come: wait instead of buffering them all.
        const body = this.body;
        if (!this.write(formatEvent(next.value)) && body?.writable) await drained(body);
      }
    } catch (err) {
      if (!this.#ended) this.#reply.log.warn({ err }, 'event stream source failed');
    } finally {
      this.end();
    }
  }
}

export default fp(
  async (app: FastifyInstance, options: SsePluginOptions) => {
    const shutdownRetryMs = options.shutdownRetryMs ?? DEFAULT_SHUTDOWN_RETRY_MS;
    const streams = new Set<EventStream>();
    let shutdownCheck: NodeJS.Timeout | undefined;

    const endAll = () => {
      for (const stream of [...streams]) stream.end(shutdownRetryMs);
    };
    const open: OpenStreams = {
      add(stream) {
        streams.add(stream);
        shutdownCheck ??= setInterval(() => {
          if (app.shuttingDown) endAll();
        }, SHUTDOWN_CHECK_MS).unref();
      },
      delete(stream) {
        streams.delete(stream);
        if (streams.size === 0 && shutdownCheck) {
          clearInterval(shutdownCheck);
          shutdownCheck = undefined;
        }
      },
    };
    app.decorate('openEventStreams', () => streams.size);
    // Before the listener closes: it waits for every open response, and these never end alone.
    app.addHook('preClose', async () => endAll());

    app.decorateReply(
      'sse',
      function (this: FastifyReply, source: AsyncIterable<SseEvent>, callOptions?: SseOptions) {
        const heartbeatMs = callOptions?.heartbeatMs ?? options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
        const retryMs = callOptions?.retryMs ?? options.retryMs ?? DEFAULT_RETRY_MS;
        const direct = isDirect(source) ? source : undefined;
        const deflate = acceptsDeflate(this.request);
        const stream = new EventStream(
          this,
          open,
          direct ? undefined : source[Symbol.asyncIterator](),
          deflate,
        );
        // Taken before attach(): a direct sink may let the body go once the head is out.
        const body = stream.body as PassThrough;
        stream.write(`retry: ${retryMs}\n\n`);
        if (app.shuttingDown) {
          stream.end(shutdownRetryMs);
        } else if (this.request.method === 'HEAD') {
          stream.end();
        } else if (direct) {
          stream.attach(direct);
        } else {
          stream.iterate(heartbeatMs);
        }
        if (deflate) this.header('content-encoding', 'deflate');
        return (
          this.header('vary', 'accept-encoding')
            .header('content-type', 'text/event-stream; charset=utf-8')
            .header('cache-control', 'no-store')
            // nginx (ingress) would otherwise buffer the stream.
            .header('x-accel-buffering', 'no')
            .send(body)
        );
      },
    );
  },
  { name: 'sse' },
);
