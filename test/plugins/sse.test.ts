import { Agent, get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { formatEvent, type SseEvent } from '../../src/plugins/sse.js';
import { offlineApp } from './offline-app.js';

// reply.sse() on the whole console (every plugin and hook), over real sockets. Nothing here
// reaches the control plane or the identity provider: the routes are public and make no call.
// test/plugins/control-plane-streams.test.ts pipes a real Watch stream through it.

/** A source that waits until it is given events, and records being returned (ended early). */
function controlledSource() {
  const queue: SseEvent[] = [];
  let wake = () => {};
  const state = { returned: false };
  const iterable: AsyncIterable<SseEvent> = {
    [Symbol.asyncIterator]: () => ({
      async next() {
        while (queue.length === 0 && !state.returned) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
        const value = queue.shift();
        return value ? { done: false, value } : { done: true, value: undefined };
      },
      async return() {
        state.returned = true;
        wake();
        return { done: true, value: undefined };
      },
    }),
  };
  return {
    iterable,
    state,
    push(event: SseEvent) {
      queue.push(event);
      wake();
    },
  };
}

const apps: FastifyInstance[] = [];
let sources: ReturnType<typeof controlledSource>[] = [];

async function startApp(): Promise<{ app: FastifyInstance; url: string }> {
  const app = await offlineApp();
  app.get('/test/events', { config: { public: true } }, async (request, reply) => {
    const query = request.query as { heartbeatMs?: string };
    const source = controlledSource();
    sources.push(source);
    return reply.sse(
      source.iterable,
      query.heartbeatMs ? { heartbeatMs: Number(query.heartbeatMs) } : {},
    );
  });
  app.get('/test/framed', { config: { public: true } }, async (_request, reply) => {
    async function* rows() {
      yield { event: 'row', id: '7', data: '<li>one</li>\n<li>two</li>\r\n<li>three</li>' };
      yield { data: '<p>last</p>' };
    }
    return reply.sse(rows());
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  apps.push(app);
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  sources = [];
});

interface SseClient {
  response: IncomingMessage;
  /** Everything received so far. */
  text(): string;
  waitFor(predicate: (text: string) => boolean): Promise<void>;
  /** Resolves when the server ends the response. */
  ended: Promise<void>;
  destroy(): void;
}

/** Keeps connections alive as browsers do, so that is what shutdown has to cope with. */
const agent = new Agent({ keepAlive: true });

function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent, headers: { accept: 'text/event-stream', ...headers } });
    request.once('error', reject);
    request.once('response', (response) => {
      let text = '';
      const waiters = new Set<() => void>();
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        for (const check of waiters) check();
      });
      const ended = new Promise<void>((done) => response.once('end', done));
      resolve({
        response,
        text: () => text,
        waitFor: (predicate) =>
          new Promise<void>((done) => {
            const check = () => {
              if (!predicate(text)) return;
              waiters.delete(check);
              done();
            };
            waiters.add(check);
            check();
          }),
        ended,
        destroy: () => request.destroy(),
      });
    });
  });
}

/** Events as a browser's EventSource assembles them (data lines joined with \n). */
function parseEvents(text: string): { event?: string; id?: string; data: string }[] {
  const events: { event?: string; id?: string; data: string }[] = [];
  for (const block of text.split('\n\n')) {
    const data: string[] = [];
    const event: { event?: string; id?: string } = {};
    for (const line of block.split('\n')) {
      const [, name, value = ''] = /^([^:]*): ?(.*)$/.exec(line) ?? [];
      if (name === 'data') data.push(value);
      if (name === 'event') event.event = value;
      if (name === 'id') event.id = value;
    }
    if (data.length > 0) events.push({ ...event, data: data.join('\n') });
  }
  return events;
}

describe('reply.sse', () => {
  it('answers through the hooks: event-stream type, no-store, request id, security headers', async () => {
    const { url } = await startApp();
    const client = await openSse(`${url}/test/events`, { 'x-request-id': 'sse-headers-1' });
    const { headers, statusCode } = client.response;
    expect(statusCode).toBe(200);
    expect(headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['x-request-id']).toBe('sse-headers-1');
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['referrer-policy']).toBe('same-origin');
    await client.waitFor((text) => text.startsWith('retry: 3000\n\n'));
    client.destroy();
  });

  it('frames each line of the data as its own data: line, and ends with the source', async () => {
    const { url } = await startApp();
    const client = await openSse(`${url}/test/framed`);
    await client.ended;
    expect(client.text()).toBe(
      'retry: 3000\n\n' +
        'id: 7\nevent: row\ndata: <li>one</li>\ndata: <li>two</li>\ndata: <li>three</li>\n\n' +
        'data: <p>last</p>\n\n',
    );
    expect(parseEvents(client.text())).toEqual([
      { id: '7', event: 'row', data: '<li>one</li>\n<li>two</li>\n<li>three</li>' },
      { data: '<p>last</p>' },
    ]);
  });

  it('refuses an event name or id that would start another field', () => {
    expect(() => formatEvent({ event: 'row\ndata: injected', data: '' })).toThrow(TypeError);
    expect(() => formatEvent({ id: '1\r2', data: '' })).toThrow(TypeError);
  });

  it('sends keep-alive comments while the source is quiet, then the events it gives', async () => {
    const { url } = await startApp();
    const client = await openSse(`${url}/test/events?heartbeatMs=40`);
    await client.waitFor((text) => text.split(': keep-alive\n\n').length > 3);
    sources[0]?.push({ event: 'change', data: '<tr><td>orders</td></tr>' });
    await client.waitFor((text) => text.includes('event: change\n'));
    expect(parseEvents(client.text())).toEqual([
      { event: 'change', data: '<tr><td>orders</td></tr>' },
    ]);
    client.destroy();
  });

  it('returns the source when the browser goes away', async () => {
    const { url } = await startApp();
    const client = await openSse(`${url}/test/events`);
    await client.waitFor((text) => text.includes('retry:'));
    expect(sources[0]?.state.returned).toBe(false);
    client.destroy();
    await expect.poll(() => sources[0]?.state.returned, { timeout: 10_000 }).toBe(true);
  });

  it('app.close() ends open streams with a retry hint, and does not wait for them', async () => {
    const { app, url } = await startApp();
    const clients = await Promise.all([
      openSse(`${url}/test/events`),
      openSse(`${url}/test/events`),
    ]);
    await Promise.all(clients.map((c) => c.waitFor((text) => text.includes('retry: 3000'))));
    const started = Date.now();
    await app.close();
    // Generous: a hang would be Fastify's 72 s keep-alive, or forever.
    expect(Date.now() - started).toBeLessThan(10_000);
    for (const client of clients) {
      await client.ended;
      expect(client.text()).toMatch(/retry: 1000\n\n$/);
    }
    expect(sources.map((s) => s.state.returned)).toEqual([true, true]);
  });

  it('ends open streams with a retry hint once the console is shutting down (SIGTERM)', async () => {
    const { app, url } = await startApp();
    const open = await openSse(`${url}/test/events`);
    await open.waitFor((text) => text.includes('retry: 3000'));
    app.shuttingDown = true;
    await open.ended;
    expect(open.text()).toMatch(/retry: 1000\n\n$/);
    expect(sources[0]?.state.returned).toBe(true);

    // A browser reconnecting meanwhile is sent on at once (the load balancer will pick another).
    const late = await openSse(`${url}/test/events`);
    await late.ended;
    expect(late.text()).toBe('retry: 3000\n\nretry: 1000\n\n');
  });
});
