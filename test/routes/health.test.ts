import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySessionStore } from '../../src/sessions/index.js';
import { parseHtml, textOf } from '../dom.js';
import { type Stack, startStack } from '../helper.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('health and readiness', () => {
  it('is alive and ready while the control plane answers', async () => {
    expect((await stack.admin.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await stack.admin.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready' });
  });

  it('stays ready while the control plane is down or slow: readiness is about this replica', async () => {
    await stack.controlPlane.stop();
    try {
      expect((await stack.admin.inject({ url: '/healthz' })).statusCode).toBe(200);
      const ready = await stack.admin.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({
        status: 'ready',
        configuration: 'loaded',
        sessionStore: 'reachable',
      });
    } finally {
      await stack.controlPlane.start();
    }
    stack.controlPlane.faults.latencyMs = 3000;
    try {
      const started = Date.now();
      expect((await stack.admin.inject({ url: '/readyz' })).statusCode).toBe(200);
      expect(Date.now() - started).toBeLessThan(500);
    } finally {
      stack.controlPlane.faults.latencyMs = 0;
    }
  });

  it('costs the control plane nothing per probe', async () => {
    // The demo control plane reads its fault settings afresh on every call it handles (an
    // interceptor over every RPC): a getter on one of them counts the calls.
    const faults = stack.controlPlane.faults;
    let calls = 0;
    Object.defineProperty(faults, 'latencyMs', {
      configurable: true,
      enumerable: true,
      get: () => {
        calls += 1;
        return 0;
      },
      set: () => {},
    });
    try {
      for (let i = 0; i < 20; i++) {
        expect((await stack.admin.inject({ url: '/readyz' })).statusCode).toBe(200);
      }
      expect(calls).toBe(0);
      // The counter does count: a page the control plane feeds.
      expect((await stack.admin.inject({ url: '/' })).statusCode).toBe(200);
      expect(calls).toBeGreaterThan(0);
    } finally {
      Object.defineProperty(faults, 'latencyMs', {
        configurable: true,
        enumerable: true,
        writable: true,
        value: 0,
      });
    }
  });

  it('is not ready while its session store does not answer, within half a second', async () => {
    const store = createMemorySessionStore();
    const replica = await stack.replica({
      sessionStore: { ...store, ping: () => new Promise<void>(() => {}) },
    });
    const started = Date.now();
    const ready = await replica.inject({ url: '/readyz' });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not ready', sessionStore: 'unreachable' });
    expect((await replica.inject({ url: '/healthz' })).statusCode).toBe(200);
    await store.close();
  });

  it('fails readiness first when shutting down', async () => {
    stack.app.shuttingDown = true;
    try {
      expect((await stack.admin.inject({ url: '/readyz' })).statusCode).toBe(503);
    } finally {
      stack.app.shuttingDown = false;
    }
  });
});

describe('unknown pages and request ids', () => {
  it('answers an unknown page with a 404 page inside the layout', async () => {
    const res = await stack.admin.inject({ url: '/no/such/page?x=<script>' });
    expect(res.statusCode).toBe(404);
    const doc = parseHtml(res.body);
    expect(doc.querySelector('nav[aria-label="Console"]')).not.toBeNull();
    expect(textOf(doc.querySelector('[data-testid="error"]'))).toContain('Page not found');
    expect(doc.querySelector('script:not([src])')).toBeNull();
  });

  it('sends htmx a fragment aimed at the alert region instead of a page', async () => {
    const res = await stack.admin.inject({ url: '/nope', headers: { 'hx-request': 'true' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['hx-retarget']).toBe('#alerts');
    expect(res.body).not.toContain('<html');
  });

  it('keeps a sane incoming request id and makes one otherwise', async () => {
    const kept = await stack.admin.inject({
      url: '/healthz',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const made = await stack.admin.inject({
      url: '/healthz',
      headers: { 'x-request-id': 'a b\n' },
    });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('static assets', () => {
  it('serves hashed assets for a year and links them from every page', async () => {
    const doc = parseHtml((await stack.admin.inject({ url: '/' })).body);
    const css = doc.querySelector('link[rel="stylesheet"]')?.getAttribute('href') ?? '';
    const js = doc.querySelector('script[src]')?.getAttribute('src') ?? '';
    expect(css).toMatch(/^\/assets\/app\.[0-9a-f]{12}\.css$/);
    expect(js).toMatch(/^\/assets\/app\.[0-9a-f]{12}\.js$/);
    for (const url of [css, js]) {
      const res = await stack.admin.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    expect((await stack.admin.inject({ url: '/favicon.svg' })).headers['cache-control']).toBe(
      'public, max-age=3600',
    );
  });
});
