import { Agent, get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CallOptions, ConnectError } from '@connectrpc/connect';
import { codeToString } from '@connectrpc/connect/protocol-connect';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ResourceKind } from '../../src/gen/prism/admin/v1/watch_pb.js';
import { streamWithReconnect } from '../../src/plugins/control-plane.js';
import type { SseEvent } from '../../src/plugins/sse.js';
import { type SignedIn, type Stack, startStack } from '../helper.js';

// request.rpcStream(), the logging interceptor and reply.sse() against the real demo control
// plane over HTTP/2, with a unary deadline of 300 ms and the simulator on: it changes the Raft
// status (one CLUSTER event on Watch) every 100 ms. Access tokens live 55 s, inside the 60 s
// refresh margin, so every token fetch renews the token — which makes each fetch visible.

const DEADLINE_MS = 300;

let stack: Stack;
let primary: TestConsole;
beforeAll(async () => {
  stack = await startStack({
    env: { CONTROL_PLANE_TIMEOUT_MS: String(DEADLINE_MS) },
    controlPlane: { simulate: true, tickMs: 100 },
    accessTokenTtlSeconds: 55,
    signInAdmin: false,
    // These tests count the streams the control plane holds: the console's own Watch would be one.
    serviceClient: false,
  });
  primary = await startConsole();
});
afterAll(async () => {
  await primary?.app.close();
  await stack?.close();
});

interface TestConsole {
  app: FastifyInstance;
  url: string;
  admin: SignedIn;
  /** Every log line the console wrote, parsed. */
  logs: Record<string, unknown>[];
}

/** Raft changes, one SSE event per Watch batch; an empty batch is a (re)subscription. */
async function* raftChanges(
  open: () => AsyncIterable<{ events: unknown[] }>,
): AsyncGenerator<SseEvent> {
  let subscriptions = 0;
  for await (const batch of open()) {
    if (batch.events.length === 0) yield { event: 'subscribed', data: String(++subscriptions) };
    else yield { event: 'change', data: String(batch.events.length) };
  }
}

/** A console on the stack's control plane and identity provider, with test routes, listening. */
async function startConsole(): Promise<TestConsole> {
  const logs: Record<string, unknown>[] = [];
  const app = await buildApp({
    config: loadConfig(stack.env),
    logger: {
      level: 'debug',
      stream: { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) },
    },
  });
  const watchRaft = (request: FastifyRequest, options: CallOptions = request.rpcStream()) =>
    app.controlPlane.watch({ kinds: [ResourceKind.CLUSTER] }, options);

  // Reads Watch for `ms`, with the stream's call options or (to compare) the unary ones.
  app.get('/test/watch-for', async (request) => {
    const { ms, unary } = request.query as { ms: string; unary?: string };
    const started = Date.now();
    const result = { code: 'ok', batches: 0, lastBatchAtMs: 0 };
    try {
      for await (const _ of watchRaft(request, unary ? request.rpc() : request.rpcStream())) {
        result.batches++;
        result.lastBatchAtMs = Date.now() - started;
        if (result.lastBatchAtMs >= Number(ms)) break;
      }
    } catch (err) {
      result.code = codeToString(ConnectError.from(err).code);
    }
    return result;
  });
  app.get('/test/watch-sse', async (request, reply) =>
    reply.sse(raftChanges(() => watchRaft(request))),
  );
  app.get('/test/watch-reconnect', async (request, reply) => {
    const { signal } = request.rpcStream();
    const reopened = streamWithReconnect(() => watchRaft(request), { signal, baseDelayMs: 50 });
    return reply.sse(raftChanges(() => reopened));
  });
  app.get('/test/watch-invalid', async (request) => {
    try {
      for await (const _ of app.controlPlane.watch(
        { kinds: [999 as ResourceKind] },
        request.rpcStream(),
      ));
      return 'ok';
    } catch (err) {
      return codeToString(ConnectError.from(err).code);
    }
  });
  app.get('/test/cluster', async (request) => {
    try {
      await app.controlPlane.getClusterStatus({}, request.rpc());
      return 'ok';
    } catch (err) {
      return codeToString(ConnectError.from(err).code);
    }
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { app, url, admin: await stack.signIn('admin', app), logs };
}

interface SseClient {
  response: IncomingMessage;
  text(): string;
  /** The data of every event of that name so far. */
  events(name: string): string[];
  waitFor(predicate: () => boolean): Promise<void>;
  ended: Promise<void>;
  destroy(): void;
}

const agent = new Agent({ keepAlive: true });

/** An EventSource's request over a real socket, as the signed-in operator. */
function openSse(target: TestConsole, path: string, requestId: string): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const request = get(`${target.url}${path}`, {
      agent,
      headers: {
        accept: 'text/event-stream',
        cookie: target.admin.cookie,
        'x-request-id': requestId,
      },
    });
    request.once('error', reject);
    request.once('response', (response) => {
      let text = '';
      const waiters = new Set<() => void>();
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        for (const check of waiters) check();
      });
      const events = (name: string) =>
        [...text.matchAll(new RegExp(`^event: ${name}\\ndata: (.*)$`, 'gm'))].map(
          (m) => m[1] ?? '',
        );
      resolve({
        response,
        text: () => text,
        events,
        waitFor: (predicate) =>
          new Promise<void>((done) => {
            const check = () => {
              if (!predicate()) return;
              waiters.delete(check);
              done();
            };
            waiters.add(check);
            check();
          }),
        ended: new Promise<void>((done) => response.once('end', done)),
        destroy: () => request.destroy(),
      });
    });
  });
}

const openWatches = () => stack.controlPlane.state.subscriberCount;

function logsOf(target: TestConsole, reqId: string) {
  return target.logs.filter((line) => line.reqId === reqId && line.rpc !== undefined);
}

describe('request.rpcStream()', () => {
  it('keeps a server stream open past the unary deadline; rpc() would cut it there', async () => {
    const streamed = await primary.admin.inject({ url: '/test/watch-for?ms=1200' });
    expect(streamed.json()).toMatchObject({ code: 'ok' });
    expect(streamed.json().lastBatchAtMs).toBeGreaterThanOrEqual(1200);
    expect(streamed.json().batches).toBeGreaterThan(3);

    const cut = await primary.admin.inject({ url: '/test/watch-for?ms=1200&unary=1' });
    expect(cut.json()).toMatchObject({ code: 'deadline_exceeded' });
    expect(cut.json().lastBatchAtMs).toBeLessThan(1200);
    // Both streams ended at the control plane with their requests.
    await expect.poll(openWatches, { timeout: 10_000 }).toBe(0);
  });

  it('cancels the stream at the control plane when the browser goes away', async () => {
    const client = await openSse(primary, '/test/watch-sse', 'sse-gone-1');
    expect(client.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(client.response.headers['cache-control']).toBe('no-store');
    expect(client.response.headers['x-request-id']).toBe('sse-gone-1');
    await client.waitFor(() => client.events('change').length >= 3);
    expect(client.events('subscribed')).toEqual(['1']);
    expect(openWatches()).toBe(1);
    // Logged when the stream ends, not when it opens.
    expect(logsOf(primary, 'sse-gone-1')).toEqual([]);

    client.destroy();
    await expect.poll(openWatches, { timeout: 10_000 }).toBe(0);
    await expect
      .poll(() => logsOf(primary, 'sse-gone-1'), { timeout: 10_000 })
      .toEqual([expect.objectContaining({ level: 20, rpc: 'Watch', code: 'canceled' })]);
  });

  it('reopens a broken stream with a freshly renewed token', async () => {
    const client = await openSse(primary, '/test/watch-reconnect', 'sse-reopen-1');
    await client.waitFor(() => client.events('change').length >= 1);
    const [session] = await primary.app.sessions.list();
    const tokenOfFirstOpening = session?.accessToken;

    // A control plane restart (a leader change looks the same): the stream fails UNAVAILABLE.
    await stack.controlPlane.stop();
    await stack.controlPlane.start();
    await client.waitFor(() => client.events('subscribed').length === 2);
    const changesBefore = client.events('change').length;
    await client.waitFor(() => client.events('change').length > changesBefore);
    const [renewed] = await primary.app.sessions.list();
    expect(renewed?.accessToken).toBeDefined();
    expect(renewed?.accessToken).not.toBe(tokenOfFirstOpening);
    // The broken first stream was the control plane's doing: a failure, logged at warn.
    expect(logsOf(primary, 'sse-reopen-1')[0]).toMatchObject({ level: 40, rpc: 'Watch' });

    client.destroy();
    await expect.poll(openWatches, { timeout: 10_000 }).toBe(0);
  });
});

describe('control-plane call logging', () => {
  it('writes one debug line per successful call: method, ok, duration, request id', async () => {
    const res = await primary.admin.inject({
      url: '/test/cluster',
      headers: { 'x-request-id': 'log-ok-1' },
    });
    expect(res.body).toBe('ok');
    const lines = logsOf(primary, 'log-ok-1');
    expect(lines).toEqual([
      expect.objectContaining({ level: 20, rpc: 'GetClusterStatus', code: 'ok' }),
    ]);
    expect(lines[0]?.durationMs).toEqual(expect.any(Number));
  });

  it('writes one warn line for a failed call, retries included', async () => {
    stack.controlPlane.faults.unavailable = true;
    let code: string;
    try {
      const res = await primary.admin.inject({
        url: '/test/cluster',
        headers: { 'x-request-id': 'log-fail-1' },
      });
      code = res.body;
    } finally {
      stack.controlPlane.faults.unavailable = false;
    }
    // Three attempts fail UNAVAILABLE; on a loaded machine the 300 ms deadline may end them first.
    expect(['unavailable', 'deadline_exceeded']).toContain(code);
    expect(logsOf(primary, 'log-fail-1')).toEqual([
      expect.objectContaining({
        level: 40,
        rpc: 'GetClusterStatus',
        code,
        durationMs: expect.any(Number),
      }),
    ]);
  });

  it('writes a warn line for a stream that fails', async () => {
    const res = await primary.admin.inject({
      url: '/test/watch-invalid',
      headers: { 'x-request-id': 'log-fail-2' },
    });
    expect(res.body).toBe('invalid_argument');
    expect(logsOf(primary, 'log-fail-2')).toEqual([
      expect.objectContaining({ level: 40, rpc: 'Watch', code: 'invalid_argument' }),
    ]);
  });
});

describe('shutdown with a stream open', () => {
  it('app.close() ends the event stream with a retry hint and cancels the Watch', async () => {
    const closing = await startConsole();
    const client = await openSse(closing, '/test/watch-sse', 'sse-close-1');
    await client.waitFor(() => client.events('change').length >= 1);
    expect(openWatches()).toBe(1);

    const started = Date.now();
    await closing.app.close();
    // Generous: what this guards against is a hang (Fastify's 72 s keep-alive, or forever).
    expect(Date.now() - started).toBeLessThan(10_000);
    await client.ended;
    expect(client.text()).toMatch(/retry: 1000\n\n$/);
    await expect.poll(openWatches, { timeout: 10_000 }).toBe(0);
  });
});
