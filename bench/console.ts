/**
 * The console in a process of its own for the benchmark (started by support.ts with the console's
 * environment and --expose-gc): the CPU time and memory read from /proc are the console's alone,
 * as in production. Prints its URL as one JSON line on stdout, then serves until SIGTERM.
 *
 * One route is added for the bench: GET /__bench/prebuilt sends bytes the bench hands over (the
 * page, captured once), through the same hooks, headers and framework as the page itself.
 * Over the IPC channel the bench asks for what only the process can see (see `serveRequests`).
 */
import { randomUUID } from 'node:crypto';
import { ServerResponse } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { serveRequests } from './proc.js';

/** What the issue-10 parts expose for tests and the bench, read loosely: a part may be missing. */
interface Extras {
  readCache?: { stats(): { calls: number; hits: number; coalesced: number } };
  liveHub?: Record<string, unknown> & { subscriberCount?(): number };
  changes?: { live: boolean; resourceVersion: bigint; lagMs: number };
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const config = loadConfig(process.env);
const app = await buildApp({ config });
const extras = app as unknown as Extras;

let prebuilt: { body: Buffer; type: string } | undefined;
await app.register(async (bench) => {
  bench.get('/__bench/prebuilt', async (_request, reply) => {
    if (!prebuilt) return reply.code(503).send('not captured yet');
    return reply.type(prebuilt.type).send(prebuilt.body);
  });
});
await app.listen({ host: config.host, port: config.port });

/** Numbers and booleans the hub offers (counts, last fan-out time), whatever their names. */
function hubFigures(): Record<string, number | boolean> | undefined {
  const hub = extras.liveHub;
  if (!hub) return undefined;
  const figures: Record<string, number | boolean> = {};
  if (typeof hub.subscriberCount === 'function') figures.subscriberCount = hub.subscriberCount();
  for (const key of Object.keys(hub)) {
    const value = hub[key];
    if (typeof value === 'number' || typeof value === 'boolean') figures[key] = value;
  }
  for (const key of ['stats', 'figures']) {
    const f = hub[key];
    if (typeof f === 'function') Object.assign(figures, f.call(hub));
  }
  return figures;
}

/**
 * The server side of one fan-out, for when the hub does not time it itself: the first `count`
 * writes to responses that start with `prefix` (one SSE frame to each stream) are timed, from the
 * first one's start to the last one's end. The wrapper is installed only while the bench asks.
 */
const ownWrite = Object.hasOwn(ServerResponse.prototype, 'write');
const originalWrite = ServerResponse.prototype.write;
let writes:
  | { prefix: Buffer; count: number; limit: number; first: bigint; last: bigint }
  | undefined;

function startsWith(chunk: unknown, prefix: Buffer): boolean {
  if (typeof chunk === 'string') return chunk.startsWith(prefix.toString());
  if (!(chunk instanceof Uint8Array) || chunk.length < prefix.length) return false;
  return prefix.compare(chunk, 0, prefix.length) === 0;
}

function timeWrites(prefix: string, limit: number): void {
  writes = { prefix: Buffer.from(prefix), count: 0, limit, first: 0n, last: 0n };
  ServerResponse.prototype.write = function write(this: ServerResponse, ...args: unknown[]) {
    const w = writes;
    const timed = w !== undefined && w.count < w.limit && startsWith(args[0], w.prefix);
    const start = timed ? process.hrtime.bigint() : 0n;
    const result = (originalWrite as (...a: unknown[]) => boolean).apply(this, args);
    if (timed && w) {
      if (w.count++ === 0) w.first = start;
      w.last = process.hrtime.bigint();
    }
    return result;
  } as typeof originalWrite;
}

function timedWrites(): { count: number; spanMs: number } | undefined {
  if (ownWrite) ServerResponse.prototype.write = originalWrite;
  else delete (ServerResponse.prototype as Partial<ServerResponse>).write;
  const w = writes;
  writes = undefined;
  return w && { count: w.count, spanMs: Number(w.last - w.first) / 1e6 };
}

async function adminToken(): Promise<string> {
  const session = (await app.sessions.list()).find((s) => s.username === 'admin');
  if (!session) throw new Error('the admin is not signed in');
  return session.accessToken;
}

serveRequests({
  prebuilt: ({ body, type }) => {
    prebuilt = { body: Buffer.from(body as Uint8Array), type: String(type) };
  },
  stats: () => ({
    readCache: extras.readCache?.stats(),
    liveHub: hubFigures(),
    changes: extras.changes
      ? { live: extras.changes.live, resourceVersion: String(extras.changes.resourceVersion) }
      : undefined,
  }),
  memory: () => {
    // Twice: the first collection may leave finalised objects for the second.
    gc();
    gc();
    return process.memoryUsage();
  },
  accessToken: () => adminToken(),
  timeWrites: ({ prefix, count }) => timeWrites(String(prefix), Number(count)),
  timedWrites: () => timedWrites(),
  /** The seed has fewer namespaces than a full page: adds fillers up to `rows`. */
  topUp: async ({ rows }) => {
    const options = { headers: { authorization: `Bearer ${await adminToken()}` } };
    const { totalSize } = await app.controlPlane.listNamespaces({ pageSize: 1 }, options);
    for (let i = totalSize; i < Number(rows); i++) {
      await app.controlPlane.createNamespace(
        {
          namespace: {
            name: `bench-filler-${i}`,
            description: 'Added by npm run bench so the page has 50 rows',
            quota: { maxSessions: 100, maxStorageBytes: 1n << 30n, maxRps: 500 },
          },
          requestId: randomUUID(),
          reason: 'benchmark setup',
        },
        options,
      );
    }
  },
});

process.stdout.write(`${JSON.stringify({ url: `http://${config.host}:${config.port}` })}\n`);
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
