import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseHtml, textOf } from '../dom.js';
import { type Stack, startStack } from '../helper.js';

// A control plane that answers too late or fails outright, through the real HTTP/2 path:
// the console keeps its deadline, says what happened, and never claims a result.
let stack: Stack;
beforeAll(async () => {
  // Well under the faults' 2 s latency, and long enough for the read retries (a few tens of ms
  // each) to be spent before it on a loaded machine.
  stack = await startStack({ env: { CONTROL_PLANE_TIMEOUT_MS: '1000' } });
});
afterEach(() => {
  Object.assign(stack.controlPlane.faults, { latencyMs: 0, errorRate: 0, unavailable: false });
});
afterAll(async () => {
  await stack?.close();
});

describe('a slow control plane', () => {
  it('gets a dashboard that says it is too slow, within the deadline', async () => {
    stack.controlPlane.faults.latencyMs = 2000;
    const started = Date.now();
    const res = await stack.admin.inject({ url: '/' });
    expect(Date.now() - started).toBeLessThan(1900);
    expect(res.statusCode).toBe(200);
    const doc = parseHtml(res.body);
    expect(textOf(doc.querySelector('[data-testid="error"]'))).toContain('Control plane too slow');
    expect(textOf(doc.querySelector('[data-testid="raft"]'))).toContain('timed out');
  });

  it('gets a 504 page with a retry link for a list', async () => {
    stack.controlPlane.faults.latencyMs = 2000;
    const res = await stack.admin.inject({ url: '/namespaces?q=orders' });
    expect(res.statusCode).toBe(504);
    const doc = parseHtml(res.body);
    const error = doc.querySelector('[data-testid="error"]');
    expect(textOf(error)).toContain('Control plane too slow');
    expect(error?.querySelector('a')?.getAttribute('href')).toBe('/namespaces?q=orders');
  });

  it('gets htmx an error fragment in the alert region, leaving the table alone', async () => {
    stack.controlPlane.faults.latencyMs = 2000;
    const res = await stack.admin.inject({
      url: '/namespaces?q=orders',
      headers: { 'hx-request': 'true', 'hx-target': 'namespace-results' },
    });
    expect(res.statusCode).toBe(504);
    expect(res.headers['hx-retarget']).toBe('#alerts');
    expect(res.headers['hx-reswap']).toBe('innerHTML');
    expect(textOf(parseHtml(res.body).body)).toContain('did not answer in time');
  });
});

describe('a failing control plane', () => {
  it('gets a 503 page once the read retries are spent, then recovers by itself', async () => {
    stack.controlPlane.faults.errorRate = 1;
    const failed = await stack.admin.inject({ url: '/namespaces' });
    expect(failed.statusCode).toBe(503);
    expect(textOf(parseHtml(failed.body).querySelector('[data-testid="error"]'))).toContain(
      'Control plane unreachable',
    );

    stack.controlPlane.faults.errorRate = 0;
    const recovered = await stack.admin.inject({ url: '/namespaces' });
    expect(recovered.statusCode).toBe(200);
  });
});
