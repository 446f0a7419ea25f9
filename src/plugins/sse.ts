import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

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
     * Long-lived: the request counts as operator activity once, when it opens. EventSource
     * cannot send headers, so unlike the dashboard's polls it cannot mark itself
     * X-Prism-Background; each reconnect counts as activity. An open stream is not cut when its
     * session ends: sources that reopen calls (streamWithReconnect) find out at a reopening.
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

export default fp(
  async (app: FastifyInstance, options: SsePluginOptions) => {
    const shutdownRetryMs = options.shutdownRetryMs ?? DEFAULT_SHUTDOWN_RETRY_MS;
    /** Ends an open stream, with a `retry:` hint when given. */
    type End = (retryMs?: number) => void;
    const open = new Set<End>();
    let shutdownCheck: NodeJS.Timeout | undefined;

    const endAll = () => {
      for (const end of [...open]) end(shutdownRetryMs);
    };
    const track = (end: End) => {
      open.add(end);
      shutdownCheck ??= setInterval(() => {
        if (app.shuttingDown) endAll();
      }, SHUTDOWN_CHECK_MS).unref();
    };
    const untrack = (end: End) => {
      open.delete(end);
      if (open.size === 0 && shutdownCheck) {
        clearInterval(shutdownCheck);
        shutdownCheck = undefined;
      }
    };
    app.decorate('openEventStreams', () => open.size);
    // Before the listener closes: it waits for every open response, and these never end alone.
    app.addHook('preClose', async () => endAll());

    app.decorateReply(
      'sse',
      function (this: FastifyReply, source: AsyncIterable<SseEvent>, callOptions?: SseOptions) {
        const heartbeatMs = callOptions?.heartbeatMs ?? options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
        const retryMs = callOptions?.retryMs ?? options.retryMs ?? DEFAULT_RETRY_MS;
        const body = new PassThrough();
        const iterator = source[Symbol.asyncIterator]();
        let ended = false;
        let heartbeat: NodeJS.Timeout | undefined;
        const write = (chunk: string) => body.writable && body.write(chunk);

        const end: End = (hint) => {
          if (ended) return;
          ended = true;
          clearInterval(heartbeat);
          untrack(end);
          if (body.writable) body.end(hint === undefined ? undefined : `retry: ${hint}\n\n`);
          // Not awaited: a source waiting for its next item finishes that wait first (for a
          // control-plane stream, the response closing cancels it).
          iterator.return?.().catch(() => {});
        };

        const pump = async () => {
          try {
            for (;;) {
              const next = await iterator.next();
              if (next.done || ended) break;
              // The browser reads slower than events come: wait instead of buffering them all.
              if (!write(formatEvent(next.value)) && body.writable) await drained(body);
            }
          } catch (err) {
            if (!ended) this.log.warn({ err }, 'event stream source failed');
          } finally {
            end();
          }
        };

        write(`retry: ${retryMs}\n\n`);
        if (app.shuttingDown) {
          end(shutdownRetryMs);
        } else if (this.request.method === 'HEAD') {
          end();
        } else {
          heartbeat = setInterval(() => write(': keep-alive\n\n'), heartbeatMs);
          this.raw.once('close', () => end());
          track(end);
          void pump();
        }
        return (
          this.header('content-type', 'text/event-stream; charset=utf-8')
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
