import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHtml, textOf } from '../dom.js';
import { directClient } from '../grpc.js';
import { type SignedIn, type Stack, startStack } from '../helper.js';

let stack: Stack;
let viewer: SignedIn;
beforeAll(async () => {
  stack = await startStack();
  viewer = await stack.signIn('viewer');
});
afterAll(async () => {
  await stack?.close();
});

const htmx = (target: string) => ({ 'hx-request': 'true', 'hx-target': target });

describe('GET /backends', () => {
  it('lists every backend with its kind, health and message, last check and instances', async () => {
    const cp = directClient(stack.controlPlane.url, stack.admin.accessToken);
    const { backends } = await cp.listBackends({ pageSize: 100 });
    expect(backends.length).toBeGreaterThan(0);

    const res = await stack.admin.inject({ url: '/backends' });
    expect(res.statusCode).toBe(200);
    const doc = parseHtml(res.body);
    expect(doc.title).toBe('Backends · Prism Console');
    const rows = [...doc.querySelectorAll('[data-testid="backend-row"]')];
    expect(rows.map((r) => r.getAttribute('data-name'))).toEqual(backends.map((b) => b.name));
    for (const [i, b] of backends.entries()) {
      const row = rows[i];
      const healthy = b.instances.filter((x) => x.health === 1).length;
      expect(textOf(row?.querySelector('[data-testid="instances-healthy"]'))).toBe(
        `${healthy}/${b.instances.length}`,
      );
      expect(row?.querySelector('a')?.getAttribute('href')).toBe(
        `/backends/${encodeURIComponent(b.name)}`,
      );
      expect(textOf(row)).toContain(b.type);
      expect(row?.querySelector('[data-testid="last-check"]')?.getAttribute('data-stale')).toBe(
        'false',
      );
      if (b.healthMessage) {
        expect(textOf(row?.querySelector('[data-testid="health-message"]'))).toBe(b.healthMessage);
      }
    }
    // The seed has a degraded backend, with the reason.
    const degraded = doc.querySelector('[data-name="postgres-analytics"]');
    expect(
      degraded?.querySelector('[data-testid="health-badge"]')?.getAttribute('data-health'),
    ).toBe('degraded');
    expect(textOf(degraded?.querySelector('[data-testid="health-message"]'))).toMatch(/lag/);
    // The navigation links the area now.
    expect(doc.querySelector('nav a[href="/backends"]')).not.toBeNull();
  });

  it('answers htmx aimed at the list with the list region only', async () => {
    const res = await stack.admin.inject({ url: '/backends', headers: htmx('backend-results') });
    expect(res.statusCode).toBe(200);
    expect(res.body.startsWith('<section id="backend-results"')).toBe(true);
    expect(res.body).not.toContain('<html');
    expect(res.body).toContain('data-testid="backend-row"');
    expect(res.headers.vary).toMatch(/HX-Target/);

    const page = await stack.admin.inject({ url: '/backends', headers: htmx('main') });
    expect(page.body).toMatch(/^<!doctype html>/i);
  });

  it('is open to viewers', async () => {
    const res = await viewer.inject({ url: '/backends' });
    expect(res.statusCode).toBe(200);
    expect(parseHtml(res.body).querySelectorAll('[data-testid="backend-row"]').length).toBe(6);
  });
});

describe('GET /backends/:name', () => {
  it('shows each instance with pool, CPU, memory, requests/s and latency, and the charts', async () => {
    const cp = directClient(stack.controlPlane.url, stack.admin.accessToken);
    const { backend } = await cp.getBackendStatus({ name: 'postgres-main' });

    const res = await stack.admin.inject({ url: '/backends/postgres-main' });
    expect(res.statusCode).toBe(200);
    const doc = parseHtml(res.body);
    expect(doc.title).toBe('postgres-main · Prism Console');
    const rows = [...doc.querySelectorAll('[data-testid="instance-row"]')];
    expect(rows.map((r) => r.getAttribute('data-id'))).toEqual(backend?.instances.map((i) => i.id));
    const first = backend?.instances[0];
    expect(textOf(rows[0]?.querySelector('[data-testid="instance-pool"]'))).toBe(
      `${first?.pool?.active}/${first?.pool?.max}`,
    );
    expect(textOf(rows[0])).toMatch(/%.*%.*\/s.*p50 .* ms · p99 .* ms/);

    const charts = [...doc.querySelectorAll('[data-testid="metric-card"]')];
    expect(charts.map((c) => c.getAttribute('data-series'))).toEqual([
      'rps',
      'p99_latency_ms',
      'cpu_percent',
      'memory_percent',
      'pool_active',
    ]);
    for (const chart of charts) {
      const svg = chart.querySelector('svg');
      expect(svg?.getAttribute('aria-label')).toMatch(/min .* · max .* · last /);
      expect(chart.querySelector('svg path')).not.toBeNull();
    }
    expect(res.body).not.toMatch(/ style=/);
  });

  it("shows under each figure of each instance that instance's own trend, ending at its last value", async () => {
    const cp = directClient(stack.controlPlane.url, stack.admin.accessToken);
    const { backend } = await cp.getBackendStatus({ name: 'postgres-main' });
    const { series } = await cp.getMetrics({ resource: 'backends/postgres-main' });

    const res = await stack.admin.inject({ url: '/backends/postgres-main' });
    const doc = parseHtml(res.body);
    const rows = [...doc.querySelectorAll('[data-testid="instance-row"]')];
    expect(rows).toHaveLength(backend?.instances.length ?? -1);
    // The column order of the table: connections, CPU, memory, requests/s, latency.
    const columns = ['pool_active', 'cpu_percent', 'memory_percent', 'rps', 'p99_latency_ms'];
    const units: Record<string, string> = {
      pool_active: '',
      cpu_percent: '%',
      memory_percent: '%',
      rps: '/s',
      p99_latency_ms: ' ms',
    };
    for (const row of rows) {
      const id = row.getAttribute('data-id') ?? '';
      const trends = [...row.querySelectorAll('[data-testid="instance-trend"]')];
      expect(trends.map((t) => t.getAttribute('data-series'))).toEqual(columns);
      for (const trend of trends) {
        const name = trend.getAttribute('data-series') ?? '';
        const sent = series.find((s) => s.instance === id && s.name === name);
        const last = sent?.points.at(-1)?.value;
        expect(last, `${id} ${name}`).toBeDefined();
        expect(sent?.points.length).toBeGreaterThan(1);
        expect(trend.querySelector('svg path')).not.toBeNull();
        // The caption (for screen readers) ends with the control plane's last value.
        const shown = new Intl.NumberFormat('en-US').format(
          Math.abs(last ?? 0) >= 100 ? Math.round(last ?? 0) : Math.round((last ?? 0) * 100) / 100,
        );
        expect(textOf(trend.querySelector('figcaption'))).toMatch(
          new RegExp(`· last ${shown.replace('.', '\\.')}${units[name]}$`),
        );
        expect(trend.querySelector('svg')?.getAttribute('aria-label')).toContain(id);
      }
    }
    // The instances' trends differ from one another: each is that instance's own.
    const cpuCaptions = rows.map((r) =>
      textOf(r.querySelector('[data-series="cpu_percent"] figcaption')),
    );
    expect(new Set(cpuCaptions).size).toBe(rows.length);
  });

  it('shows nothing under an instance figure whose series the control plane does not have', async () => {
    // A new instance, not yet in any snapshot: the control plane has no series for it.
    const state = stack.controlPlane.state;
    const backend = state.backends.get('postgres-main');
    const template = backend?.instances[0];
    if (!backend || !template) throw new Error('the seed has postgres-main');
    backend.instances.push({ ...template, id: 'postgres-main-new' });
    try {
      const res = await stack.admin.inject({ url: '/backends/postgres-main' });
      expect(res.statusCode).toBe(200);
      const doc = parseHtml(res.body);
      const fresh = doc.querySelector('[data-testid="instance-row"][data-id="postgres-main-new"]');
      expect(fresh).not.toBeNull();
      // Sent with no points: "no data", no chart.
      const trends = [...(fresh?.querySelectorAll('[data-testid="instance-trend"]') ?? [])];
      expect(trends.map((t) => textOf(t))).toContain('postgres-main-new CPU: no data');
      expect(fresh?.querySelector('svg path')).toBeNull();
      // The others keep theirs.
      const first = doc.querySelector(`[data-testid="instance-row"][data-id="${template.id}"]`);
      expect(first?.querySelectorAll('svg path').length).toBe(5);
    } finally {
      backend.instances.pop();
    }
  });

  it('is open to viewers', async () => {
    const res = await viewer.inject({ url: '/backends/redis-cache' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-testid="instance-row"');
  });

  it('is the 404 page for a backend that does not exist', async () => {
    const res = await stack.admin.inject({ url: '/backends/no-such-backend' });
    expect(res.statusCode).toBe(404);
    expect(textOf(parseHtml(res.body).querySelector('[data-testid="error"]'))).toMatch(
      /not found/i,
    );
  });

  it('still shows the instances, with "no data" for the charts, when the metrics fail', async () => {
    // Only GetMetrics fails, at the demo control plane: the status call still answers.
    stack.controlPlane.faults.unavailableMethods.add('GetMetrics');
    try {
      const res = await stack.admin.inject({ url: '/backends/postgres-main' });
      expect(res.statusCode).toBe(200);
      const doc = parseHtml(res.body);
      expect(doc.querySelectorAll('[data-testid="instance-row"]').length).toBe(3);
      expect(textOf(doc.querySelector('[data-testid="metrics-unavailable"]'))).toMatch(
        /No data.*unreachable/,
      );
      // The rows keep their figures, without trends.
      expect(doc.querySelectorAll('[data-testid="instance-trend"]').length).toBe(0);
      expect(textOf(doc.querySelector('[data-testid="instance-row"]'))).toMatch(/%.*%.*\/s/);
      expect(doc.querySelector('[data-testid="error"]')).toBeNull();
    } finally {
      stack.controlPlane.faults.unavailableMethods.clear();
    }
  });

  it('is the unreachable page when the control plane is down', async () => {
    await stack.controlPlane.stop();
    try {
      const res = await stack.admin.inject({ url: '/backends/postgres-main' });
      expect(res.statusCode).toBeGreaterThanOrEqual(500);
      expect(textOf(parseHtml(res.body).querySelector('[data-testid="error"]'))).toMatch(
        /unreachable/i,
      );
    } finally {
      await stack.controlPlane.start();
    }
  });
});
