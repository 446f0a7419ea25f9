import type { LightMyRequestResponse } from 'fastify';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import securityHeaders from '../../src/plugins/security-headers.js';
import { type Stack, startStack } from '../helper.js';

/** The policy's directives by name, e.g. { 'script-src': ["'self'"] }. */
function directives(res: LightMyRequestResponse): Record<string, string[]> {
  const policy = res.headers['content-security-policy'];
  if (typeof policy !== 'string') throw new Error(`no CSP on ${res.statusCode} answer`);
  return Object.fromEntries(
    policy.split(';').map((directive) => {
      const [name = '', ...values] = directive.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

function expectSecurityHeaders(res: LightMyRequestResponse): void {
  expect(directives(res)).toEqual({
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'form-action': expect.arrayContaining(["'self'"]),
    'frame-ancestors': ["'none'"],
    'base-uri': ["'none'"],
    'object-src': ["'none'"],
  });
  expect(res.headers['content-security-policy']).not.toMatch(/unsafe-|\*/);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['referrer-policy']).toBe('same-origin');
  expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
  expect(res.headers['permissions-policy']).toBe('camera=(), microphone=(), geolocation=()');
}

describe('security headers on every answer of the console', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('on a page and on an htmx fragment', async () => {
    const page = await stack.admin.inject({ url: '/namespaces' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/^<!doctype html>/i);
    expectSecurityHeaders(page);

    const fragment = await stack.admin.inject({
      url: '/namespaces?q=orders',
      headers: { 'hx-request': 'true', 'hx-target': 'namespace-results' },
    });
    expect(fragment.statusCode).toBe(200);
    expect(fragment.body).toMatch(/^<section id="namespace-results"/);
    expectSecurityHeaders(fragment);
  });

  it('on static files: the stylesheet, the script and the icon', async () => {
    for (const url of [
      stack.app.assets.stylesheets.system,
      stack.app.assets.script,
      '/favicon.svg',
    ]) {
      const res = await stack.admin.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expectSecurityHeaders(res);
    }
  });

  it('on a 404, as a page and as an htmx fragment', async () => {
    const page = await stack.admin.inject({ url: '/no-such-page' });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('Page not found');
    expectSecurityHeaders(page);

    const fragment = await stack.admin.inject({
      url: '/no-such-page',
      headers: { 'hx-request': 'true', 'hx-target': 'main' },
    });
    expect(fragment.statusCode).toBe(404);
    expectSecurityHeaders(fragment);

    const asset = await stack.admin.inject({ url: '/assets/app.0000000000.css' });
    expect(asset.statusCode).toBe(404);
    expectSecurityHeaders(asset);
  });

  it('on errors: the control plane stopped, and a body the console cannot read', async () => {
    await stack.controlPlane.stop();
    try {
      const page = await stack.admin.inject({ url: '/namespaces' });
      expect(page.statusCode).toBeGreaterThanOrEqual(500);
      expect(page.body).toContain('Control plane unreachable');
      expectSecurityHeaders(page);

      const fragment = await stack.admin.inject({
        url: '/namespaces?q=orders',
        headers: { 'hx-request': 'true', 'hx-target': 'namespace-results' },
      });
      expect(fragment.statusCode).toBeGreaterThanOrEqual(500);
      expect(fragment.headers['hx-retarget']).toBe('#alerts');
      expectSecurityHeaders(fragment);
    } finally {
      await stack.controlPlane.start();
    }

    const unreadable = await stack.admin.inject({
      method: 'POST',
      url: '/namespaces',
      headers: { 'content-type': 'application/json' },
      payload: '{"not json',
    });
    expect(unreadable.statusCode).toBeGreaterThanOrEqual(400);
    expect(unreadable.statusCode).toBeLessThan(500);
    expectSecurityHeaders(unreadable);
  });

  it('sends no Strict-Transport-Security over plain http', async () => {
    const res = await stack.admin.inject({ url: '/' });
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('security headers behind https', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: { PUBLIC_URL: 'https://console.example' },
      signInAdmin: false,
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('adds Strict-Transport-Security to pages, static files and errors', async () => {
    for (const url of ['/', stack.app.assets.stylesheets.system, '/no-such-page']) {
      const res = await stack.app.inject({ url });
      expect(res.headers['strict-transport-security'], url).toBe(
        'max-age=31536000; includeSubDomains',
      );
      expectSecurityHeaders(res);
    }
  });
});

describe('security-headers plugin', () => {
  it("lets forms go to the identity provider's origin, and nowhere else", async () => {
    const app = Fastify();
    await app.register(securityHeaders, {
      hsts: false,
      formActionOrigins: ['http://localhost:4000/oidc/session/end?x=1', 'https://idp.example'],
    });
    app.get('/', async () => 'ok');
    const res = await app.inject({ url: '/' });
    expect(directives(res)['form-action']).toEqual([
      "'self'",
      'http://localhost:4000',
      'https://idp.example',
    ]);
    await app.close();
  });

  it('refuses something that is not an http(s) origin', async () => {
    for (const bad of ['localhost:4000', "'unsafe-inline'", 'javascript:alert(1)', '*']) {
      const app = Fastify();
      await expect(
        app.register(securityHeaders, { hsts: false, formActionOrigins: [bad] }).ready(),
      ).rejects.toThrow(/security-headers/);
      await app.close();
    }
  });

  it('overrides a header a route set, so no route weakens the policy by accident', async () => {
    const app = Fastify();
    await app.register(securityHeaders, { hsts: false, formActionOrigins: [] });
    app.get('/', async (_request, reply) =>
      reply.header('content-security-policy', "script-src 'unsafe-inline'").send('ok'),
    );
    const res = await app.inject({ url: '/' });
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    await app.close();
  });
});
