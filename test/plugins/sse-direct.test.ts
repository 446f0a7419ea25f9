import type { ServerResponse } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { DirectSseSource, SseEvent, SseSink } from '../../src/plugins/sse.js';
import { chunkFramed } from '../../src/plugins/sse-direct.js';
import { offlineApp } from './offline-app.js';

// reply.sse() with a direct source (the live hub's way: frames built once, written to every
// stream) on the whole console, read off a raw TCP connection so the wire itself is checked:
// the head through the hooks, then one HTTP/1.1 chunk per frame, the end, the connection after.

interface Stream {
  sink: SseSink;
  /** The response it answers (Node's own). */
  raw: ServerResponse;
  drained: number;
  closed: boolean;
}

const apps: FastifyInstance[] = [];
const sockets: Socket[] = [];

async function startApp(): Promise<{ port: number; streams: Stream[] }> {
  const app = await offlineApp();
  const streams: Stream[] = [];
  app.get('/test/direct', { config: { public: true } }, async (_request, reply) => {
    const raw = reply.raw;
    const source: DirectSseSource = {
      attach(sink) {
        const stream: Stream = { sink, raw, drained: 0, closed: false };
        streams.push(stream);
        return {
          drained: () => {
            stream.drained += 1;
          },
          closed: () => {
            stream.closed = true;
          },
        };
      },
      async *[Symbol.asyncIterator](): AsyncGenerator<SseEvent> {},
    };
    return reply.sse(source);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  apps.push(app);
  return { port: (app.server.address() as AddressInfo).port, streams };
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const app of apps.splice(0)) await app.close();
});

/** A raw connection: what arrived so far (latin1, byte for byte), and waiting for more. */
function rawClient(port: number, request: string) {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let received = '';
  let check = () => {};
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    received += chunk;
    check();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(request);
  return {
    socket,
    received: () => received,
    closed,
    waitFor: (predicate: (text: string) => boolean) =>
      new Promise<void>((resolve) => {
        check = () => {
          if (predicate(received)) resolve();
        };
        check();
      }),
  };
}

const GET = (http = '1.1') => `GET /test/direct HTTP/${http}\r\nHost: 127.0.0.1\r\n\r\n`;
const frame = (name: string, data: string) => Buffer.from(`event: ${name}\ndata: ${data}\n\n`);
const latin1 = (bytes: Buffer) => bytes.toString('latin1');
const waitUntil = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('chunkFramed', () => {
  it('frames bytes as one HTTP/1.1 chunk: length in hex (bytes, not characters), CRLF, CRLF', () => {
    const bytes = Buffer.from('event: a\ndata: café\n\n');
    expect(bytes.length).toBe(22);
    expect(latin1(chunkFramed(bytes))).toBe(`16\r\n${latin1(bytes)}\r\n`);
  });
});

describe('reply.sse with a direct source', () => {
  it('sends the head through the hooks, then each frame as one chunk to every stream', async () => {
    const { port, streams } = await startApp();
    const one = rawClient(port, GET());
    const two = rawClient(port, GET());
    await one.waitFor((text) => text.includes('retry: 3000\n\n\r\n'));
    await two.waitFor((text) => text.includes('retry: 3000\n\n\r\n'));
    const head = one.received().split('\r\n\r\n')[0] ?? '';
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toMatch(/\r\ncontent-type: text\/event-stream; charset=utf-8\r\n/i);
    expect(head).toMatch(/\r\ncontent-security-policy: default-src 'none'/i);
    expect(head).toMatch(/\r\ntransfer-encoding: chunked(\r\n|$)/i);

    // The same Buffer to both, as the hub does; then another, then the first again.
    const first = frame('region', '<p>caf\u00e9 1</p>');
    const second = frame('region', '<p>2</p>');
    for (const bytes of [first, second, first]) {
      for (const stream of streams) stream.sink.write(bytes);
    }
    const expected = [first, second, first].map((bytes) => latin1(chunkFramed(bytes))).join('');
    for (const client of [one, two]) {
      await client.waitFor((text) => text.endsWith(expected));
      const body = client.received().slice(head.length + 4);
      expect(body).toBe(`d\r\nretry: 3000\n\n\r\n${expected}`);
    }
  });

  it('counts what a browser has not read, and says when it has caught up', async () => {
    const { port, streams } = await startApp();
    const client = rawClient(port, GET());
    await client.waitFor((text) => text.includes('retry: 3000'));
    const stream = streams[0] as Stream;
    client.socket.pause();
    // The kernel's buffers take some; past them the bytes wait in the console, counted.
    const big = frame('region', 'x'.repeat(256 * 1024));
    for (let i = 0; i < 40 && stream.sink.bufferedBytes() < 512 * 1024; i++) {
      stream.sink.write(big);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(stream.sink.bufferedBytes()).toBeGreaterThanOrEqual(512 * 1024);
    // (It may have drained between writes, as the kernel took some.)
    const drainedBefore = stream.drained;
    client.socket.resume();
    await waitUntil(() => stream.drained > drainedBefore);
    expect(stream.sink.bufferedBytes()).toBe(0);
  });

  it('lets the body go once frames go to the socket, ends through the response, serves the next request', async () => {
    const { port, streams } = await startApp();
    const client = rawClient(port, GET());
    await client.waitFor((text) => text.includes('retry: 3000'));
    const stream = streams[0] as Stream;
    stream.sink.write(frame('region', 'before the end'));
    await client.waitFor((text) => text.includes('data: before the end'));
    // Nothing is piped into the response any more: the pipe and the listeners on the body are
    // not kept for the stream's life (~2 KB of each of thousands of streams).
    expect(stream.raw.listenerCount('unpipe')).toBe(0);
    expect(stream.raw.listenerCount('drain')).toBe(1);
    // Nor the head's text (Node keeps it only as a flag once sent): it is sent, and only once.
    expect(stream.raw.headersSent).toBe(true);
    expect((stream.raw as unknown as { _header: string })._header.length).toBeLessThan(32);
    expect(client.received().match(/HTTP\/1\.1 200/g)).toHaveLength(1);

    // The end goes through the response itself: the retry hint, then the last chunk.
    stream.sink.end(1000);
    await client.waitFor((text) => text.endsWith('\r\n0\r\n\r\n'));
    expect(client.received()).toContain(latin1(chunkFramed(frame('region', 'before the end'))));
    expect(client.received()).toMatch(/\r\nretry: 1000\n\n\r\n0\r\n\r\n$/);
    expect(stream.closed).toBe(true);

    // Kept alive: the next request on it is answered, and the ended stream writes nothing more.
    const sofar = client.received().length;
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    stream.sink.write(frame('region', 'after the end'));
    await client.waitFor((text) => /\r\n\r\n[\s\S]*ok/i.test(text.slice(sofar)));
    expect(client.received().slice(sofar)).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(client.received()).not.toContain('after the end');
  });

  it('answers an HTTP/1.0 client without chunks: the stream is the bytes until the close', async () => {
    const { port, streams } = await startApp();
    const client = rawClient(port, GET('1.0'));
    await client.waitFor((text) => text.includes('retry: 3000'));
    expect(client.received()).not.toMatch(/transfer-encoding/i);
    const stream = streams[0] as Stream;
    stream.sink.write(frame('region', 'plain'));
    stream.sink.end(1000);
    await client.closed;
    expect(client.received()).toMatch(
      /\r\n\r\nretry: 3000\n\nevent: region\ndata: plain\n\nretry: 1000\n\n$/,
    );
  });
});
