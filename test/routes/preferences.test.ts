import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHtml as parse, textOf } from '../dom.js';
import { type SignedIn, type Stack, startStack } from '../helper.js';
import { FORM } from './namespaces/support.js';

/*
 * The theme switch: a CSRF-checked post that sets a cookie (not the session: it outlives it) and
 * goes back to the page it came from — a path on this console only.
 */

let stack: Stack;
let viewer: SignedIn;
beforeAll(async () => {
  stack = await startStack();
  viewer = await stack.signIn('viewer');
});
afterAll(async () => {
  await stack?.close();
});

function choose(
  as: SignedIn,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return as.inject({
    method: 'POST',
    url: '/preferences/theme',
    headers: { ...FORM, ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
}

/** The theme cookie this answer sets, as sent. */
const themeCookie = (response: LightMyRequestResponse) =>
  [response.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('prism-theme='));

describe('POST /preferences/theme', () => {
  it('stores the choice in a cookie for a year and goes back to the page', async () => {
    const response = await choose(
      viewer,
      { theme: 'dark' },
      { referer: `${stack.baseUrl}/namespaces?q=orders` },
    );
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/namespaces?q=orders');
    const cookie = themeCookie(response) ?? '';
    expect(cookie.split('; ')).toEqual(
      expect.arrayContaining(['prism-theme=dark', 'Max-Age=31536000', 'Path=/', 'HttpOnly']),
    );
    expect(cookie).toContain('SameSite=Lax');
    // The session is not where it lives: signing out does not forget it.
    expect(response.headers['set-cookie']).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^prism-session=/)]),
    );
  });

  it('forgets the cookie when the system theme is chosen again', async () => {
    const response = await choose(
      viewer,
      { theme: 'system' },
      { referer: `${stack.baseUrl}/backends` },
    );
    expect(response.headers.location).toBe('/backends');
    expect(themeCookie(response)).toMatch(/^prism-theme=; Max-Age=0;/);
  });

  it('sets nothing for a theme it does not know, and still goes back', async () => {
    const response = await choose(
      viewer,
      { theme: 'purple' },
      { referer: `${stack.baseUrl}/cluster` },
    );
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/cluster');
    expect(themeCookie(response)).toBeUndefined();
  });

  it.each([
    '//evil.example/x',
    'https://evil.example/',
    '/\\evil.example',
    'javascript:alert(1)',
    '',
  ])('never goes back anywhere but this console (%s → the dashboard)', async (target) => {
    const response = await choose(viewer, { theme: 'light' }, { referer: target });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/');
    expect(themeCookie(response)).toMatch(/^prism-theme=light;/);
  });

  it('goes back to the Referer only when it is this console, without a one-time notice', async () => {
    const noticed = await choose(
      viewer,
      { theme: 'dark' },
      { referer: `${stack.baseUrl}/namespaces/orders-prod?notice=updated&tab=x` },
    );
    expect(noticed.headers.location).toBe('/namespaces/orders-prod?tab=x');
    expect((await choose(viewer, { theme: 'dark' })).headers.location).toBe('/');
    const own = await choose(viewer, { theme: 'dark' }, { referer: `${stack.baseUrl}/backends` });
    expect(own.headers.location).toBe('/backends');
    const foreign = await choose(
      viewer,
      { theme: 'dark' },
      { referer: 'https://evil.example/backends' },
    );
    expect(foreign.headers.location).toBe('/');
  });

  it('is refused without the CSRF token, and sets nothing', async () => {
    const response = await stack.app.inject({
      method: 'POST',
      url: '/preferences/theme',
      headers: { ...FORM, cookie: viewer.cookie, origin: stack.baseUrl },
      payload: 'theme=dark',
    });
    expect(response.statusCode).toBe(403);
    expect(themeCookie(response)).toBeUndefined();
  });

  it('is refused from another site, token or not', async () => {
    const response = await choose(
      viewer,
      { theme: 'dark', _csrf: viewer.csrfToken },
      { origin: 'https://evil.example' },
    );
    expect(response.statusCode).toBe(403);
    expect(themeCookie(response)).toBeUndefined();
  });

  it('sets nothing for a browser that is not signed in', async () => {
    const response = await stack.app.inject({
      method: 'POST',
      url: '/preferences/theme',
      headers: { ...FORM, origin: stack.baseUrl },
      payload: 'theme=dark',
    });
    expect(response.statusCode).not.toBe(303);
    expect(themeCookie(response)).toBeUndefined();
  });
});

describe('the switch on every page', () => {
  it('shows the theme in use pressed, and the page in that theme', async () => {
    const plain = parse((await viewer.inject({ method: 'GET', url: '/backends' })).body);
    expect(plain.documentElement.getAttribute('data-theme')).toBeNull();
    expect(textOf(plain.querySelector('[data-testid="theme-switch"] [aria-pressed="true"]'))).toBe(
      'System',
    );

    const dark = parse(
      (
        await viewer.inject({
          method: 'GET',
          url: '/backends',
          headers: { cookie: `${viewer.cookie}; prism-theme=dark` },
        })
      ).body,
    );
    expect(dark.documentElement.getAttribute('data-theme')).toBe('dark');
    expect(textOf(dark.querySelector('[data-testid="theme-switch"] [aria-pressed="true"]'))).toBe(
      'Dark',
    );
  });

  it('posts, as rendered, back to the page it is on (the browser sends it as the Referer)', async () => {
    const page = parse((await viewer.inject({ method: 'GET', url: '/cluster?proxies=down' })).body);
    const form = page.querySelector('[data-testid="theme-switch"]');
    if (!form) throw new Error('no theme switch on the page');
    const fields: Record<string, string> = {};
    for (const input of form.querySelectorAll('input[type="hidden"]')) {
      fields[input.getAttribute('name') ?? ''] = input.getAttribute('value') ?? '';
    }
    const light = [...form.querySelectorAll('button')].find((b) => textOf(b) === 'Light');
    fields[light?.getAttribute('name') ?? ''] = light?.getAttribute('value') ?? '';
    const response = await viewer.inject({
      method: (form.getAttribute('method') ?? '').toUpperCase() as 'POST',
      url: form.getAttribute('action') ?? '',
      headers: { ...FORM, referer: `${stack.baseUrl}/cluster?proxies=down` },
      payload: new URLSearchParams(fields).toString(),
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/cluster?proxies=down');
    expect(themeCookie(response)).toMatch(/^prism-theme=light;/);
  });

  it('is not offered to a signed-out browser, whose pages still follow its cookie', async () => {
    const response = await stack.app.inject({
      method: 'GET',
      url: '/auth/signed-out',
      headers: { cookie: 'prism-theme=dark' },
    });
    const doc = parse(response.body);
    expect(doc.documentElement.getAttribute('data-theme')).toBe('dark');
    expect(doc.querySelector('[data-testid="theme-switch"]')).toBeNull();
  });
});
