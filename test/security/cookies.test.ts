import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import operator from '../../src/plugins/operator.js';
import session, { beginSession } from '../../src/plugins/session.js';
import {
  type ConsoleSession,
  createMemorySessionStore,
  newSessionId,
} from '../../src/sessions/index.js';
import { type SignedIn, type Stack, startStack } from '../helper.js';
import { FORM as FORM_HEADERS, htmx, openForm } from '../routes/namespaces/support.js';
import { startRedisServer } from '../sessions/redis-server.js';
import { beginRogueSignIn, consoleFor, startRogueIssuer } from './rogue-issuer.js';
import {
  beginSignIn,
  cookieAttributes,
  cookiesOf,
  FORM,
  finishSignIn,
  sessionOf,
  setCookie,
} from './support.js';

/*
 * The session cookie is the key to an operator's session: it must be useless when tampered with
 * or replayed after sign-out (on every replica), carry nothing but an id, and be out of reach of
 * scripts and other sites. Tokens stay on the server and never reach a page.
 */

const ONE_KB = 1024;

/** Signed out, as a browser sees it: a page is sent to sign in, htmx is told to go there. */
async function expectSignedOut(app: FastifyInstance, cookie: string, path = '/namespaces') {
  const page = await app.inject({ url: path, headers: { cookie } });
  expect(page.statusCode).toBe(303);
  expect(page.headers.location).toBe(`/auth/sign-in?return=${encodeURIComponent(path)}`);
  const fragment = await app.inject({
    url: path,
    headers: {
      cookie,
      'hx-request': 'true',
      'hx-current-url': `${app.config.publicUrl.origin}${path}`,
    },
  });
  expect(fragment.statusCode).toBe(401);
  expect(fragment.headers['hx-redirect']).toBe(`/auth/sign-in?return=${encodeURIComponent(path)}`);
}

/** The cookie's value with one character changed (still valid base64url characters). */
function flip(cookie: string, at: number): string {
  const eq = cookie.indexOf('=');
  const value = cookie.slice(eq + 1);
  const i = Math.min(at, value.length - 1);
  const c = value[i] === 'A' ? 'B' : 'A';
  return `${cookie.slice(0, eq + 1)}${value.slice(0, i)}${c}${value.slice(i + 1)}`;
}

describe('with the demo identity provider', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  describe('a tampered session cookie', () => {
    it('is treated as signed out, wherever the change is', async () => {
      const { cookie } = stack.admin;
      const value = cookie.slice(cookie.indexOf('=') + 1);
      for (const at of [0, 5, Math.floor(value.length / 2), value.length - 1]) {
        await expectSignedOut(stack.app, flip(cookie, at));
      }
      // The original still works: the refusals were about the changes.
      const page = await stack.app.inject({ url: '/namespaces', headers: { cookie } });
      expect(page.statusCode).toBe(200);
    });

    it.each([
      ['cut short', (v: string) => v.slice(0, v.length - 4)],
      ['with bytes added', (v: string) => `${v}AAAA`],
      ['empty', () => ''],
      ['not base64', () => '%%%;;;!!!'],
      ['without the nonce', (v: string) => v.split('%3B')[0] ?? ''],
      ['huge', () => 'A'.repeat(3500)],
    ])('%s is treated as signed out, no crash', async (_name, change) => {
      const { cookie } = stack.admin;
      const eq = cookie.indexOf('=');
      await expectSignedOut(stack.app, `${cookie.slice(0, eq)}=${change(cookie.slice(eq + 1))}`);
    });

    it('cannot post: the write is refused and nothing is created', async () => {
      const fields = {
        ...(await openForm(stack.admin, '/namespaces/new')),
        name: 'tampered-cookie',
        reason: 'Tampered cookie test',
      };
      const response = await stack.app.inject({
        method: 'POST',
        url: '/namespaces',
        headers: { cookie: flip(stack.admin.cookie, 10), origin: stack.baseUrl, ...FORM },
        payload: new URLSearchParams(fields).toString(),
      });
      expect(response.statusCode).toBe(401);
      expect(stack.controlPlane.state.namespaces.has('tampered-cookie')).toBe(false);
    });
  });

  describe('the session cookie set at sign-in', () => {
    let callback: LightMyRequestResponse;
    beforeAll(async () => {
      callback = await finishSignIn(stack.app, await beginSignIn(stack, 'operator'));
      expect(callback.statusCode).toBe(200);
    });

    it('is HttpOnly, SameSite=Strict, for the whole console, for this host only', () => {
      const line = setCookie(callback, 'prism-session');
      expect(line).toBeDefined();
      const attributes = cookieAttributes(line ?? '');
      expect(attributes.has('httponly')).toBe(true);
      expect(attributes.get('samesite')).toBe('Strict');
      expect(attributes.get('path')).toBe('/');
      expect(attributes.has('domain')).toBe(false);
      // Plain http (the test's public URL): Secure would make browsers drop it.
      expect(attributes.has('secure')).toBe(false);
    });

    it('is under 1 KB and carries none of the tokens', async () => {
      const line = setCookie(callback, 'prism-session') ?? '';
      expect(line.length).toBeLessThan(ONE_KB);
      const sessions = await stack.app.sessions.list();
      const mine = sessions.find((s) => s.username === 'operator');
      expect(mine).toBeDefined();
      for (const token of [mine?.accessToken, mine?.refreshToken, mine?.idToken, mine?.id]) {
        expect(token).toBeTruthy();
        expect(line).not.toContain(token);
      }
    });

    it('replaces the login cookie, which is dropped', () => {
      const login = setCookie(callback, 'prism-login') ?? '';
      expect(login).toMatch(/^prism-login=;/);
      expect(cookieAttributes(login).get('max-age')).toBe('0');
    });
  });

  describe('a replayed cookie after sign-out', () => {
    async function signOut(who: SignedIn, app = stack.app) {
      const response = await app.inject({
        method: 'POST',
        url: '/auth/sign-out',
        headers: { cookie: who.cookie, origin: stack.baseUrl, ...FORM },
        payload: new URLSearchParams({ _csrf: who.csrfToken }).toString(),
      });
      expect(response.statusCode).toBe(303);
      // The browser is told to forget the cookie; a replay ignores that.
      expect(setCookie(response, 'prism-session')).toMatch(/^prism-session=;/);
    }

    it('is refused: pages send to sign in, posts change nothing', async () => {
      const who = await stack.signIn('admin');
      await signOut(who);
      await expectSignedOut(stack.app, who.cookie);
      const fields = {
        ...(await openForm(stack.admin, '/namespaces/new')),
        name: 'after-sign-out',
        reason: 'Replay test',
        _csrf: who.csrfToken,
      };
      for (const headers of [{}, htmx('namespace-form')]) {
        const post = await who.inject({
          method: 'POST',
          url: '/namespaces',
          headers: { ...FORM_HEADERS, ...headers },
          payload: new URLSearchParams(fields).toString(),
        });
        expect(post.statusCode).toBe(401);
      }
      expect(stack.controlPlane.state.namespaces.has('after-sign-out')).toBe(false);
      // Signing out once more with the old cookie ends nothing (there is no session to end):
      // it only leads on to the signed-out path, and the store is still without the session.
      const others = (await stack.app.sessions.list()).length;
      const again = await who.inject({ method: 'POST', url: '/auth/sign-out' });
      expect(again.statusCode).toBe(303);
      expect(await stack.app.sessions.list()).toHaveLength(others);
    });
  });

  describe('tokens in pages', () => {
    const JWT = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]*/;

    async function tokensOf(who: SignedIn): Promise<string[]> {
      const session = await sessionOf(stack.app, who);
      expect(session).toBeDefined();
      const tokens = [session?.accessToken, session?.refreshToken, session?.idToken];
      expect(tokens.every(Boolean)).toBe(true);
      return tokens as string[];
    }

    function expectNoTokens(what: string, body: string, tokens: string[]) {
      for (const token of tokens) expect(body.includes(token), `${what}: a token`).toBe(false);
      expect(JWT.exec(body)?.[0], `${what}: something JWT-shaped`).toBeUndefined();
    }

    it('none in any page, fragment, form or error a signed-in operator sees', async () => {
      const admin = stack.admin;
      const tokens = await tokensOf(admin);
      const target = [...stack.controlPlane.state.namespaces.keys()][0] ?? '';
      const home = await admin.inject({ url: '/' });
      const nav = [...home.body.matchAll(/<a[^>]+href="(\/[^"]*)"/g)].map((m) => m[1] ?? '/');
      const gets: [string, Record<string, string>][] = [
        ...[...new Set(nav)].map((url): [string, Record<string, string>] => [url, {}]),
        ['/', {}],
        ['/', htmx('dashboard')],
        ['/namespaces?q=zzz-nothing-matches', {}],
        ['/namespaces', htmx('namespace-results')],
        [`/namespaces/${target}`, {}],
        [`/namespaces/${target}/edit`, {}],
        [`/namespaces/${target}/delete`, {}],
        ['/namespaces/new', {}],
        ['/namespaces/never-was', {}],
        ['/namespaces/never-was', htmx('main')],
        ['/no-such-page', {}],
        ['/auth/signed-out', {}],
      ];
      for (const [url, headers] of gets) {
        const response = await admin.inject({ url, headers });
        expectNoTokens(`GET ${url} ${JSON.stringify(headers)}`, response.body, tokens);
      }
      // Forms answered with errors, refusals.
      const invalid = { ...(await openForm(admin, '/namespaces/new')), name: 'Not A Name' };
      for (const headers of [{}, htmx('namespace-form')]) {
        const response = await admin.inject({
          method: 'POST',
          url: '/namespaces',
          headers: { ...FORM, ...headers },
          payload: new URLSearchParams(invalid).toString(),
        });
        expect(response.statusCode).toBe(422);
        expectNoTokens('invalid create', response.body, tokens);
      }
      const forged = await stack.app.inject({
        method: 'POST',
        url: '/namespaces',
        headers: { cookie: admin.cookie, origin: 'https://evil.example', ...FORM },
        payload: new URLSearchParams(invalid).toString(),
      });
      expect(forged.statusCode).toBe(403);
      expectNoTokens('CSRF refusal', forged.body, tokens);
      const viewer = await stack.signIn('viewer');
      const notAllowed = await viewer.inject({
        method: 'POST',
        url: `/namespaces/${target}/delete`,
        headers: FORM,
        payload: new URLSearchParams({ reason: 'x', confirm: target }).toString(),
      });
      expect(notAllowed.statusCode).toBe(403);
      expectNoTokens('role refusal', notAllowed.body, [...tokens, ...(await tokensOf(viewer))]);
    });

    it('none in the pages of the sign-in itself: Continue, No access, failures', async () => {
      const signIn = await beginSignIn(stack, 'viewer');
      const done = await finishSignIn(stack.app, signIn);
      expect(done.statusCode).toBe(200);
      const session = (await stack.app.sessions.list())[0];
      const tokens = [session?.accessToken, session?.refreshToken, session?.idToken];
      expectNoTokens('Continue page', done.body, tokens.filter(Boolean) as string[]);

      // No role: the single-use return redirects to the reload-safe /no-access page.
      const nobody = await finishSignIn(stack.app, await beginSignIn(stack, 'nobody'));
      expect(nobody.statusCode).toBe(303);
      expect(nobody.headers.location).toBe('/no-access');
      const record = [nobody.headers['set-cookie']]
        .flat()
        .map((line) => String(line).split(';')[0] ?? '')
        .find((pair) => pair.startsWith('prism-no-access='));
      const noAccess = await stack.app.inject({
        url: '/no-access',
        headers: { cookie: record ?? '' },
      });
      expect(noAccess.statusCode).toBe(403);
      expect(noAccess.body).toContain('No access');
      expectNoTokens('No access page', noAccess.body, []);

      const replay = await finishSignIn(stack.app, signIn);
      expect(replay.statusCode).toBe(400);
      expectNoTokens('failed sign-in', replay.body, tokens.filter(Boolean) as string[]);
    });
  });
});

describe('a replayed cookie after sign-out on another replica', () => {
  it('is refused by a replica sharing the in-memory store', async () => {
    const store = createMemorySessionStore();
    const stack = await startStack({ sessionStore: store, signInAdmin: false });
    try {
      const replica = await stack.replica({ sessionStore: store });
      await expectReplayRefusedEverywhere(stack, stack.app, replica);
    } finally {
      await stack.close();
      await store.close();
    }
  });

  it('is refused by another console process sharing Redis', async () => {
    const redis = await startRedisServer();
    const stack = await startStack({ env: { REDIS_URL: redis.url }, signInAdmin: false });
    try {
      // Its own Redis client, its own store: only Redis is shared, as between two processes.
      const replica = await stack.replica();
      await expectReplayRefusedEverywhere(stack, stack.app, replica);
      await expectReplayRefusedEverywhere(stack, replica, stack.app);
    } finally {
      await stack.close();
      await redis.stop();
    }
  });

  async function expectReplayRefusedEverywhere(
    stack: Stack,
    signOutAt: FastifyInstance,
    replayAt: FastifyInstance,
  ) {
    const who = await stack.signIn('operator', signOutAt);
    // The session works on both before sign-out...
    for (const app of [signOutAt, replayAt]) {
      const page = await app.inject({ url: '/namespaces', headers: { cookie: who.cookie } });
      expect(page.statusCode).toBe(200);
    }
    const out = await signOutAt.inject({
      method: 'POST',
      url: '/auth/sign-out',
      headers: { cookie: who.cookie, origin: stack.baseUrl, ...FORM },
      payload: new URLSearchParams({ _csrf: who.csrfToken }).toString(),
    });
    expect(out.statusCode).toBe(303);
    // ...and on neither after it.
    await expectSignedOut(replayAt, who.cookie);
    await expectSignedOut(signOutAt, who.cookie);
  }
});

describe('over TLS (an https public URL)', () => {
  const clientId = 'prism-console';
  const clientSecret = randomBytes(24).toString('base64url');

  it('sets __Host- cookies: Secure, Path=/, no Domain; the session one under 1 KB with large tokens', async () => {
    const rogue = await startRogueIssuer({ clientId, clientSecret, tokenPadding: 16_000 });
    const app = await consoleFor(rogue, {
      clientId,
      clientSecret,
      env: { PUBLIC_URL: 'https://console.example' },
    });
    try {
      const signIn = await beginRogueSignIn(app);
      const login = setCookie(signIn.start, '__Host-prism-login');
      expect(login, 'the sign-in transaction cookie').toBeDefined();
      const loginAttributes = cookieAttributes(login ?? '');
      expect(loginAttributes.has('secure')).toBe(true);
      expect(loginAttributes.has('httponly')).toBe(true);
      // Browsers reject a __Host- cookie unless its Path is /.
      expect(loginAttributes.get('path')).toBe('/');
      expect(loginAttributes.has('domain')).toBe(false);
      // Lax: it must come back on the identity provider's cross-site redirect.
      expect(loginAttributes.get('samesite')).toBe('Lax');

      const done = await app.inject({
        url: signIn.callback,
        headers: { cookie: signIn.loginCookie },
      });
      expect(done.statusCode).toBe(200);
      const line = setCookie(done, '__Host-prism-session');
      expect(line, 'the session cookie').toBeDefined();
      const attributes = cookieAttributes(line ?? '');
      expect(attributes.has('secure')).toBe(true);
      expect(attributes.has('httponly')).toBe(true);
      expect(attributes.get('samesite')).toBe('Strict');
      expect(attributes.get('path')).toBe('/');
      expect(attributes.has('domain')).toBe(false);
      expect(cookiesOf(done).some((c) => c.startsWith('prism-session='))).toBe(false);

      const issued = rogue.issued.at(-1);
      expect(issued?.access_token.length).toBeGreaterThan(16_000);
      expect(line?.length).toBeLessThan(ONE_KB);
      for (const token of [issued?.access_token, issued?.refresh_token, issued?.id_token]) {
        expect(line).not.toContain(token?.slice(0, 40));
      }
      // The cookie works: this console is signed in with it.
      const page = await app.inject({
        url: '/auth/sign-in?return=/namespaces',
        headers: { cookie: cookiesOf(done).find((c) => c.startsWith('__Host-prism-session=')) },
      });
      expect(page.statusCode).toBe(303);
      expect(page.headers.location).toBe('/namespaces');
    } finally {
      await app.close();
      await rogue.stop();
    }
  });
});

describe('the session plugin', () => {
  function bigSession(): ConsoleSession {
    const now = Date.now();
    return {
      id: newSessionId(),
      subject: 's'.repeat(200),
      username: 'u'.repeat(200),
      name: 'n'.repeat(200),
      role: 'admin',
      accessToken: 'a'.repeat(20_000),
      accessTokenExpiresAt: now + 300_000,
      refreshToken: 'r'.repeat(20_000),
      idToken: 'i'.repeat(20_000),
      createdAt: now,
      lastSeenAt: now,
      absoluteExpiresAt: now + 3_600_000,
      idleTimeoutMs: 1_800_000,
      ip: '127.0.0.1',
      userAgent: 'x'.repeat(256),
    };
  }

  async function appWith(secure: boolean): Promise<FastifyInstance> {
    const app = Fastify();
    await app.register(operator);
    await app.register(session, {
      key: randomBytes(32),
      secure,
      redisUrl: undefined,
      store: createMemorySessionStore(),
    });
    app.get('/begin', async (request) => {
      await beginSession(request, bigSession());
      return 'ok';
    });
    app.get('/auth/begin-login', async (request) => {
      request.loginCookie.set('state', 'x'.repeat(43));
      return 'ok';
    });
    await app.ready();
    return app;
  }

  it.each([
    [true, '__Host-prism-session', '__Host-prism-login'],
    [false, 'prism-session', 'prism-login'],
  ])(
    'with secure=%s names the cookies %s and %s, with the right attributes',
    async (secure, sessionName, loginName) => {
      const app = await appWith(secure);
      try {
        expect(app.sessionCookieNames).toEqual({ session: sessionName, login: loginName });
        const begin = await app.inject({ url: '/begin' });
        const line = setCookie(begin, sessionName) ?? '';
        const attributes = cookieAttributes(line);
        expect(line.length).toBeGreaterThan(0);
        expect(line.length).toBeLessThan(ONE_KB);
        expect(attributes.has('httponly')).toBe(true);
        expect(attributes.get('samesite')).toBe('Strict');
        expect(attributes.get('path')).toBe('/');
        expect(attributes.has('domain')).toBe(false);
        expect(attributes.has('secure')).toBe(secure);

        const login = await app.inject({ url: '/auth/begin-login' });
        const loginAttributes = cookieAttributes(setCookie(login, loginName) ?? '');
        expect(loginAttributes.has('httponly')).toBe(true);
        expect(loginAttributes.get('samesite')).toBe('Lax');
        expect(loginAttributes.has('secure')).toBe(secure);
        expect(loginAttributes.has('domain')).toBe(false);
        // Never a lasting cookie (its content expires after 10 minutes: see callback.test.ts).
        expect(loginAttributes.has('expires')).toBe(false);
        expect(Number(loginAttributes.get('max-age') ?? 0)).toBeLessThanOrEqual(15 * 60);
        // A __Host- cookie with another path is dropped by browsers.
        expect(loginAttributes.get('path')).toBe('/');
      } finally {
        await app.close();
      }
    },
  );
});
