/**
 * The namespaces page side by side (issue 10 §2, §3): what one 50-row page costs the console and
 * the control plane, against the minimal server (bench/minimal-server.ts: the same gRPC call,
 * decode and a template string), the prebuilt copy (the same bytes from a route of the console:
 * its framework, hooks and headers alone) and the 304 path (If-None-Match with the page's ETag).
 *
 * Every target is measured with autocannon in interleaved runs after a warm-up; the CPU each
 * process spent during a run is read from /proc and divided by the pages served. The demo
 * control plane's simulator runs (data changing every second) except for the 304 runs, which
 * need a page that stays the same.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import { ListNamespacesRequestSchema } from '../src/gen/prism/admin/v1/namespace_pb.js';
import { adminNavigation, navigation } from '../src/routes/navigation.js';
import { routes } from '../src/routes/table.js';
import { listQueryInput, listRequest, parseListQuery } from '../src/views/namespaces/list.js';
import { autocannon, type LoadResult } from './autocannon.js';
import { firstLoad, firstLoadOfPages } from './first-load.js';
import { cpuMs } from './proc.js';
import type { BenchStack, Child } from './support.js';
import { col, out, type Target, unavailable } from './targets.js';

const ROWS = 50;
const CONSOLE_TARGET = 1.3;

export interface PageSettings {
  connections: number;
  durationS: number;
  warmupS: number;
  rounds: number;
}

type Name = 'console' | 'minimal' | 'prebuilt' | 'not-modified';
const ORDER: Name[] = ['console', 'minimal', 'prebuilt', 'not-modified'];

interface Totals {
  runs: LoadResult[];
  /** CPU ms of the process serving the page (the console, or the minimal server). */
  serverMs: number;
  controlPlaneMs: number;
  /** Calls the control plane served (all methods) and seconds measured. */
  upstreamCalls: number;
  seconds: number;
  requests: number;
  /** Answers neither 200 nor (on the 304 path) 304. */
  unexpected: number;
}

const rowsIn = (html: string) => html.split('data-testid="namespace-row"').length - 1;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const totalCalls = (calls: Record<string, number>) =>
  Object.values(calls).reduce((a, b) => a + b, 0);

export async function benchPages(stack: BenchStack, settings: PageSettings): Promise<Target[]> {
  const { console: app, controlPlane } = stack;
  await app.ask('topUp', { rows: ROWS });
  // The minimal server sends exactly the request the console's page sends, with its token.
  const request = toBinary(
    ListNamespacesRequestSchema,
    create(
      ListNamespacesRequestSchema,
      listRequest(parseListQuery(listQueryInput.parse({ size: String(ROWS) })).query),
    ),
  );
  const minimal = await stack.startChild('bench/minimal-server.ts', {
    CONTROL_PLANE_URL: controlPlane.url,
    MINIMAL_TOKEN: await app.ask<string>('accessToken'),
    MINIMAL_REQUEST: Buffer.from(request).toString('base64'),
  });
  try {
    return await measure(stack, minimal, settings);
  } finally {
    await minimal.stop();
  }
}

async function measure(stack: BenchStack, minimal: Child, settings: PageSettings) {
  const { console: app, controlPlane, cookie } = stack;
  const urls: Record<Name, string> = {
    console: `${app.url}${routes.namespaces.list.href({ size: ROWS })}`,
    minimal: `${minimal.url}/namespaces`,
    prebuilt: `${app.url}/__bench/prebuilt`,
    'not-modified': `${app.url}${routes.namespaces.list.href({ size: ROWS })}`,
  };
  const page = await fetch(urls.console, { headers: { cookie } });
  const body = Buffer.from(await page.arrayBuffer());
  if (page.status !== 200) throw new Error(`GET ${urls.console} answered ${page.status}`);
  if (rowsIn(body.toString()) !== ROWS) throw new Error(`the console's page has not ${ROWS} rows`);
  const minimalPage = await fetch(urls.minimal);
  const minimalBody = await minimalPage.text();
  if (minimalPage.status !== 200 || rowsIn(minimalBody) !== ROWS) {
    throw new Error(
      `the minimal server answered ${minimalPage.status}: ${minimalBody.slice(0, 200)}`,
    );
  }
  await app.ask('prebuilt', { body, type: page.headers.get('content-type') ?? 'text/html' });
  const copy = await fetch(urls.prebuilt, { headers: { cookie } });
  if (!Buffer.from(await copy.arrayBuffer()).equals(body)) {
    throw new Error('the prebuilt route does not serve the captured page');
  }
  const etagNote = page.headers.get('etag')
    ? undefined
    : 'the page carries no ETag (the read cache and ETag part is not there yet)';

  out(
    `namespaces page: ${ROWS} rows; console ${body.length} bytes, minimal server ${Buffer.byteLength(minimalBody)} bytes`,
  );
  const firstLoadTarget = await firstLoad(
    app.url,
    cookie,
    routes.namespaces.list.href({ size: ROWS }),
    body.toString(),
  );
  await firstLoadOfPages(
    app.url,
    cookie,
    // The admin's: every area, the audit log and console sessions too.
    [...navigation, ...adminNavigation].filter((item) => item.available).map((item) => item.href),
  );
  out(
    `autocannon: ${settings.connections} connections, ${settings.durationS} s per run, ` +
      `${settings.rounds} interleaved rounds, ${settings.warmupS} s warm-up per target; ` +
      'simulator on (off for the 304 runs)',
  );
  out();

  /** The headers of a run; for the 304 path, the current ETag once the page stays still. */
  const headersFor = async (name: Name): Promise<Record<string, string> | undefined> => {
    await controlPlane.ask('simulate', { on: name !== 'not-modified' });
    if (name === 'minimal') return {};
    if (name !== 'not-modified') return { cookie };
    if (etagNote) return undefined;
    // Changes already announced settle, and an answer kept from before them is read afresh:
    // then the page's ETag holds while nothing changes.
    const etagNow = async () =>
      (await fetch(urls.console, { headers: { cookie } })).headers.get('etag') ?? '';
    let etag = await etagNow();
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const next = await etagNow();
      if (next === etag && etag) break;
      etag = next;
    }
    if (!etag) throw new Error('the page lost its ETag');
    const again = await fetch(urls.console, { headers: { cookie, 'if-none-match': etag } });
    if (again.status !== 304) throw new Error(`If-None-Match: ${etag} answered ${again.status}`);
    return { cookie, 'if-none-match': etag };
  };
  /** Answers that are neither a page nor (for the 304 path) "not modified": errors, refusals. */
  const failedAnswers = (name: Name, r: LoadResult) =>
    r.errors +
    r.requests -
    (r.statuses['200'] ?? 0) -
    (name === 'not-modified' ? (r.statuses['304'] ?? 0) : 0);

  for (const name of ORDER) {
    const headers = await headersFor(name);
    if (headers)
      await autocannon(urls[name], {
        ...settings,
        durationS: settings.warmupS,
        headers,
        revalidate: name === 'not-modified',
      });
  }

  const totals = new Map<Name, Totals>();
  out(
    `${'run'.padEnd(14)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}` +
      `${'server CPU'.padStart(12)}${'upstream CPU'.padStart(14)}${'upstream'.padStart(11)}`,
  );
  out(
    `${''.padEnd(41)}${'ms/page'.padStart(12)}${'ms/page'.padStart(14)}${'calls/s'.padStart(11)}`,
  );
  for (let round = 0; round < settings.rounds; round++) {
    // Every other round in reverse, so no target always follows the same one.
    const order = round % 2 === 0 ? ORDER : [...ORDER].reverse();
    for (const name of order) {
      const headers = await headersFor(name);
      if (!headers) continue;
      const server = name === 'minimal' ? minimal : app;
      const before = {
        server: cpuMs(server.child.pid),
        controlPlane: cpuMs(controlPlane.child.pid),
        calls: totalCalls(await controlPlane.ask('calls')),
        at: performance.now(),
      };
      const r = await autocannon(urls[name], {
        ...settings,
        headers,
        revalidate: name === 'not-modified',
      });
      const serverMs = cpuMs(server.child.pid) - before.server;
      const controlPlaneMs = cpuMs(controlPlane.child.pid) - before.controlPlane;
      const calls = totalCalls(await controlPlane.ask('calls')) - before.calls;
      const seconds = (performance.now() - before.at) / 1000;
      const unexpected = failedAnswers(name, r);
      const t = totals.get(name) ?? {
        runs: [],
        serverMs: 0,
        controlPlaneMs: 0,
        upstreamCalls: 0,
        seconds: 0,
        requests: 0,
        unexpected: 0,
      };
      t.runs.push(r);
      t.serverMs += serverMs;
      t.controlPlaneMs += controlPlaneMs;
      t.upstreamCalls += calls;
      t.seconds += seconds;
      t.requests += r.requests;
      t.unexpected += unexpected;
      totals.set(name, t);
      // A 200 on the 304 path is allowed (a read that could not be fingerprinted), but shown.
      let note =
        unexpected > 0 ? `  ${unexpected} failed answers ${JSON.stringify(r.statuses)}` : '';
      if (name === 'not-modified') {
        note += `  ${(((r.statuses['304'] ?? 0) / r.requests) * 100).toFixed(1)} % 304`;
      }
      out(
        `${name.padEnd(14)}${col(r.rps)}${col(r.p50, 1)}${col(r.p99, 1)}` +
          `${col(serverMs / r.requests, 3, 12)}${col(controlPlaneMs / r.requests, 3, 14)}` +
          `${col(calls / seconds, 1, 11)}${note}`,
      );
    }
  }

  out();
  out('average');
  const perPage = new Map<Name, { server: number; controlPlane: number }>();
  for (const name of ORDER) {
    const t = totals.get(name);
    if (!t) {
      out(`${name.padEnd(14)}not available: ${etagNote}`);
      continue;
    }
    const figures = {
      server: t.serverMs / t.requests,
      controlPlane: t.controlPlaneMs / t.requests,
    };
    perPage.set(name, figures);
    out(
      `${name.padEnd(14)}${col(mean(t.runs.map((r) => r.rps)))}${col(mean(t.runs.map((r) => r.p50)), 1)}` +
        `${col(mean(t.runs.map((r) => r.p99)), 1)}${col(figures.server, 3, 12)}` +
        `${col(figures.controlPlane, 3, 14)}${col(t.upstreamCalls / t.seconds, 1, 11)}`,
    );
  }
  const stats = await app.ask<{ readCache?: unknown }>('stats');
  out(`read cache: ${stats.readCache ? JSON.stringify(stats.readCache) : 'not available'}`);
  out();

  const c = perPage.get('console');
  const m = perPage.get('minimal');
  if (!c || !m) throw new Error('the console or the minimal server was not measured');
  const unexpected = [...totals.values()].reduce((sum, t) => sum + t.unexpected, 0);
  return [
    firstLoadTarget,
    {
      name: 'console CPU per page vs minimal server',
      value: c.server / m.server,
      limit: CONSOLE_TARGET,
      unit: '×',
      available: true,
      note: `${c.server.toFixed(3)} ms against ${m.server.toFixed(3)} ms`,
    },
    {
      name: 'control-plane CPU per page vs minimal server',
      value: c.controlPlane / m.controlPlane,
      limit: 1,
      unit: '×',
      available: true,
      note: `${c.controlPlane.toFixed(3)} ms against ${m.controlPlane.toFixed(3)} ms`,
    },
    {
      name: 'failed answers (not 200, nor 304 on the 304 path)',
      value: unexpected,
      limit: 0,
      unit: '',
      available: true,
    },
    ...(etagNote ? [unavailable('304 path', 0, '', etagNote)] : []),
  ];
}
