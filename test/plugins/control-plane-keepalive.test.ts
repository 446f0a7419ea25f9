import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@connectrpc/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminService } from '../../src/gen/prism/admin/v1/admin_service_pb.js';
import { createControlPlaneTransport } from '../../src/plugins/control-plane.js';

// The transport's HTTP/2 keepalive against a real HTTP/2 server that counts the PING frames it
// receives. grpc-go's default enforcement (a PING at most every 5 minutes, none without an open
// stream) answers anything more with GOAWAY too_many_pings, which would cut every long stream.

interface PingServer {
  url: string;
  /** When each PING arrived (ms since the server started). */
  pings: number[];
  /** Streams open right now. */
  openStreams(): number;
  close(): Promise<void>;
}

/** Answers every call with response headers, then holds the stream open without a message. */
async function startPingServer(): Promise<PingServer> {
  const started = performance.now();
  const pings: number[] = [];
  const sessions = new Set<http2.ServerHttp2Session>();
  let open = 0;
  const server = http2.createServer();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('ping', () => pings.push(performance.now() - started));
    session.on('error', () => {});
    session.once('close', () => sessions.delete(session));
  });
  server.on('stream', (stream) => {
    open++;
    stream.once('close', () => open--);
    stream.on('error', () => {});
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pings,
    openStreams: () => open,
    async close() {
      for (const session of sessions) session.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Holds a Watch stream open for `ms`, then cancels it; resolves once the server saw it go. */
async function holdStream(client: ReturnType<typeof clientOf>, server: PingServer, ms: number) {
  const controller = new AbortController();
  const reading = (async () => {
    try {
      for await (const _ of client.watch({}, { signal: controller.signal, timeoutMs: 0 }));
    } catch {
      // cancelled: expected
    }
  })();
  await sleep(ms);
  controller.abort();
  await reading;
  while (server.openStreams() > 0) await sleep(10);
}

function clientOf(url: string, keepaliveMs?: number) {
  return createClient(
    AdminService,
    createControlPlaneTransport({ url, timeoutMs: 1000, readRetries: 0, keepaliveMs }),
  );
}

let server: PingServer;
beforeAll(async () => {
  server = await startPingServer();
});
afterAll(() => server?.close());

describe('control-plane keepalive', () => {
  it('pings at the configured interval while a call is open, and never on an idle connection', async () => {
    const interval = 200;
    const client = clientOf(server.url, interval);
    const before = server.pings.length;
    await holdStream(client, server, 1100);
    const streamPings = server.pings.slice(before);
    // About one per interval (1100 ms / 200 ms), none faster than the interval allows.
    expect(streamPings.length).toBeGreaterThanOrEqual(4);
    expect(streamPings.length).toBeLessThanOrEqual(6);
    const gaps = streamPings.slice(1).map((at, i) => at - (streamPings[i] ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(interval - 20);

    // The connection stays open without streams: no PING at all while it is idle.
    const idleFrom = server.pings.length;
    await sleep(1000);
    expect(server.pings.length).toBe(idleFrom);
  });

  it("by default (grpc-go's 5 minutes) sends no PING within a stream of seconds", async () => {
    const client = clientOf(server.url);
    const before = server.pings.length;
    await holdStream(client, server, 1200);
    await sleep(300);
    expect(server.pings.length).toBe(before);
  });

  it('sends none at all with keepalive off (0)', async () => {
    const client = clientOf(server.url, 0);
    const before = server.pings.length;
    await holdStream(client, server, 600);
    expect(server.pings.length).toBe(before);
  });
});
