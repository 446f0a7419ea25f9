import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('stays alive but not ready while the control plane is down', async () => {
    await stack.controlPlane.stop();
    try {
      expect((await stack.admin.inject({ url: '/healthz' })).statusCode).toBe(200);
      const ready = await stack.admin.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ controlPlane: 'unreachable' });
    } finally {
      await stack.controlPlane.start();
    }
    expect((await stack.admin.inject({ url: '/readyz' })).statusCode).toBe(200);
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
    expect(js).toMatch(/^\/assets\/htmx\.[0-9a-f]{12}\.js$/);
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
