/**
 * `npm run bench`: issue 10's figures side by side in one run, each against its target; exits 1
 * when one is missed. A part whose piece is not in the console yet is reported "not available".
 *
 * 1. live: 5,000 event streams on one replica (memory and fan-out time per stream), and 100
 *    operators' dashboards (control-plane reads per second) — first, on a console that has
 *    served nothing else, so its memory is the streams';
 * 2. pages: the namespaces page against the minimal server, the prebuilt copy and the 304 path;
 * 3. start-up of serve mode against a bare node:http server (bench/startup.ts), on its own.
 *
 * Settings (environment): BENCH_CONNECTIONS (10), BENCH_DURATION s per run (10), BENCH_WARMUP s
 * (3), BENCH_ROUNDS (3), BENCH_STREAMS (5000), BENCH_STREAM_SESSIONS (4), BENCH_DASHBOARDS (100),
 * BENCH_DASHBOARDS_DURATION s (20), BENCH_ONLY (comma-separated: live, pages, startup).
 */
import { benchLive } from './live.js';
import { benchPages } from './namespaces.js';
import { machine } from './proc.js';
import { consoleProcessSetting, startBenchStack } from './support.js';
import { col, out, passes, type Target, unavailable } from './targets.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const only = new Set((process.env.BENCH_ONLY ?? 'live,pages,startup').split(','));
const STARTUP_TARGET = 2.5;

async function startup(): Promise<Target> {
  // bench/startup.ts comes with the bundled server; until then this part is not available.
  const module = './startup.js';
  type Figures = { consoleMs: number; bareMs: number; ratio: number };
  let measure: (() => Promise<Figures>) | undefined;
  let format: ((figures: Figures) => string) | undefined;
  try {
    ({ measureStartup: measure, formatStartup: format } = await import(module));
  } catch {
    measure = undefined;
  }
  if (!measure)
    return unavailable('start-up vs bare node:http', STARTUP_TARGET, '×', 'no bench/startup.ts');
  try {
    const r = await measure();
    out(format ? format(r) : JSON.stringify(r));
    out();
    return {
      name: 'start-up (first 200 on /healthz) vs bare node:http',
      value: r.ratio,
      limit: STARTUP_TARGET,
      unit: '×',
      available: true,
      note: `${r.consoleMs.toFixed(0)} ms against ${r.bareMs.toFixed(0)} ms`,
    };
  } catch (error) {
    return {
      name: 'start-up vs bare node:http',
      value: Number.NaN,
      limit: STARTUP_TARGET,
      unit: '×',
      available: true,
      note: `failed: ${(error as Error).message}`,
    };
  }
}

async function main() {
  out(`machine: ${machine()}`);
  if (only.has('live') || only.has('pages')) out(`console: ${consoleProcessSetting()}`);
  out();
  const targets: Target[] = [];
  if (only.has('live') || only.has('pages')) {
    const stack = await startBenchStack();
    try {
      if (only.has('live')) {
        targets.push(
          ...(await benchLive(stack, {
            clients: env('BENCH_STREAMS', 5000),
            sessions: env('BENCH_STREAM_SESSIONS', 4),
            dashboards: env('BENCH_DASHBOARDS', 100),
            dashboardsS: env('BENCH_DASHBOARDS_DURATION', 20),
          })),
        );
        out();
      }
      if (only.has('pages')) {
        targets.push(
          ...(await benchPages(stack, {
            connections: env('BENCH_CONNECTIONS', 10),
            durationS: env('BENCH_DURATION', 10),
            warmupS: env('BENCH_WARMUP', 3),
            rounds: env('BENCH_ROUNDS', 3),
          })),
        );
      }
    } finally {
      await stack.stop();
    }
  }
  if (only.has('startup')) targets.push(await startup());

  out('targets');
  let failed = false;
  for (const t of targets) {
    const verdict = !t.available ? 'not available' : passes(t) ? 'PASS' : 'FAIL';
    if (t.available && !passes(t)) failed = true;
    const digits = t.unit === '' ? 0 : 2;
    const figure = t.available
      ? `${col(t.value, digits, 8)} ${t.unit} (≤ ${t.limit} ${t.unit})`
      : '';
    out(`  ${t.name.padEnd(58)}${figure.padEnd(30)}${verdict}${t.note ? `  ${t.note}` : ''}`);
  }
  process.exitCode = failed ? 1 : 0;
}

await main();
