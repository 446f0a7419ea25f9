import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../helper.js';

// /metrics of a console signed in against the real demo control plane and identity provider.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Every sample of one metric in the Prometheus text format. */
function samples(text: string, name: string): Sample[] {
  const found: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key ?? ''] = value ?? '';
    }
    found.push({ labels, value: Number(match[3]) });
  }
  return found;
}

const metrics = async () => {
  // No session: Prometheus scrapes it without signing in.
  const res = await stack.app.inject({ url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(res.headers['cache-control']).toBe('no-store');
  return res.body;
};

describe('/metrics', () => {
  it('counts pages by route pattern, method and status, and control-plane calls by outcome', async () => {
    expect((await stack.admin.inject({ url: '/namespaces' })).statusCode).toBe(200);
    expect((await stack.admin.inject({ url: '/namespaces' })).statusCode).toBe(200);
    // A control-plane call that fails: NOT_FOUND, shown as a 404 page.
    const missing = await stack.admin.inject({ url: '/namespaces/no-such-namespace' });
    expect(missing.statusCode).toBe(404);

    const text = await metrics();
    const requests = samples(text, 'prism_console_http_request_duration_seconds_count');
    expect(requests).toContainEqual({
      labels: { method: 'GET', route: '/namespaces', status_code: '200' },
      value: expect.any(Number),
    });
    const list = requests.find(
      (s) => s.labels.route === '/namespaces' && s.labels.status_code === '200',
    );
    expect(list?.value).toBeGreaterThanOrEqual(2);
    expect(requests).toContainEqual({
      labels: { method: 'GET', route: '/namespaces/:name', status_code: '404' },
      value: 1,
    });
    // Never the address itself.
    expect(text).not.toContain('no-such-namespace');

    const calls = samples(text, 'prism_console_control_plane_calls_total');
    expect(calls).toContainEqual({
      labels: { method: 'GetNamespace', code: 'not_found' },
      value: 1,
    });
    expect(calls.find((s) => s.labels.method === 'ListNamespaces')?.labels.code).toBe('ok');
    expect(samples(text, 'prism_console_control_plane_call_duration_seconds_count')).toContainEqual(
      {
        labels: { method: 'GetNamespace', code: 'not_found' },
        value: 1,
      },
    );

    // Session-store calls (each signed-in request reads its session), open event streams,
    // and the process defaults.
    expect(
      samples(text, 'prism_console_session_store_call_duration_seconds_count').find(
        (s) => s.labels.operation === 'get' && s.labels.outcome === 'ok',
      )?.value,
    ).toBeGreaterThanOrEqual(3);
    expect(samples(text, 'prism_console_sse_open_streams')).toEqual([{ labels: {}, value: 0 }]);
    expect(samples(text, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(samples(text, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);
  });

  it('keeps one "unmatched" series for any number of unknown addresses', async () => {
    const unmatched = (text: string) =>
      samples(text, 'prism_console_http_request_duration_seconds_count').filter(
        (s) => s.labels.route === 'unmatched',
      );
    const before = unmatched(await metrics()).reduce((sum, s) => sum + s.value, 0);
    for (let i = 0; i < 100; i++) {
      const res = await stack.admin.inject({ url: `/probe-${i}/wp-login.php?x=${i}` });
      expect(res.statusCode).toBe(404);
    }
    const text = await metrics();
    expect(unmatched(text)).toEqual([
      { labels: { method: 'GET', route: 'unmatched', status_code: '404' }, value: before + 100 },
    ]);
    expect(text).not.toContain('probe-');
    const routes = new Set(
      samples(text, 'prism_console_http_request_duration_seconds_count').map((s) => s.labels.route),
    );
    expect(routes.size).toBeLessThan(15);
  });
});
