/**
 * Many browsers' event streams in one process of their own (bench/live.ts starts it): plain
 * node:http GETs without keep-alive agent, each reading `event:` lines as they come. Each asks for
 * the encodings a browser asks for, so the console deflates the streams as it does for browsers
 * (src/plugins/sse-deflate.ts), and each stream is inflated here as it comes. Prints
 * `{"url":""}` when ready, then takes requests over IPC:
 * - `open { url, cookies, count }`: opens `count` streams (cookies used in turn); resolves when
 *   every stream has its answer's headers, with how many failed;
 * - `arm { event }` then `collect { timeoutMs }`: when each stream next gets `event`, and the
 *   times (ms, this process's clock) of the first and last arrival; `received`: how many have;
 * - `close`: ends every stream.
 */
import { type ClientRequest, get } from 'node:http';
import { createInflate } from 'node:zlib';
import { serveRequests } from './proc.js';

interface Stream {
  request: ClientRequest;
  /** Arrival time of the armed event; undefined while waiting. */
  arrived?: number;
  rest: string;
}

const streams: Stream[] = [];
let armed: string | undefined;
let failures: string[] = [];

function open(url: string, cookie: string, onOpen: () => void): void {
  let first = true;
  const stream: Stream = { rest: '', request: undefined as unknown as ClientRequest };
  stream.request = get(
    url,
    {
      agent: false,
      headers: { cookie, accept: 'text/event-stream', 'accept-encoding': 'gzip, deflate, br' },
    },
    (response) => {
      first = false;
      if (response.statusCode !== 200) failures.push(`HTTP ${response.statusCode}`);
      onOpen();
      if (response.statusCode !== 200) {
        response.resume();
        return;
      }
      // Inflated as the bytes come (each event is flushed whole by the console).
      const res =
        response.headers['content-encoding'] === 'deflate'
          ? response.pipe(createInflate()).on('error', () => {})
          : response;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const text = stream.rest + chunk;
        const end = text.lastIndexOf('\n');
        stream.rest = text.slice(end + 1);
        if (end < 0) return;
        for (const line of text.slice(0, end).split('\n')) {
          if (!line.startsWith('event:')) continue;
          if (
            armed !== undefined &&
            stream.arrived === undefined &&
            line.slice(6).trim() === armed
          ) {
            stream.arrived = performance.now();
          }
        }
      });
    },
  );
  stream.request.on('error', (error) => {
    if (first) {
      first = false;
      failures.push(error.message);
      onOpen();
    }
  });
  streams.push(stream);
}

serveRequests({
  open: ({ url, cookies, count }) =>
    new Promise((resolve) => {
      const list = cookies as string[];
      const n = Number(count);
      failures = [];
      let waiting = n;
      const done = () => {
        if (--waiting === 0) resolve({ open: n - failures.length, failures: failures.slice(0, 5) });
      };
      // In batches, so the console's listen backlog is not flooded at once.
      let i = 0;
      const batch = () => {
        for (const end = Math.min(n, i + 200); i < end; i++) {
          open(String(url), list[i % list.length] ?? '', done);
        }
        if (i < n) setTimeout(batch, 20);
      };
      batch();
    }),
  arm: ({ event }) => {
    armed = String(event);
    for (const s of streams) s.arrived = undefined;
  },
  received: () => streams.filter((s) => s.arrived !== undefined).length,
  collect: ({ timeoutMs }) =>
    new Promise((resolve) => {
      const started = performance.now();
      const check = () => {
        const times = streams.flatMap((s) => (s.arrived === undefined ? [] : [s.arrived]));
        if (times.length < streams.length && performance.now() - started < Number(timeoutMs)) {
          setTimeout(check, 50);
          return;
        }
        armed = undefined;
        resolve({
          received: times.length,
          of: streams.length,
          first: Math.min(...times),
          last: Math.max(...times),
        });
      };
      check();
    }),
  close: () => {
    for (const s of streams) s.request.destroy();
    streams.length = 0;
  },
});

process.stdout.write(`${JSON.stringify({ url: '' })}\n`);
