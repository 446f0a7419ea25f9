import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../src/plugins/operator.js';
import type { ConsoleSession } from '../../src/sessions/index.js';
import { parseHtml, textOf } from '../dom.js';
import { directClient } from '../grpc.js';
import { type DemoUsername, PASSWORDS } from '../helper.js';
import { signInAtIdentityProvider } from '../sign-in.js';
import { type BrowserStack, startBrowserStack } from './browser.js';
import { exists, openWatched, rowNames, uniqueName, WAIT } from './namespaces-support.js';

/*
 * Signing in and out in Chromium through the demo identity provider's own pages. The provider
 * is on `localhost`, the console on `127.0.0.1`: the return from sign-in is a cross-site
 * navigation, on which the browser withholds the console's SameSite=Strict session cookie.
 */

let e2e: BrowserStack;
let idpOrigin: string;

beforeAll(async () => {
  // Nobody signed in at start: every session in the store is one a test made in the browser.
  e2e = await startBrowserStack({ signInAdmin: false });
  idpOrigin = new URL(e2e.stack.identityProvider.issuer).origin;
});
afterAll(() => e2e?.close());

const OPERATORS: { username: Exclude<DemoUsername, 'nobody'>; name: string; role: Role }[] = [
  { username: 'admin', name: 'Ada Admin', role: 'admin' },
  { username: 'operator', name: 'Oscar Operator', role: 'operator' },
  { username: 'viewer', name: 'Vera Viewer', role: 'viewer' },
];

/** A deep page: a search and an order, both of which must survive the trip to sign in. */
const ASKED = '/namespaces?q=orders&sort=-name';

/** Every document the page's main frame asked for (each redirect hop too), in order. */
function recordNavigations(page: Page): Request[] {
  const requests: Request[] = [];
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      requests.push(request);
    }
  });
  return requests;
}

/** A console URL as path and query, with the callback's one-time code and state left out. */
function consolePath(url: string): string {
  const { pathname, search } = new URL(url);
  return pathname === '/auth/callback' ? pathname : `${pathname}${search}`;
}

async function sessionsOf(username: string): Promise<ConsoleSession[]> {
  return (await e2e.stack.app.sessions.list()).filter((s) => s.username === username);
}

/** On the identity provider's sign-in form: types the credentials and presses "Sign in". */
async function signInAtProvider(page: Page, username: string, password: string): Promise<void> {
  expect(new URL(page.url()).origin).toBe(idpOrigin);
  expect(new URL(page.url()).hostname).toBe('localhost');
  await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/**
 * Posts a valid "create namespace" form from the signed-in page itself: the browser sends the
 * session cookie, its own Origin and the page's CSRF token, as the console's own form would.
 * Resolves once the answer's page has loaded.
 */
async function postCreateNamespace(page: Page, name: string): Promise<number | undefined> {
  const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
  const answered = page.waitForResponse(
    (response) =>
      response.request().method() === 'POST' && new URL(response.url()).pathname === '/namespaces',
    WAIT,
  );
  const loaded = page.waitForEvent('load', WAIT);
  await page.evaluate(
    ({ fields }) => {
      const form = document.createElement('form');
      form.method = 'post';
      form.action = '/namespaces';
      for (const [key, value] of Object.entries(fields)) {
        const input = document.createElement('input');
        input.type = 'hidden';
        input.name = key;
        input.value = value;
        form.append(input);
      }
      document.body.append(form);
      form.submit();
    },
    {
      fields: {
        _csrf: csrf,
        name,
        description: 'made in a sign-in browser test',
        status: 'active',
        max_sessions: '0',
        max_storage: '0',
        max_rps: '0',
        config: '',
        reason: 'role check in the browser',
        request_id: randomUUID(),
      },
    },
  );
  const response = await answered;
  await loaded;
  // A 303 answer's status is the redirect's; the page it leads to is what loaded.
  return response.status();
}

describe('sign-in in Chromium through the identity provider', () => {
  // Each test starts with no console session, whatever an earlier one left behind.
  beforeEach(async () => {
    for (const session of await e2e.stack.app.sessions.list())
      await e2e.stack.app.sessions.delete(session.id);
  });

  for (const who of OPERATORS) {
    it(`${who.username}: lands signed in on the page asked for, sees the role, signs out, and back shows nothing private`, async () => {
      const { page, context, dialogs } = await openWatched(e2e.browser);
      const navigations = recordNavigations(page);

      // Signed out, a deep page: the console sends the browser to the identity provider.
      await page.goto(`${e2e.base}${ASKED}`);
      await signInAtProvider(page, who.username, PASSWORDS[who.username]);
      await page.waitForURL(`${e2e.base}${ASKED}`, WAIT);
      await page.waitForLoadState('load');

      // The console's part of the trip: asked page → sign-in → callback (the same-site Continue
      // page) → the asked page, once. A second /auth/sign-in (or a second trip to the provider
      // after the callback) would mean the first page after sign-in was not signed in.
      const trail = navigations.map((r) => r.url());
      const consoleTrail = trail.filter((u) => u.startsWith(`${e2e.base}/`)).map(consolePath);
      expect(consoleTrail).toEqual([
        ASKED,
        `/auth/sign-in?return=${encodeURIComponent(ASKED)}`,
        '/auth/callback',
        ASKED,
      ]);
      const callbackAt = trail.findIndex((u) => u.startsWith(`${e2e.base}/auth/callback?`));
      expect(trail.slice(callbackAt).filter((u) => u.startsWith(`${idpOrigin}/`))).toEqual([]);
      expect(trail.slice(0, callbackAt).some((u) => u.startsWith(`${idpOrigin}/`))).toBe(true);
      const callback = navigations[callbackAt];
      const continueAnswer = await callback?.response();
      // Answered with a page (no redirect), whose meta refresh makes the next, same-site request.
      expect(continueAnswer?.status()).toBe(200);
      expect(continueAnswer?.headers().location).toBeUndefined();
      // The page after the Continue page is the asked-for one, answered with the page itself.
      const landed = navigations.at(-1);
      expect(landed?.url()).toBe(`${e2e.base}${ASKED}`);
      expect((await landed?.response())?.status()).toBe(200);
      expect(landed?.redirectedFrom()).toBeNull();

      // Signed in on that first page: the operator in the navigation, with the role.
      const operator = page.getByTestId('operator');
      await expect(operator.textContent()).resolves.toContain(who.name);
      await expect(operator.textContent()).resolves.toContain(`${who.username} · ${who.role}`);
      const [session, ...others] = await sessionsOf(who.username);
      expect(others).toEqual([]);
      expect(session?.role).toBe(who.role);

      // ...with the control plane's data for exactly that search and order.
      await expect(page.getByLabel('Search').inputValue()).resolves.toBe('orders');
      const direct = directClient(e2e.stack.controlPlane.url, session?.accessToken ?? '');
      const expected = await direct.listNamespaces({
        filter: 'orders',
        orderBy: 'name desc',
        pageSize: 50,
      });
      const rows = await rowNames(page);
      expect(rows).toContain('orders-prod');
      expect(rows).toEqual(expected.namespaces.map((ns) => ns.name));
      // Tokens stay on the server.
      const html = await page.content();
      expect(html).not.toContain(session?.accessToken ?? 'no token');
      expect(html).not.toContain(session?.id ?? 'no id');

      // What the role may not do is shown disabled, naming the role it needs (only admins
      // create, edit and delete namespaces)...
      const create = page.getByTestId('new-namespace');
      if (who.role === 'admin') {
        await expect(create.evaluate((el) => el.tagName)).resolves.toBe('A');
        await expect(create.getAttribute('href')).resolves.toBe('/namespaces/new');
        expect(await page.getByTestId('needs-role').count()).toBe(0);
      } else {
        await expect(create.isDisabled()).resolves.toBe(true);
        await expect(create.getAttribute('data-needs')).resolves.toBe('admin');
        await expect(page.getByTestId('needs-role').textContent()).resolves.toBe('needs admin');
      }

      // ...and refused by the console when posted anyway (from the page, with its CSRF token).
      const name = uniqueName(`signin-${who.username}`);
      const status = await postCreateNamespace(page, name);
      if (who.role === 'admin') {
        expect(status).toBe(303);
        await page.waitForURL(
          (url) =>
            url.pathname === `/namespaces/${name}` &&
            url.search.startsWith('?notice=created&request='),
          WAIT,
        );
        await expect(exists(direct, name)).resolves.toBe(true);
      } else {
        expect(status).toBe(403);
        await expect(page.locator('main').textContent()).resolves.toContain(
          `This needs the admin role; you are signed in as ${who.role}.`,
        );
        await expect(exists(direct, name)).resolves.toBe(false);
      }

      // Back to a page full of cluster data, then sign out from the navigation.
      await page.goto(`${e2e.base}${ASKED}`);
      const privateNames = await rowNames(page);
      expect(privateNames.length).toBeGreaterThan(0);
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      // The identity provider asks too (RP-initiated logout).
      await page.waitForURL((url) => url.origin === idpOrigin, WAIT);
      await page.getByRole('heading', { name: 'Sign out?' }).waitFor();
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.waitForURL(`${e2e.base}/auth/signed-out`, WAIT);
      await page.getByRole('heading', { name: 'Signed out' }).waitFor();
      await expect(sessionsOf(who.username)).resolves.toEqual([]);
      expect(await page.getByTestId('operator').count()).toBe(0);

      // The back button: every page it shows is fetched again (no-store) and is either the
      // identity provider's, the signed-out page or sign-in — never the cluster data.
      const shown: string[] = [];
      const beforeBack = navigations.length;
      for (let step = 0; step < 4; step++) {
        await page.goBack({ waitUntil: 'load' });
        const url = page.url();
        shown.push(url.startsWith(`${e2e.base}/`) ? consolePath(url) : new URL(url).origin);
        const content = await page.content();
        for (const ns of privateNames) expect(content).not.toContain(ns);
        expect(content).not.toContain('data-testid="operator"');
        expect(content).not.toContain('namespace-row');
        // Past the private page's entry: a fresh sign-in (at the provider), nothing else.
        const atSignIn =
          new URL(url).origin === idpOrigin &&
          (await page.getByRole('heading', { name: 'Sign in', exact: true }).count()) === 1;
        if (atSignIn) break;
      }
      const last = page.url();
      const atSignInOrSignedOut =
        new URL(last).origin === idpOrigin
          ? (await page.getByRole('heading', { name: 'Sign in', exact: true }).count()) === 1
          : consolePath(last) === '/auth/signed-out';
      expect(atSignInOrSignedOut, `back went through ${shown.join(' → ')}`).toBe(true);
      // The way back passed the private page's entry: the browser asked for it again (no copy
      // kept), and the console answered with a redirect to sign in, not with the page.
      const refetched = navigations
        .slice(beforeBack)
        .filter((r) => r.url() === `${e2e.base}${ASKED}`);
      expect(refetched.length, `back went through ${shown.join(' → ')}`).toBeGreaterThan(0);
      for (const request of refetched) expect((await request.response())?.status()).toBe(303);
      // Going back did not sign anyone in again.
      await expect(sessionsOf(who.username)).resolves.toEqual([]);
      expect(dialogs).toEqual([]);
      await context.close();
    });
  }

  it('two tabs opened while signed out both end signed in, each on its own page', async () => {
    // A restored browser, or several links opened at once: each tab starts its own sign-in,
    // and each return must find its own (not the newest one's, nor a cookie the other spent).
    const { page, context } = await openWatched(e2e.browser);
    const other = await context.newPage();
    other.setDefaultTimeout(WAIT.timeout);
    await page.goto(`${e2e.base}/namespaces?q=orders`);
    await other.goto(`${e2e.base}/namespaces?q=payments`);

    await signInAtProvider(page, 'operator', PASSWORDS.operator);
    await page.waitForURL(`${e2e.base}/namespaces?q=orders`, WAIT);
    await expect(page.getByTestId('operator').textContent()).resolves.toContain('Oscar Operator');
    expect(await rowNames(page)).toContain('orders-prod');

    // The other tab still shows the provider's form (its sign-in is its own): sign in there too.
    await signInAtProvider(other, 'operator', PASSWORDS.operator);
    await other.waitForURL(`${e2e.base}/namespaces?q=payments`, WAIT);
    await expect(other.getByTestId('operator').textContent()).resolves.toContain('Oscar Operator');
    expect(await rowNames(other)).toContain('payments-ledger');
    // Both tabs share the browser's (newest) session.
    await page.reload();
    await expect(page.getByTestId('operator').textContent()).resolves.toContain('Oscar Operator');
    expect(await rowNames(page)).toContain('orders-prod');
    await context.close();
  });

  it('nobody (no mapped group): the "No access" page, and no session', async () => {
    const { page, context } = await openWatched(e2e.browser);
    const before = await e2e.stack.app.sessions.list();
    await page.goto(`${e2e.base}/namespaces`);
    await signInAtProvider(page, 'nobody', PASSWORDS.nobody);
    // The single-use return redirects to a stable page.
    await page.waitForURL(`${e2e.base}/no-access`, WAIT);
    await page.getByRole('heading', { name: 'No access' }).waitFor();
    await expect(page.getByTestId('no-access').textContent()).resolves.toContain('Nora Nobody');
    await expect(page.getByTestId('account-groups').textContent()).resolves.toContain('marketing');
    await expect(page.getByTestId('access-groups').textContent()).resolves.toContain(
      'viewer: prism-viewers',
    );
    // A reload shows the same page, not "Sign-in expired".
    await page.reload();
    await page.getByRole('heading', { name: 'No access' }).waitFor();
    await expect(page.getByTestId('no-access').textContent()).resolves.toContain('Nora Nobody');
    await expect(page.getByTestId('account-groups').textContent()).resolves.toContain('marketing');
    expect(await page.getByTestId('operator').count()).toBe(0);
    expect(await page.locator('[data-testid="namespace-row"]').count()).toBe(0);
    await expect(sessionsOf('nobody')).resolves.toEqual([]);
    expect(await e2e.stack.app.sessions.list()).toHaveLength(before.length);
    const cookies = await context.cookies(e2e.base);
    expect(cookies.map((c) => c.name)).not.toContain(e2e.stack.app.sessionCookieNames.session);
    // Nothing private on the next request either: the provider still knows Nora, so the trip
    // through it ends on the same page, again without a session.
    await page.goto(`${e2e.base}/namespaces`);
    await page.getByRole('heading', { name: 'No access' }).waitFor();
    expect(await page.locator('[data-testid="namespace-row"]').count()).toBe(0);
    await expect(sessionsOf('nobody')).resolves.toEqual([]);

    // "Sign in as someone else": out at the identity provider, then in as a viewer.
    await page.getByRole('link', { name: 'Sign in as someone else' }).click();
    await page.waitForURL((url) => url.origin === idpOrigin, WAIT);
    await page.getByRole('heading', { name: 'Sign out?' }).waitFor();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(`${e2e.base}/auth/signed-out`, WAIT);
    await page.getByRole('link', { name: 'Sign in again' }).click();
    await page.waitForURL((url) => url.origin === idpOrigin, WAIT);
    await signInAtProvider(page, 'viewer', PASSWORDS.viewer);
    await page.waitForURL(`${e2e.base}/`, WAIT);
    await expect(page.getByTestId('operator').textContent()).resolves.toContain('Vera Viewer');
    await context.close();
  });

  it('a wrong password stays on the identity provider with its message', async () => {
    const { page, context } = await openWatched(e2e.browser);
    await page.goto(`${e2e.base}/namespaces`);
    await signInAtProvider(page, 'operator', 'not-the-password');
    await page.getByRole('alert').waitFor();
    await expect(page.getByRole('alert').textContent()).resolves.toBe(
      'Wrong username or password.',
    );
    expect(new URL(page.url()).origin).toBe(idpOrigin);
    await expect(page.getByLabel('Username').inputValue()).resolves.toBe('operator');
    await expect(page.getByLabel('Password').inputValue()).resolves.toBe('');
    await expect(sessionsOf('operator')).resolves.toEqual([]);
    // The right password on the same form still works, and still lands on the page asked for.
    await page.getByLabel('Password').fill(PASSWORDS.operator);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${e2e.base}/namespaces`, WAIT);
    await expect(page.getByTestId('operator').textContent()).resolves.toContain('Oscar Operator');
    await context.close();
  });
});

describe('sign-ins pending in several tabs (over HTTP)', () => {
  const loginCookieLine = (response: LightMyRequestResponse) =>
    [response.headers['set-cookie'] ?? []]
      .flat()
      .find((line) => line.startsWith(`${e2e.stack.app.sessionCookieNames.login}=`)) ?? '';

  /** Starts sign-ins for these return URLs one after another in one browser (one cookie jar). */
  async function startSignIns(returns: string[]) {
    let cookie = '';
    const started: { authorizationUrl: string; returnTo: string }[] = [];
    for (const returnTo of returns) {
      const start = await e2e.stack.app.inject({
        url: `/auth/sign-in?return=${encodeURIComponent(returnTo)}`,
        headers: cookie ? { cookie } : {},
      });
      expect(start.statusCode).toBe(303);
      const line = loginCookieLine(start);
      // Browsers keep at most 4096 bytes of a cookie; a bigger one would be dropped silently.
      expect(line.length).toBeLessThan(4000);
      cookie = line.split(';')[0] ?? '';
      started.push({ authorizationUrl: String(start.headers.location), returnTo });
    }
    return { started, cookie };
  }

  async function finish(authorizationUrl: string, cookie: string) {
    const callback = new URL(
      await signInAtIdentityProvider(
        authorizationUrl,
        'viewer',
        PASSWORDS.viewer,
        `${e2e.base}/auth/callback`,
      ),
    );
    const done = await e2e.stack.app.inject({
      url: `${callback.pathname}${callback.search}`,
      headers: { cookie },
    });
    const next = loginCookieLine(done).split(';')[0] ?? '';
    return { done, cookie: next.endsWith('=') ? '' : next || cookie };
  }

  const continuesTo = (response: LightMyRequestResponse) =>
    parseHtml(response.body).querySelector('meta[http-equiv="refresh"]')?.getAttribute('content');

  it('up to four finish in any order, each back to its own page; an older fifth is refused', async () => {
    const returns = ['/namespaces?q=a', '/namespaces?q=b', '/namespaces?q=c', '/', '/namespaces'];
    const { started, cookie: jar } = await startSignIns(returns);
    let cookie = jar;
    // The oldest of five was let go: its return is refused, and spends nothing of the others.
    const oldest = await finish(started[0]?.authorizationUrl ?? '', cookie);
    expect(oldest.done.statusCode).toBe(400);
    expect(textOf(parseHtml(oldest.done.body).querySelector('[data-testid="error"]'))).toContain(
      'Sign-in failed',
    );
    cookie = oldest.cookie;
    for (const index of [2, 4, 1, 3]) {
      const { done, cookie: after } = await finish(started[index]?.authorizationUrl ?? '', cookie);
      expect(done.statusCode).toBe(200);
      expect(continuesTo(done)).toBe(`0;url=${started[index]?.returnTo}`);
      cookie = after;
    }
    // The last one dropped the cookie: nothing is pending any more.
    expect(cookie).toBe('');
  });

  it('with return URLs near their 2 KB limit, the newest is always kept', async () => {
    const long = (c: string) => `/namespaces?q=${c.repeat(1900)}`;
    const { started, cookie } = await startSignIns([long('x'), long('y'), long('z')]);
    const newest = started.at(-1);
    const { done } = await finish(newest?.authorizationUrl ?? '', cookie);
    expect(done.statusCode).toBe(200);
    expect(continuesTo(done)).toBe(`0;url=${newest?.returnTo}`);
  });
});
