import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_USERS,
  type DemoIdentityProvider,
  startIdentityProvider,
} from '../../../src/dev/identity-provider/index.js';
import { parseHtml, textOf } from '../../dom.js';
import {
  authorizationUrl,
  authorize,
  browserFetch,
  CookieJar,
  exchangeCode,
  followWithin,
  openSignInPage,
  signInAtIdentityProvider,
  submitSignIn,
  tokenRequest,
} from './flow.js';

const client = {
  clientId: 'prism-console',
  clientSecret: 'console-secret',
  redirectUri: 'http://127.0.0.1:3000/auth/callback',
  signedOut: 'http://127.0.0.1:3000/auth/signed-out',
};
const hostile = {
  clientId: 'hostile',
  clientSecret: 'hostile-secret',
  redirectUri: 'http://127.0.0.1:3001/cb',
  name: '<img src=x onerror=alert(1)>Evil & Co',
};

let idp: DemoIdentityProvider;

beforeAll(async () => {
  idp = await startIdentityProvider({
    clients: [
      {
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        redirectUris: [client.redirectUri],
        postLogoutRedirectUris: [client.signedOut],
        name: 'Prism Web Console',
      },
      {
        clientId: hostile.clientId,
        clientSecret: hostile.clientSecret,
        redirectUris: [hostile.redirectUri],
        postLogoutRedirectUris: [],
        name: hostile.name,
      },
    ],
  });
});

afterAll(async () => {
  await idp?.stop();
});

function byRole(document: Document, role: 'button' | 'alert', name?: string): Element[] {
  const candidates =
    role === 'button'
      ? [...document.querySelectorAll('button, input[type="submit"]')]
      : [...document.querySelectorAll('[role="alert"]')];
  return name === undefined ? candidates : candidates.filter((e) => textOf(e) === name);
}

function labelled(document: Document, label: string): HTMLInputElement | null {
  const element = [...document.querySelectorAll('label')].find((l) => textOf(l) === label);
  return element ? (document.getElementById(element.htmlFor) as HTMLInputElement | null) : null;
}

async function startSignIn(jar = new CookieJar(), request = client) {
  const prepared = authorizationUrl(idp.issuer, request);
  const page = await openSignInPage(jar, prepared.url);
  return { jar, prepared, page };
}

describe('sign-in page', () => {
  it('asks for a username and password, with a Sign in button, and lists the demo users', async () => {
    const { page } = await startSignIn();
    const { document } = page;

    expect(new URL(page.url).origin).toBe(idp.issuer);
    expect(new URL(page.url).pathname).toMatch(/^\/interaction\/[\w-]+$/);
    expect(textOf(document.querySelector('h1'))).toBe('Sign in');
    expect(textOf(document.querySelector('main'))).toContain('to continue to Prism Web Console');
    const username = labelled(document, 'Username');
    const password = labelled(document, 'Password');
    expect(username?.getAttribute('autocomplete')).toBe('username');
    expect(password?.type).toBe('password');
    expect(password?.getAttribute('autocomplete')).toBe('current-password');
    expect(byRole(document, 'button', 'Sign in')).toHaveLength(1);
    expect(byRole(document, 'button', 'Cancel')).toHaveLength(1);
    expect(byRole(document, 'alert')).toHaveLength(0);

    const rows = [...document.querySelectorAll('table[aria-labelledby="demo-users"] tbody tr')].map(
      (row) => [...row.querySelectorAll('td')].map(textOf),
    );
    expect(rows).toEqual(
      DEMO_USERS.map((u) => [u.username, u.password, u.name, u.groups.join(', ')]),
    );
    expect(rows.map((row) => row[0])).toEqual(['admin', 'operator', 'viewer', 'nobody']);
  });

  it('runs no script and sends a strict CSP', async () => {
    const prepared = authorizationUrl(idp.issuer, client);
    const { response } = await followWithin(new CookieJar(), prepared.url);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    expect(html).not.toMatch(/<script|style=|\son\w+=/i);
    const document = parseHtml(html);
    for (const [selector, type] of [
      ['link[rel="stylesheet"]', /^text\/css/],
      ['link[rel="icon"]', /^image\/svg\+xml/],
    ] as const) {
      const href = document.querySelector(selector)?.getAttribute('href') ?? '';
      const asset = await fetch(new URL(href, idp.issuer));
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(type);
    }
  });

  it('escapes the client name', async () => {
    const { page } = await startSignIn(new CookieJar(), { ...hostile, signedOut: '' });
    expect(page.html).not.toContain('<img src=x');
    expect(page.document.querySelector('main img')).toBeNull();
    expect(textOf(page.document.querySelector('main strong'))).toBe(hostile.name);
  });

  it('shows the page again after a wrong password, issuing no code and keeping the password out', async () => {
    const { jar, page } = await startSignIn();
    const answer = await submitSignIn(jar, page, 'admin', 'admin-wrong-secret');

    expect(answer.status).toBe(200);
    expect(answer.headers.get('location')).toBeNull();
    const html = await answer.text();
    const document = parseHtml(html);
    expect(byRole(document, 'alert').map(textOf)).toEqual(['Wrong username or password.']);
    expect(labelled(document, 'Username')?.value).toBe('admin');
    expect(labelled(document, 'Password')?.value).toBe('');
    expect(html).not.toContain('admin-wrong-secret');

    // The same sign-in goes on with the right password.
    const again = await submitSignIn(jar, { ...page, document, html }, 'admin', 'admin-pass');
    const { url, response } = await followWithin(jar, page.url, again);
    const callback = new URL(response.headers.get('location') ?? '', url);
    expect(`${callback.origin}${callback.pathname}`).toBe(client.redirectUri);
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));
  });

  it('says the same for an unknown user, and escapes what was typed', async () => {
    const { jar, page } = await startSignIn();
    const typed = '"><b>mallory</b>';
    const answer = await submitSignIn(jar, page, typed, 'x');
    expect(answer.status).toBe(200);
    const html = await answer.text();
    const document = parseHtml(html);
    expect(byRole(document, 'alert').map(textOf)).toEqual(['Wrong username or password.']);
    expect(document.querySelector('b')).toBeNull();
    expect(labelled(document, 'Username')?.value).toBe(typed);
  });

  it('returns to the client with access_denied when the user cancels', async () => {
    const { jar, prepared, page } = await startSignIn();
    const form = labelled(page.document, 'Username')?.closest('form');
    const cancel = byRole(page.document, 'button', 'Cancel')[0];
    const action = new URL(cancel?.getAttribute('formaction') ?? '', page.url);
    expect(form).not.toBeNull();
    const answer = await browserFetch(jar, action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    const { url, response } = await followWithin(jar, action, answer);
    const callback = new URL(response.headers.get('location') ?? '', url);
    expect(`${callback.origin}${callback.pathname}`).toBe(client.redirectUri);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(prepared.state);
    expect(callback.searchParams.get('code')).toBeNull();
  });

  it('explains an expired or foreign sign-in instead of failing', async () => {
    const response = await fetch(`${idp.issuer}/interaction/not-a-real-one`);
    expect(response.status).toBe(400);
    const document = parseHtml(await response.text());
    expect(textOf(document.querySelector('h1'))).toBe('Sign-in expired');

    // Another browser (no interaction cookie) cannot post someone's form.
    const { page } = await startSignIn();
    const stranger = await submitSignIn(new CookieJar(), page, 'admin', 'admin-pass');
    expect(stranger.status).toBe(400);
    expect(stranger.headers.get('location')).toBeNull();
  });

  it('does not ask again while the identity provider session lasts', async () => {
    const jar = new CookieJar();
    await authorize(idp.issuer, {
      ...client,
      username: 'viewer',
      password: 'viewer-pass',
      cookies: jar,
    });
    const prepared = authorizationUrl(idp.issuer, client);
    const { response } = await followWithin(jar, prepared.url);
    const callback = new URL(response.headers.get('location') ?? '', idp.issuer);
    expect(`${callback.origin}${callback.pathname}`).toBe(client.redirectUri);
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));
  });

  it('signInAtIdentityProvider starts from the authorization URL or the sign-in page itself', async () => {
    const prepared = authorizationUrl(idp.issuer, client);
    const fromAuthorization = await signInAtIdentityProvider(
      prepared.url,
      new CookieJar(),
      'operator',
      'operator-pass',
    );
    expect(new URL(fromAuthorization).searchParams.get('state')).toBe(prepared.state);

    const { jar, prepared: second, page } = await startSignIn();
    const fromPage = await signInAtIdentityProvider(page.url, jar, 'operator', 'operator-pass');
    expect(new URL(fromPage).searchParams.get('state')).toBe(second.state);

    await expect(
      signInAtIdentityProvider(
        authorizationUrl(idp.issuer, client).url,
        new CookieJar(),
        'admin',
        'no',
      ),
    ).rejects.toThrow(/Wrong username or password/);
  });
});

describe('sign-out (RP-initiated logout)', () => {
  async function signedIn() {
    const jar = new CookieJar();
    const authorization = await authorize(idp.issuer, {
      ...client,
      username: 'admin',
      password: 'admin-pass',
      cookies: jar,
    });
    const tokens = await exchangeCode(idp.issuer, client, authorization);
    return { jar, tokens };
  }

  function endSessionUrl(params: Record<string, string>): string {
    const url = new URL(`${idp.issuer}/session/end`);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.href;
  }

  async function pressSignOut(jar: CookieJar, pageUrl: string, buttonName = 'Sign out') {
    const page = await browserFetch(jar, pageUrl);
    expect(page.status).toBe(200);
    const document = parseHtml(await page.text());
    const button = byRole(document, 'button', buttonName)[0];
    const formId = button?.getAttribute('form');
    const form = formId ? document.getElementById(formId) : null;
    if (!button || !form) throw new Error(`no "${buttonName}" button with a form`);
    const body = new URLSearchParams();
    for (const input of form.querySelectorAll('input')) body.append(input.name, input.value);
    const name = button.getAttribute('name');
    if (name) body.append(name, button.getAttribute('value') ?? '');
    return browserFetch(jar, new URL(form.getAttribute('action') ?? '', pageUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  }

  it('asks, then ends the session and returns to the post-logout redirect URI with the state', async () => {
    const { jar, tokens } = await signedIn();
    const url = endSessionUrl({
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: client.signedOut,
      state: 'bye-123',
    });

    const page = await browserFetch(jar, url);
    const document = parseHtml(await page.text());
    expect(textOf(document.querySelector('h1'))).toBe('Sign out?');
    expect(textOf(document.querySelector('main'))).toContain('Prism Web Console');
    expect(byRole(document, 'button', 'Sign out')).toHaveLength(1);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");

    const answer = await pressSignOut(jar, url);
    expect(answer.status).toBe(303);
    const back = new URL(answer.headers.get('location') ?? '');
    expect(`${back.origin}${back.pathname}`).toBe(client.signedOut);
    expect(back.searchParams.get('state')).toBe('bye-123');

    // The session is over: its refresh token is dead, and signing in asks again.
    const refreshed = await tokenRequest(idp.issuer, client, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
    });
    expect(refreshed.status).toBe(400);
    const again = await followWithin(jar, authorizationUrl(idp.issuer, client).url);
    expect(again.response.status).toBe(200);
    expect(new URL(again.url).pathname).toMatch(/^\/interaction\//);
  });

  it('works with client_id instead of an ID token hint', async () => {
    const { jar } = await signedIn();
    const url = endSessionUrl({
      client_id: client.clientId,
      post_logout_redirect_uri: client.signedOut,
    });
    const answer = await pressSignOut(jar, url);
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe(client.signedOut);
  });

  it('shows a signed-out page when no redirect URI is given', async () => {
    const { jar, tokens } = await signedIn();
    const url = endSessionUrl({ id_token_hint: tokens.id_token ?? '' });
    const answer = await pressSignOut(jar, url);
    const { response } = await followWithin(jar, url, answer);
    expect(response.status).toBe(200);
    const document = parseHtml(await response.text());
    expect(textOf(document.querySelector('h1'))).toBe('Signed out');
  });

  it('refuses a post-logout redirect URI the client did not register, on an escaped page', async () => {
    const { jar, tokens } = await signedIn();
    const response = await browserFetch(
      jar,
      endSessionUrl({
        id_token_hint: tokens.id_token ?? '',
        post_logout_redirect_uri: 'https://evil.example/<script>',
      }),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    const html = await response.text();
    expect(html).not.toContain('<script');
    expect(textOf(parseHtml(html).querySelector('[role="alert"]'))).toContain(
      'post_logout_redirect_uri not registered',
    );
  });
});
