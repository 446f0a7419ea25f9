import { randomBytes } from 'node:crypto';
import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInflate, inflateSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { DirectSseSource, SseEvent, SseSink } from '../../src/plugins/sse.js';
import {
  adler32,
  adler32Combine,
  deflatedFrame,
  deflateEnd,
  ZLIB_HEADER,
} from '../../src/plugins/sse-deflate.js';
import { offlineApp } from './offline-app.js';

// Event streams deflated for the browser, each frame deflated once and shared by every stream
// (src/plugins/sse-deflate.ts): what a browser's decoder makes of the bytes, checked by zlib's
// own inflate, which also checks the trailer's Adler-32.

describe('adler32', () => {
  it('is zlib’s checksum', () => {
    expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(Buffer.alloc(0))).toBe(1);
    // Long runs of 0xff: the sums are reduced before they lose precision.
    const ones = Buffer.alloc(1 << 20, 0xff);
    const stream = Buffer.concat([
      ZLIB_HEADER,
      deflatedFrame(ones).bytes,
      deflateEnd(adler32(ones)),
    ]);
    expect(inflateSync(stream).equals(ones)).toBe(true);
  });

  it('combines: the checksum of A then B from each one’s and B’s length', () => {
    for (const [a, b] of [
      [0, 0],
      [1, 65_520],
      [65_521, 65_521],
      [70_000, 200_000],
      [3, 1],
    ] as const) {
      const first = randomBytes(a);
      const second = randomBytes(b);
      expect(adler32Combine(adler32(first), adler32(second), b)).toBe(
        adler32(Buffer.concat([first, second])),
      );
    }
  });
});

describe('deflatedFrame', () => {
  it('deflates a Buffer once, whichever stream asks; pieces in any order make one zlib stream', () => {
    const a = Buffer.from(`event: region\ndata: ${'<tr><td>row</td></tr>'.repeat(500)}\n\n`);
    const b = Buffer.from('event: heartbeat\ndata: 15000\n\n');
    expect(deflatedFrame(a)).toBe(deflatedFrame(a));
    expect(deflatedFrame(a).bytes.length).toBeLessThan(a.length / 20);
    const sent = [b, a, b, a, 'retry: 1000\n\n'];
    let adler = 1;
    const pieces = sent.map((frame) => {
      const deflated = deflatedFrame(frame);
      adler = adler32Combine(adler, deflated.adler, deflated.length);
      return deflated.bytes;
    });
    const stream = Buffer.concat([ZLIB_HEADER, ...pieces, deflateEnd(adler)]);
    expect(inflateSync(stream).toString()).toBe(sent.map(String).join(''));
    // A wrong trailer is refused by the decoder (so the one above was checked).
    const wrong = Buffer.concat([ZLIB_HEADER, ...pieces, deflateEnd(adler ^ 1)]);
    expect(() => inflateSync(wrong)).toThrow(/incorrect data check/);
  });
});

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

/** The console with a direct source (as the live hub) at /test/direct, and an iterated one. */
async function startApp() {
  const app = await offlineApp();
  const sinks: SseSink[] = [];
  app.get('/test/direct', { config: { public: true } }, async (_request, reply) => {
    const source: DirectSseSource = {
      attach(sink) {
        sinks.push(sink);
        return { drained: () => {}, closed: () => {} };
      },
      async *[Symbol.asyncIterator](): AsyncGenerator<SseEvent> {},
    };
    return reply.sse(source);
  });
  app.get('/test/iterated', { config: { public: true } }, async (_request, reply) => {
    async function* events(): AsyncGenerator<SseEvent> {
      yield { event: 'progress', data: '<p>half</p>' };
      yield { event: 'progress', data: '<p>done</p>' };
    }
    return reply.sse(events());
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  apps.push(app);
  return { base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, sinks };
}

/** A stream as a browser reads it: decoded as the bytes come, and the bytes themselves. */
function open(url: string, acceptEncoding: string) {
  return new Promise<{
    response: IncomingMessage;
    decoded: () => string;
    wire: () => Buffer;
    until: (text: string) => Promise<void>;
    ended: Promise<void>;
  }>((resolve, reject) => {
    const request = get(url, {
      headers: { accept: 'text/event-stream', 'accept-encoding': acceptEncoding },
    });
    request.once('error', reject);
    request.once('response', (response) => {
      const wire: Buffer[] = [];
      let decoded = '';
      const waiting = new Set<() => void>();
      const deflated = response.headers['content-encoding'] === 'deflate';
      const inflate = createInflate();
      inflate.setEncoding('utf8');
      const take = (text: string) => {
        decoded += text;
        for (const check of waiting) check();
      };
      inflate.on('data', take);
      const ended = new Promise<void>((done, failed) => {
        inflate.once('error', failed);
        inflate.once('end', done);
        if (!deflated) response.once('end', done);
      });
      response.on('data', (chunk: Buffer) => {
        wire.push(chunk);
        if (deflated) inflate.write(chunk);
        else take(chunk.toString('utf8'));
      });
      response.once('end', () => inflate.end());
      resolve({
        response,
        decoded: () => decoded,
        wire: () => Buffer.concat(wire),
        until: (text) =>
          new Promise<void>((done) => {
            const check = () => {
              if (decoded.includes(text)) done();
            };
            waiting.add(check);
            check();
          }),
        ended,
      });
    });
  });
}

const frame = (data: string) => Buffer.from(`event: region\ndata: ${data}\n\n`);

describe('an event stream to a browser that takes deflate', () => {
  it('is deflated, each frame readable as it comes, and ends with a trailer zlib accepts', async () => {
    const { base, sinks } = await startApp();
    const browser = await open(`${base}/test/direct`, 'gzip, deflate, br, zstd');
    expect(browser.response.headers['content-encoding']).toBe('deflate');
    expect(browser.response.headers.vary).toMatch(/accept-encoding/i);
    expect(browser.response.headers['content-type']).toMatch(/^text\/event-stream/);
    await browser.until('retry: 3000\n\n');

    // A large region, the same Buffer to two streams (as the fan-out writes it): each reads it
    // whole before anything else is sent, and far fewer bytes came over the wire.
    const other = await open(`${base}/test/direct`, 'deflate');
    await other.until('retry: 3000\n\n');
    const region = frame(`<table>${'<tr><td>orders-api</td><td>10.0.0.1</td></tr>'.repeat(2000)}`);
    const before = browser.wire().length;
    for (const sink of sinks) sink.write(region);
    await browser.until('</tr>\n\n');
    await other.until('</tr>\n\n');
    expect(browser.wire().length - before).toBeLessThan(region.length / 20);

    sinks[0]?.write(frame('<p>after</p>'));
    await browser.until('<p>after</p>');
    sinks[0]?.end(1000);
    await browser.ended;
    expect(browser.decoded()).toBe(
      `retry: 3000\n\n${region}${frame('<p>after</p>')}retry: 1000\n\n`,
    );
    // The bytes as sent, whole: header, pieces, trailer (its checksum checked).
    expect(inflateSync(browser.wire()).toString()).toBe(browser.decoded());
  });

  it('an iterated source (an operation’s progress) is deflated too', async () => {
    const { base } = await startApp();
    const browser = await open(`${base}/test/iterated`, 'deflate;q=0.5, gzip');
    expect(browser.response.headers['content-encoding']).toBe('deflate');
    await browser.ended;
    expect(browser.decoded()).toBe(
      'retry: 3000\n\nevent: progress\ndata: <p>half</p>\n\nevent: progress\ndata: <p>done</p>\n\n',
    );
  });

  it('a client that does not take deflate gets the stream as it is', async () => {
    const { base, sinks } = await startApp();
    for (const refused of ['gzip, br', 'deflate;q=0, gzip', 'identity']) {
      const client = await open(`${base}/test/direct`, refused);
      expect(client.response.headers['content-encoding'], refused).toBeUndefined();
      await client.until('retry: 3000\n\n');
      sinks.at(-1)?.write(frame('<p>plain</p>'));
      await client.until('<p>plain</p>');
      expect(client.wire().toString('utf8')).toContain('event: region\ndata: <p>plain</p>\n\n');
      client.response.destroy();
    }
  });
});
