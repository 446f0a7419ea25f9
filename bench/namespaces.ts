/**
 * `npm run bench`: what rendering the namespaces page costs, against the cheapest page the same
 * server can send.
 *
 * - real:     GET /namespaces?size=50 — one ListNamespaces call to the demo control plane over
 *             HTTP/2, the view mapping and the JSX render of 50 rows.
 * - prebuilt: GET /__bench/prebuilt — the same bytes, captured once, sent by a route in the same
 *             app (same hooks, headers and framework), so the difference is the page's own work.
 *
 * The control plane runs in a child process (bench/control-plane.ts), as prism-admin runs apart
 * from the console in production, and autocannon in another, so neither shares the console's
 * event loop. Target: the real page serves at least 35 % of the prebuilt one's requests/s.
 *
 * Settings: BENCH_CONNECTIONS (10), BENCH_DURATION seconds per run (10), BENCH_WARMUP seconds (3).
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Transport } from '@connectrpc/connect';
import { Window } from 'happy-dom';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createControlPlaneTransport } from '../src/plugins/control-plane.js';
import { projectRoot } from '../src/project-root.js';
import { routes } from '../src/routes/table.js';
import { freePort } from '../test/helper.js';
import { signInAdmin, startBenchIdentityProvider, startControlPlaneProcess } from './support.js';

const TARGET_RATIO = 0.35;
const ROWS = 50;
const settings = {
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
  durationS: Number(process.env.BENCH_DURATION ?? 10),
  warmupS: Number(process.env.BENCH_WARMUP ?? 3),
};

const root = projectRoot();
const run = promisify(execFile);
const out = (line = '') => process.stdout.write(`${line}\n`);

/** Every call the console makes to the control plane, by method name. */
function countingTransport(inner: Transport): { transport: Transport; calls: string[] } {
  const calls: string[] = [];
  const transport: Transport = {
    unary(method, signal, timeoutMs, header, input, contextValues) {
      calls.push(method.name);
      return inner.unary(method, signal, timeoutMs, header, input, contextValues);
    },
    stream(method, signal, timeoutMs, header, input, contextValues) {
      calls.push(method.name);
      return inner.stream(method, signal, timeoutMs, header, input, contextValues);
    },
  };
  return { transport, calls };
}

interface Result {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/** One autocannon run in its own process; its --json output is one line of results. */
async function autocannon(url: string, durationS: number, cookie: string): Promise<Result> {
  const { stdout } = await run(
    process.execPath,
    [
      `${root}/node_modules/autocannon/autocannon.js`,
      '--json',
      '--headers',
      `cookie=${cookie}`,
      '--connections',
      String(settings.connections),
      '--duration',
      String(durationS),
      url,
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const r = JSON.parse(stdout) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    timeouts: number;
  };
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

const fixed = (n: number, digits = 0) => n.toFixed(digits).padStart(8);

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces): utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}
/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

async function main() {
  // Both targets are served to a signed-in operator, as in use: sign-in, session lookup and
  // CSRF hooks run for each. The token the page's call carries is verified by the control plane.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const { identityProvider, clientSecret } = await startBenchIdentityProvider(base);
  // The same node flags as this process: tsx's loader, and --cpu-prof when profiling.
  const controlPlane = await startControlPlaneProcess(
    identityProvider,
    process.execPath,
    process.execArgv,
  );
  const config = loadConfig({
    CONTROL_PLANE_URL: controlPlane.url,
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: base,
    OIDC_ISSUER: identityProvider.issuer,
    OIDC_CLIENT_ID: 'prism-console',
    OIDC_CLIENT_SECRET: clientSecret,
    SESSION_KEY: randomBytes(32).toString('base64'),
  });
  const counted = countingTransport(createControlPlaneTransport(config.controlPlane));
  const app = await buildApp({ config, transport: counted.transport });

  let prebuilt: { body: Buffer; type: string } | undefined;
  await app.register(async (bench) => {
    bench.get('/__bench/prebuilt', async (_request, reply) => {
      if (!prebuilt) return reply.code(503).send('not captured yet');
      return reply.type(prebuilt.type).send(prebuilt.body);
    });
  });
  await app.listen({ host: '127.0.0.1', port });
  const cookie = await signInAdmin(base);
  const session = (await app.sessions.list())[0];
  if (!session) throw new Error('signed in, but no session');
  const asAdmin = { headers: { authorization: `Bearer ${session.accessToken}` } };
  const targets = {
    real: `${base}${routes.namespaces.list.href({ size: ROWS })}`,
    prebuilt: `${base}/__bench/prebuilt`,
  };

  let failed = false;
  try {
    // The seed has fewer than 50 namespaces: top it up so the page really has 50 rows. These
    // calls happen before counting starts.
    const { totalSize } = await app.controlPlane.listNamespaces({ pageSize: 1 }, asAdmin);
    for (let i = totalSize; i < ROWS; i++) {
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
        asAdmin,
      );
    }

    // The page is what we think it is: 50 rows, one control-plane call per request.
    const page = await fetch(targets.real, { headers: { cookie } });
    const body = Buffer.from(await page.arrayBuffer());
    const type = page.headers.get('content-type') ?? '';
    if (page.status !== 200) throw new Error(`GET ${targets.real} answered ${page.status}`);
    prebuilt = { body, type };
    const window = new Window();
    window.document.write(body.toString('utf8'));
    const rows = window.document.querySelectorAll('[data-testid="namespace-row"]').length;
    await window.happyDOM.close();
    if (rows !== ROWS) throw new Error(`the namespaces page shows ${rows} rows, not ${ROWS}`);

    const check = 5;
    const before = counted.calls.length;
    if (before === 0) throw new Error('the counting transport saw no call');
    for (let i = 0; i < check; i++)
      await (await fetch(targets.real, { headers: { cookie } })).arrayBuffer();
    const made = counted.calls.slice(before);
    if (made.length !== check) {
      throw new Error(`${check} pages made ${made.length} control-plane calls: ${made.join(', ')}`);
    }
    const check2 = await fetch(targets.prebuilt, { headers: { cookie } });
    if (!Buffer.from(await check2.arrayBuffer()).equals(body)) {
      throw new Error('the prebuilt route does not serve the captured page');
    }

    out(`namespaces page: ${ROWS} rows, ${body.length} bytes, ${type}`);
    out(`control-plane calls per page: 1 (${made[0]})`);
    out(
      `autocannon: ${settings.connections} connections, ${settings.durationS} s per run, ` +
        `${settings.warmupS} s warm-up each; order real, prebuilt, prebuilt, real`,
    );
    out();

    await autocannon(targets.real, settings.warmupS, cookie);
    await autocannon(targets.prebuilt, settings.warmupS, cookie);

    const results: Record<'real' | 'prebuilt', Result[]> = { real: [], prebuilt: [] };
    out(`${'run'.padEnd(10)}${'req/s'.padStart(8)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}`);
    const cpu: Record<'real' | 'prebuilt', { console: number; controlPlane: number; n: number }> = {
      real: { console: 0, controlPlane: 0, n: 0 },
      prebuilt: { console: 0, controlPlane: 0, n: 0 },
    };
    for (const name of ['real', 'prebuilt', 'prebuilt', 'real'] as const) {
      const callsBefore = counted.calls.length;
      const consoleBefore = process.cpuUsage();
      const controlPlaneBefore = cpuSecondsOf(controlPlane.child.pid);
      const r = await autocannon(targets[name], settings.durationS, cookie);
      const consoleUsed = process.cpuUsage(consoleBefore);
      cpu[name].console += (consoleUsed.user + consoleUsed.system) / 1000;
      cpu[name].controlPlane += (cpuSecondsOf(controlPlane.child.pid) - controlPlaneBefore) * 1000;
      cpu[name].n += r.requests;
      results[name].push(r);
      let note = '';
      if (name === 'real') {
        note = `  (${((counted.calls.length - callsBefore) / r.requests).toFixed(2)} calls/request)`;
      }
      if (r.non2xx > 0 || r.errors > 0) {
        failed = true;
        note += `  ${r.non2xx} non-2xx, ${r.errors} errors`;
      }
      out(`${name.padEnd(10)}${fixed(r.rps)}${fixed(r.p50, 1)}${fixed(r.p99, 1)}${note}`);
    }

    const mean = (rs: Result[], key: 'rps' | 'p50' | 'p99') =>
      rs.reduce((sum, r) => sum + r[key], 0) / rs.length;
    out();
    for (const name of ['real', 'prebuilt'] as const) {
      out(
        `${`${name} avg`.padEnd(10)}${fixed(mean(results[name], 'rps'))}` +
          `${fixed(mean(results[name], 'p50'), 1)}${fixed(mean(results[name], 'p99'), 1)}`,
      );
    }
    out();
    out('CPU time per request (ms):  console  control plane');
    for (const name of ['real', 'prebuilt'] as const) {
      const c = cpu[name];
      out(
        `${name.padEnd(26)}${fixed(c.console / c.n, 3)}${fixed(c.controlPlane / c.n, 3).padStart(15)}`,
      );
    }
    const ratio = mean(results.real, 'rps') / mean(results.prebuilt, 'rps');
    const pass = ratio >= TARGET_RATIO && !failed;
    out();
    out(
      `real/prebuilt = ${(ratio * 100).toFixed(1)} % (target ≥ ${TARGET_RATIO * 100} %): ` +
        `${pass ? 'PASS' : 'FAIL'}`,
    );
    if (!pass) failed = true;
  } finally {
    await app.close();
    controlPlane.child.kill('SIGTERM');
    await once(controlPlane.child, 'exit');
    await identityProvider.stop();
  }
  process.exitCode = failed ? 1 : 0;
}

await main();
