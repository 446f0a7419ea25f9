import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseHtml, textOf } from '../dom.js';
import { type Stack, startStack } from '../helper.js';
import {
  beginRogueSignIn,
  consoleFor,
  type RogueIssuer,
  startRogueIssuer,
  type Tamper,
} from './rogue-issuer.js';
import { beginSignIn, cookiesOf, finishSignIn } from './support.js';

/*
 * The return from the identity provider is the one request that creates a session: everything
 * it brings is checked, and anything that does not add up is refused — with a page saying so, no
 * session cookie and no session on the server.
 */

function sessionCookiesSet(response: LightMyRequestResponse): string[] {
  // A deletion (empty value) is no session; anything else is.
  return cookiesOf(response).filter((c) => /^(__Host-)?prism-session=./.test(c));
}

async function expectRefused(
  app: FastifyInstance,
  response: LightMyRequestResponse,
  title: 'Sign-in failed' | 'Sign-in expired',
  sessionsBefore: number,
): Promise<void> {
  expect(response.statusCode).toBe(400);
  const doc = parseHtml(response.body);
  expect(textOf(doc.querySelector('[data-testid="error"]'))).toContain(title);
  expect(doc.querySelector('meta[http-equiv="refresh"]')).toBeNull();
  expect(sessionCookiesSet(response)).toEqual([]);
  expect(await app.sessions.list()).toHaveLength(sessionsBefore);
}

describe('the callback from the demo identity provider', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ signInAdmin: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const sessions = async () => (await stack.app.sessions.list()).length;

  it('signs in with the right state, code and login cookie (the control case)', async () => {
    const signIn = await beginSignIn(stack, 'viewer');
    const before = await sessions();
    const done = await finishSignIn(stack.app, signIn);
    expect(done.statusCode).toBe(200);
    expect(sessionCookiesSet(done)).toHaveLength(1);
    expect(await sessions()).toBe(before + 1);
  });

  it('refuses a wrong state', async () => {
    const signIn = await beginSignIn(stack, 'viewer');
    const url = new URL(signIn.callback, stack.baseUrl);
    url.searchParams.set('state', randomBytes(32).toString('base64url'));
    const before = await sessions();
    const done = await finishSignIn(stack.app, {
      ...signIn,
      callback: `${url.pathname}${url.search}`,
    });
    await expectRefused(stack.app, done, 'Sign-in failed', before);
  });

  it('refuses a callback without state', async () => {
    const signIn = await beginSignIn(stack, 'viewer');
    const url = new URL(signIn.callback, stack.baseUrl);
    url.searchParams.delete('state');
    const before = await sessions();
    const done = await finishSignIn(stack.app, {
      ...signIn,
      callback: `${url.pathname}${url.search}`,
    });
    await expectRefused(stack.app, done, 'Sign-in failed', before);
  });

  it('refuses a callback without the login cookie (not started in this browser)', async () => {
    const signIn = await beginSignIn(stack, 'viewer');
    const before = await sessions();
    const done = await stack.app.inject({ url: signIn.callback });
    await expectRefused(stack.app, done, 'Sign-in expired', before);
  });

  it("refuses a callback with another sign-in's login cookie (a victim made to finish an attacker's sign-in)", async () => {
    const attacker = await beginSignIn(stack, 'admin');
    const victim = await beginSignIn(stack, 'viewer');
    const before = await sessions();
    const done = await finishSignIn(stack.app, { ...attacker, loginCookie: victim.loginCookie });
    await expectRefused(stack.app, done, 'Sign-in failed', before);
  });

  it('refuses a tampered login cookie', async () => {
    const signIn = await beginSignIn(stack, 'viewer');
    const [name, value = ''] = signIn.loginCookie.split('=');
    const middle = Math.floor(value.length / 3);
    const flipped = value[middle] === 'A' ? 'B' : 'A';
    const tampered = `${name}=${value.slice(0, middle)}${flipped}${value.slice(middle + 1)}`;
    const before = await sessions();
    const done = await finishSignIn(stack.app, { ...signIn, loginCookie: tampered });
    await expectRefused(stack.app, done, 'Sign-in expired', before);
  });

  it('refuses a login cookie older than 10 minutes (the transaction expired)', async () => {
    const signIn = await beginSignIn(stack, 'viewer');
    const before = await sessions();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 11 * 60_000);
      const done = await finishSignIn(stack.app, signIn);
      await expectRefused(stack.app, done, 'Sign-in expired', before);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a replayed code: the same callback URL and login cookie a second time', async () => {
    const signIn = await beginSignIn(stack, 'viewer');
    const first = await finishSignIn(stack.app, signIn);
    expect(first.statusCode).toBe(200);
    expect(sessionCookiesSet(first)).toHaveLength(1);
    // The first answer told the browser to drop the login cookie; an attacker keeps it.
    expect(first.headers['set-cookie']).toEqual(
      expect.arrayContaining([expect.stringMatching(/^prism-login=;.*Max-Age=0/)]),
    );
    const before = await sessions();
    const second = await finishSignIn(stack.app, signIn);
    await expectRefused(stack.app, second, 'Sign-in failed', before);
  });
});

describe('the callback from an identity provider that answers wrongly', () => {
  const clientId = 'prism-console';
  const clientSecret = randomBytes(24).toString('base64url');
  let rogue: RogueIssuer;
  let app: FastifyInstance;
  beforeAll(async () => {
    rogue = await startRogueIssuer({ clientId, clientSecret });
    app = await consoleFor(rogue, { clientId, clientSecret });
  });
  afterEach(() => {
    rogue.tamper = {};
  });
  afterAll(async () => {
    await app?.close();
    await rogue?.stop();
  });

  async function callbackWith(tamper: Tamper): Promise<LightMyRequestResponse> {
    const signIn = await beginRogueSignIn(app);
    rogue.tamper = tamper;
    return app.inject({ url: signIn.callback, headers: { cookie: signIn.loginCookie } });
  }

  it('signs in with a correct ID token (so the refusals below are about the token)', async () => {
    const before = (await app.sessions.list()).length;
    const done = await callbackWith({});
    expect(done.statusCode).toBe(200);
    expect(sessionCookiesSet(done)).toHaveLength(1);
    const sessions = await app.sessions.list();
    expect(sessions).toHaveLength(before + 1);
    expect(sessions[0]).toMatchObject({ username: 'rita', role: 'admin' });
  });

  const CASES: Record<string, Tamper> = {
    'a wrong issuer': { claims: (c) => ({ ...c, iss: 'https://evil.example' }) },
    'the issuer with a trailing slash': { claims: (c) => ({ ...c, iss: `${c.iss}/` }) },
    'a wrong audience': { claims: (c) => ({ ...c, aud: 'another-client' }) },
    'an audience list without this client': {
      claims: (c) => ({ ...c, aud: ['another-client', 'prism-admin'] }),
    },
    'a wrong nonce': { claims: (c) => ({ ...c, nonce: randomBytes(16).toString('base64url') }) },
    'no nonce': {
      claims: ({ nonce: _, ...c }) => c,
    },
    'an expired token': {
      claims: (c) => ({
        ...c,
        iat: Math.floor(Date.now() / 1000) - 3600,
        exp: Math.floor(Date.now() / 1000) - 1800,
      }),
    },
    'no subject': { claims: ({ sub: _, ...c }) => c },
    'a signature by a key not in the issuer’s JWKS': { foreignKey: true },
    'no signature (alg none)': { unsigned: true },
    'no ID token at all': { noIdToken: true },
  };

  it.each(Object.keys(CASES))('refuses an ID token with %s', async (name) => {
    const before = (await app.sessions.list()).length;
    const done = await callbackWith(CASES[name] ?? {});
    await expectRefused(app, done, 'Sign-in failed', before);
  });
});
