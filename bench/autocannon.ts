import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { projectRoot } from '../src/project-root.js';

const run = promisify(execFile);

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Answers by status code. */
  statuses: Record<string, number>;
  errors: number;
}

/**
 * One autocannon run in its own process (so its work is not the measured server's); its --json
 * output is one line of results. With `revalidate`, each connection keeps the ETag it was last
 * given, as a browser does (bench/revalidating-load.ts); otherwise the headers are fixed.
 */
export async function autocannon(
  url: string,
  options: {
    connections: number;
    durationS: number;
    headers: Record<string, string>;
    revalidate?: boolean;
  },
): Promise<LoadResult> {
  const headers = Object.entries(options.headers).flatMap(([k, v]) => ['--headers', `${k}=${v}`]);
  const { stdout } = await run(
    process.execPath,
    options.revalidate
      ? [
          ...process.execArgv,
          `${projectRoot()}/bench/revalidating-load.ts`,
          url,
          String(options.connections),
          String(options.durationS),
          JSON.stringify(options.headers),
        ]
      : [
          `${projectRoot()}/node_modules/autocannon/autocannon.js`,
          '--json',
          ...headers,
          '--connections',
          String(options.connections),
          '--duration',
          String(options.durationS),
          url,
        ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const r = JSON.parse(stdout) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    statusCodeStats?: Record<string, { count: number }>;
    errors: number;
    timeouts: number;
  };
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    statuses: Object.fromEntries(
      Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]),
    ),
    errors: r.errors + r.timeouts,
  };
}
