import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseHtml, textOf } from '../dom.js';
import { PASSWORDS, type Stack, startStack } from '../helper.js';
import { signInAtIdentityProvider } from '../sign-in.js';

/*
 * An account with no console role: the callback (single-use) redirects to a stable /no-access
 * page that reads who signed in from a short-lived record — reload-safe, no console session.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ signInAdmin: false });
});
afterAll(async () => {
  await stack?.close();
});
afterEach(() => {
  vi.useRealTimers();
});

function cookiesOf(response: LightMyRequestResponse): string[] {
  const header = response.headers['set-cookie'];
  const lines = Array.isArray(header) ? header : header ? [header] : [];
  return lines.map((line) => line.split(';')[0] ?? '').filter(Boolean);
}

/** Signs in at the identity provider as `username` and returns the console's callback answer. */
async function callback(username: 'nobody' | 'viewer') {
  const start = await stack.app.inject({ url: '/auth/sign-in?return=/namespaces' });
  const returned = new URL(
    await signInAtIdentityProvider(
      String(start.headers.location),
      username,
      PASSWORDS[username],
      `${stack.baseUrl}/auth/callback`,
    ),
  );
  const url = `${returned.pathname}${returned.search}`;
  const cookie = cookiesOf(start).join('; ');
  const res = await stack.app.inject({ url, headers: { cookie } });
  return { res, url, cookie };
}

async function noAccessPage(cookie: string | undefined) {
  const res = await stack.app.inject({ url: '/no-access', headers: cookie ? { cookie } : {} });
  return { res, doc: parseHtml(res.body) };
}

describe('signed in without a console role', () => {
  it('redirects to /no-access, with no console session, and the page survives a reload', async () => {
    const { res, url, cookie } = await callback('nobody');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/no-access');
    const record = cookiesOf(res).find((c) => c.startsWith('prism-no-access='));
    expect(record).toBeDefined();
    expect(cookiesOf(res).some((c) => /^prism-session=./.test(c))).toBe(false);
    expect((await stack.app.sessions.list()).map((s) => s.username)).not.toContain('nobody');
    // The record holds no token: it is far smaller than an ID or access token.
    expect(decodeURIComponent(record ?? '').length).toBeLessThan(600);

    for (const load of ['first', 'reload']) {
      const { res: shown, doc } = await noAccessPage(record);
      expect(shown.statusCode, load).toBe(403);
      expect(textOf(doc.querySelector('h1'))).toBe('No access');
      expect(textOf(doc.querySelector('[data-testid="no-access"]'))).toContain(
        'Nora Nobody (nobody) signed in',
      );
      const groups = [...doc.querySelectorAll('[data-testid="account-groups"] li')].map(textOf);
      expect(groups).toEqual(['marketing']);
      const giving = [...doc.querySelectorAll('[data-testid="access-groups"] li')].map(textOf);
      expect(giving).toEqual([
        'admin: prism-admins',
        'operator: prism-operators',
        'viewer: prism-viewers',
      ]);
      const someoneElse = doc.querySelector('[data-testid="sign-in-as-someone-else"]');
      expect(textOf(someoneElse)).toBe('Sign in as someone else');
      expect(someoneElse?.getAttribute('href')).toContain(stack.identityProvider.issuer);
    }

    // The callback itself stays single-use, as before: only /no-access is reload-safe.
    const again = await stack.app.inject({ url, headers: { cookie } });
    expect(again.statusCode).toBe(400);
  });

  it('explains and offers sign-in once the record has expired', async () => {
    const { res } = await callback('nobody');
    const record = cookiesOf(res).find((c) => c.startsWith('prism-no-access='));
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 11 * 60 * 1000 });
    const { res: later, doc } = await noAccessPage(record);
    expect(later.statusCode).toBe(200);
    expect(textOf(doc.querySelector('[data-testid="no-access-expired"]'))).toContain(
      'no longer has it',
    );
    expect(doc.querySelector('[data-testid="account-groups"]')).toBeNull();
    expect(doc.querySelector('main a[href^="/auth/sign-in"]')).not.toBeNull();
  });

  it('shows nothing about anyone without the record, or with a forged one', async () => {
    for (const cookie of [undefined, 'prism-no-access=forged%3Bvalue']) {
      const { res, doc } = await noAccessPage(cookie);
      expect(res.statusCode).toBe(200);
      expect(doc.querySelector('[data-testid="no-access-expired"]')).not.toBeNull();
      expect(doc.querySelector('[data-testid="account-groups"]')).toBeNull();
    }
  });

  it('is forgotten at a sign-in that gives a role', async () => {
    const { res } = await callback('viewer');
    expect(res.statusCode).toBe(200);
    const cleared = [res.headers['set-cookie']]
      .flat()
      .find((line) => String(line).startsWith('prism-no-access='));
    expect(cleared).toMatch(/Max-Age=0/);
  });
});
