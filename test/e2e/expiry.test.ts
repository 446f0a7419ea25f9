import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConsoleSession } from '../../src/sessions/index.js';
import { directClient } from '../grpc.js';
import { PASSWORDS, type Stack } from '../helper.js';
import { type BrowserStack, signInWithPage, startBrowserStack } from './browser.js';
import { openWatched, rowNames, WAIT } from './namespaces-support.js';

/*
 * Sessions that run out while the browser still shows a page: the idle timeout (the next htmx
 * request is sent to sign in and comes back to the same page) and the access token's refresh.
 */

/** A page with a search and an order, both of which must survive the trip to sign in. */
const ASKED = '/namespaces?q=orders&sort=-name';

async function onlySession(stack: Stack, username: string): Promise<ConsoleSession> {
  const sessions = (await stack.app.sessions.list()).filter((s) => s.username === username);
  expect(sessions).toHaveLength(1);
  const [session] = sessions;
  if (!session) throw new Error('no session');
  return session;
}

/** Signed in on `page`: the operator's name in the navigation and the rows of `orders`. */
async function expectSignedInOnAskedPage(page: Page, base: string): Promise<void> {
  expect(page.url()).toBe(`${base}${ASKED}`);
  await expect(page.getByTestId('operator').textContent()).resolves.toContain('Oscar Operator');
  await expect(page.getByLabel('Search').inputValue()).resolves.toBe('orders');
  const rows = await rowNames(page);
  expect(rows).toContain('orders-prod');
  expect(rows).toEqual([...rows].sort().reverse());
}

function claims(jwt: string): { exp: number; jti: string } {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

describe('idle timeout in Chromium', () => {
  let e2e: BrowserStack;
  let idpOrigin: string;

  beforeAll(async () => {
    e2e = await startBrowserStack({
      env: { SESSION_IDLE_TIMEOUT_SECONDS: '2' },
      signInAdmin: false,
    });
    idpOrigin = new URL(e2e.stack.identityProvider.issuer).origin;
  });
  afterAll(() => e2e?.close());
  beforeEach(async () => {
    for (const session of await e2e.stack.app.sessions.list())
      await e2e.stack.app.sessions.delete(session.id);
  });

  /**
   * Signs in on the asked page, waits until the store has let the session lapse (nothing is
   * requested meanwhile), then types in the live search: the htmx request that finds it gone.
   */
  async function typeAfterIdleExpiry(page: Page, meanwhile?: () => Promise<void>) {
    await signInWithPage(page, e2e.base, 'operator', ASKED);
    await expectSignedInOnAskedPage(page, e2e.base);
    const first = await onlySession(e2e.stack, 'operator');
    await vi.waitFor(async () => expect(await e2e.stack.app.sessions.list()).toEqual([]), {
      timeout: 10_000,
      interval: 200,
    });
    await meanwhile?.();

    const refused = page.waitForResponse(
      (response) => response.request().headers()['hx-request'] === 'true',
      WAIT,
    );
    await page.getByLabel('Search').fill('payments');
    const answer = await refused;
    // Not a sign-in page swapped into the results: a navigation, back to this page afterwards.
    expect(answer.status()).toBe(401);
    expect(answer.headers()['hx-redirect']).toBe(
      `/auth/sign-in?return=${encodeURIComponent(ASKED)}`,
    );
    expect(answer.headers()['cache-control']).toBe('no-store');
    return first;
  }

  it('sends the next htmx request to the sign-in page and back to the same page', async () => {
    const { page, context } = await openWatched(e2e.browser);
    // The identity provider's own session ended meanwhile too: it shows its sign-in form.
    const first = await typeAfterIdleExpiry(page, () =>
      context.clearCookies({ domain: new URL(idpOrigin).hostname }),
    );
    await page.waitForURL((url) => url.origin === idpOrigin, WAIT);
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    await page.getByLabel('Username').fill('operator');
    await page.getByLabel('Password').fill(PASSWORDS.operator);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${e2e.base}${ASKED}`, WAIT);
    await expectSignedInOnAskedPage(page, e2e.base);
    // A new session, not the lapsed one brought back.
    const second = await onlySession(e2e.stack, 'operator');
    expect(second.id).not.toBe(first.id);
    await expect(e2e.stack.app.sessions.get(first.id)).resolves.toBeUndefined();
    await context.close();
  });

  it('with the identity provider still signed in, comes straight back to the same page', async () => {
    const { page, context } = await openWatched(e2e.browser);
    const navigations: string[] = [];
    page.on('request', (request) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
        navigations.push(request.url());
      }
    });
    const first = await typeAfterIdleExpiry(page);
    const from = navigations.length;
    await page.waitForURL(
      (url) => url.href === `${e2e.base}${ASKED}` && navigations.length > from + 1,
      WAIT,
    );
    await page.waitForLoadState('load');
    await expectSignedInOnAskedPage(page, e2e.base);
    // Through sign-in, the provider (no form this time) and the Continue page.
    const trip = navigations.slice(from);
    expect(trip[0]).toBe(`${e2e.base}/auth/sign-in?return=${encodeURIComponent(ASKED)}`);
    expect(trip.some((url) => url.startsWith(`${idpOrigin}/`))).toBe(true);
    expect(trip.at(-1)).toBe(`${e2e.base}${ASKED}`);
    expect((await onlySession(e2e.stack, 'operator')).id).not.toBe(first.id);
    await context.close();
  });
});

describe('access token refresh in Chromium', () => {
  let e2e: BrowserStack;

  // 62 s: the console refreshes a token in its last 60 s, so two seconds after sign-in. No
  // service client, so no live page renders: the reload's reads cannot join an identical read
  // already in flight (src/control-plane/read-cache.ts), which needs no operator token and so
  // no refresh — under a loaded run the simulator's changes made that happen.
  beforeAll(async () => {
    e2e = await startBrowserStack({
      accessTokenTtlSeconds: 62,
      signInAdmin: false,
      serviceClient: false,
    });
  });
  afterAll(() => e2e?.close());

  it('a page load refreshes a token about to expire and shows data fetched with the new one', async () => {
    const { page, context } = await openWatched(e2e.browser);
    await signInWithPage(page, e2e.base, 'operator', ASKED);
    const before = await onlySession(e2e.stack, 'operator');
    expect(before.refreshToken).toBeTruthy();
    const due = before.accessTokenExpiresAt - 60_000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now()) + 200));

    // The old access token made unusable behind the console's back: the page can show data only
    // if the console refreshes first and calls the control plane with the new token.
    const [header, payload] = before.accessToken.split('.');
    await e2e.stack.app.sessions.update(before.id, { accessToken: `${header}.${payload}.forged` });

    const response = await page.reload();
    expect(response?.status()).toBe(200);
    await expectSignedInOnAskedPage(page, e2e.base);
    expect(await page.getByTestId('error').count()).toBe(0);

    const after = await onlySession(e2e.stack, 'operator');
    expect(after.id).toBe(before.id);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.accessToken).not.toContain('.forged');
    expect(after.refreshToken).toBeTruthy();
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(claims(after.accessToken).jti).not.toBe(claims(before.accessToken).jti);
    expect(after.accessTokenExpiresAt).toBeGreaterThan(before.accessTokenExpiresAt);
    // The control plane accepts the new token on its own, too.
    const direct = directClient(e2e.stack.controlPlane.url, after.accessToken);
    await expect(direct.getNamespace({ name: 'orders-prod' })).resolves.toBeDefined();
    // Never in the page.
    const html = await page.content();
    expect(html).not.toContain(after.accessToken);
    expect(html).not.toContain(after.refreshToken);
    await context.close();
  });
});
