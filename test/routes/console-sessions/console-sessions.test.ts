import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleSession } from '../../../src/sessions/index.js';
import { sessionHandle } from '../../../src/sessions/index.js';
import { byTestId, parse, textOf } from '../../components/namespaces/html.js';
import { type DemoUsername, type SignedIn, type Stack, startStack } from '../../helper.js';
import { FORM, getPage, htmx, hxLocation } from '../namespaces/support.js';

/*
 * The admin page of console sessions: who is signed in, and revocation — which signs the
 * operator out on their next request, on any replica.
 */

let stack: Stack;
let viewer: SignedIn;
let operator: SignedIn;
beforeAll(async () => {
  stack = await startStack();
  viewer = await stack.signIn('viewer');
  operator = await stack.signIn('operator');
});
afterAll(async () => {
  await stack?.close();
});

/** The stored session behind a signed-in test operator (found by its access token). */
async function sessionOf(signedIn: SignedIn): Promise<ConsoleSession> {
  const session = (await stack.app.sessions.list()).find(
    (s) => s.accessToken === signedIn.accessToken,
  );
  if (!session) throw new Error(`no session for ${signedIn.username}`);
  return session;
}

const revokeUrl = (session: ConsoleSession) =>
  `/console-sessions/${sessionHandle(session.id)}/revoke`;

/** What the admin's revoke button posts: the form's own action and hidden fields. */
async function revokeForm(session: ConsoleSession, as: SignedIn = stack.admin) {
  const { doc } = await getPage(as, '/console-sessions');
  const form = doc.querySelector(`form[action="${revokeUrl(session)}"]`);
  if (!form) throw new Error('no revoke form for that session');
  const csrf = form.querySelector('input[name="_csrf"]')?.getAttribute('value') ?? '';
  return { action: form.getAttribute('action') ?? '', fields: { _csrf: csrf } };
}

function post(
  as: SignedIn,
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return as.inject({
    method: 'POST',
    url,
    headers: { ...FORM, ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
}

/** Whether this operator is still signed in: a page opens, rather than sending them to sign in. */
async function signedIn(as: SignedIn, app: FastifyInstance = stack.app) {
  const response = await app.inject({ url: '/namespaces', headers: { cookie: as.cookie } });
  return response.statusCode === 200;
}

const handles = async () =>
  byTestId((await getPage(stack.admin, '/console-sessions')).doc, 'console-session-row').map(
    (row) => row.querySelector('form')?.getAttribute('action'),
  );

describe('GET /console-sessions', () => {
  it.each<DemoUsername>(['viewer', 'operator'])('refuses a %s with 403', async (role) => {
    const as = role === 'viewer' ? viewer : operator;
    for (const headers of [{}, htmx('console-sessions')]) {
      const { response, doc } = await getPage(as, '/console-sessions', headers);
      expect(response.statusCode).toBe(403);
      expect(textOf(byTestId(doc, 'error')[0])).toContain(
        `This needs the admin role; you are signed in as ${role}.`,
      );
      expect(byTestId(doc, 'console-session-row')).toHaveLength(0);
    }
  });

  it('shows an admin every signed-in operator, with name, role, times and origin', async () => {
    const { response, doc } = await getPage(stack.admin, '/console-sessions');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const rows = byTestId(doc, 'console-session-row').map((row) => ({
      name: textOf(row.querySelector('[data-testid="session-name"]')),
      username: textOf(row.querySelector('[data-testid="session-username"]')),
      role: textOf(row.querySelector('[data-testid="session-role"]')),
      ip: textOf(row.querySelector('[data-testid="session-ip"]')),
      current: row.getAttribute('data-current') === 'true',
    }));
    expect(rows).toEqual(
      expect.arrayContaining([
        { name: 'Ada Admin', username: 'admin', role: 'admin', ip: '127.0.0.1', current: true },
        {
          name: 'Oscar Operator',
          username: 'operator',
          role: 'operator',
          ip: '127.0.0.1',
          current: false,
        },
        {
          name: 'Vera Viewer',
          username: 'viewer',
          role: 'viewer',
          ip: '127.0.0.1',
          current: false,
        },
      ]),
    );
    expect(rows.filter((row) => row.current)).toHaveLength(1);
    expect(textOf(doc.querySelector('h1'))).toBe('Console sessions');
    expect(doc.querySelector('nav[aria-label="Console"] a[aria-current="page"]')?.textContent).toBe(
      'Console sessions',
    );
  });

  it('shows no token and no session id', async () => {
    const { response } = await getPage(stack.admin, '/console-sessions');
    const sessions = await stack.app.sessions.list();
    expect(sessions.length).toBeGreaterThanOrEqual(3);
    for (const session of sessions) {
      for (const secret of [
        session.id,
        session.accessToken,
        session.refreshToken,
        session.idToken,
      ]) {
        if (secret) expect(response.body).not.toContain(secret);
      }
    }
    // No JWT of any kind (header.payload.signature, base64url of '{"').
    expect(response.body).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
  });

  it('answers htmx with the table alone', async () => {
    const { response } = await getPage(stack.admin, '/console-sessions', htmx('console-sessions'));
    expect(response.statusCode).toBe(200);
    expect(response.body.startsWith('<section id="console-sessions"')).toBe(true);
  });
});

describe('navigation', () => {
  it('lists "Console sessions" for admins only', async () => {
    const link = 'nav[aria-label="Console"] a[href="/console-sessions"]';
    const admin = await getPage(stack.admin, '/namespaces');
    expect(textOf(admin.doc.querySelector(link))).toBe('Console sessions');
    for (const as of [viewer, operator]) {
      const { doc } = await getPage(as, '/namespaces');
      expect(doc.querySelector(link), as.username).toBeNull();
      expect(textOf(doc.querySelector('nav[aria-label="Console"]'))).not.toContain(
        'Console sessions',
      );
    }
  });
});

describe('POST /console-sessions/:handle/revoke', () => {
  it('without JavaScript: 303 back to the list with a notice; the operator is signed out', async () => {
    const victim = await stack.signIn('viewer');
    const session = await sessionOf(victim);
    expect(await signedIn(victim)).toBe(true);

    const { action, fields } = await revokeForm(session);
    // A browser posts the form with its hidden field, and without htmx's header.
    const response = await stack.app.inject({
      method: 'POST',
      url: action,
      headers: { ...FORM, cookie: stack.admin.cookie, origin: stack.baseUrl },
      payload: new URLSearchParams(fields).toString(),
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/console-sessions?notice=revoked');

    expect(await stack.app.sessions.get(session.id)).toBeUndefined();
    const next = await stack.app.inject({
      url: '/namespaces?page=2',
      headers: { cookie: victim.cookie },
    });
    expect(next.statusCode).toBe(303);
    expect(next.headers.location).toBe(
      `/auth/sign-in?return=${encodeURIComponent('/namespaces?page=2')}`,
    );

    const list = await getPage(stack.admin, response.headers.location ?? '');
    expect(textOf(byTestId(list.doc, 'notice')[0])).toMatch(/^Session revoked/);
    expect(await handles()).not.toContain(action);
  });

  it('with htmx: the table comes back without the session; the operator is signed out', async () => {
    const victim = await stack.signIn('operator');
    const session = await sessionOf(victim);
    const response = await post(stack.admin, revokeUrl(session), {}, htmx('console-sessions'));
    expect(response.statusCode).toBe(200);
    expect(response.body.startsWith('<section id="console-sessions"')).toBe(true);
    const fragment = parse(response.body);
    expect(textOf(byTestId(fragment, 'notice')[0])).toMatch(/^Session revoked/);
    // Still the list page's live region (it fetches and follows the list, not the revocation).
    const region = fragment.getElementById('console-sessions');
    expect(region?.getAttribute('hx-get')).toBe('/console-sessions');
    expect(region?.getAttribute('sse-swap')).toBe('console-sessions');
    const actions = byTestId(fragment, 'console-session-row').map((row) =>
      row.querySelector('form')?.getAttribute('action'),
    );
    expect(actions).not.toContain(revokeUrl(session));
    expect(actions).toContain(revokeUrl(await sessionOf(stack.admin)));

    // Their next htmx request is sent to sign in, and back to the page they were on.
    const next = await stack.app.inject({
      url: '/namespaces',
      headers: {
        cookie: victim.cookie,
        ...htmx('namespace-results'),
        'hx-current-url': `${stack.baseUrl}/namespaces/orders-prod`,
      },
    });
    expect(next.statusCode).toBe(401);
    expect(next.headers['hx-redirect']).toBe(
      `/auth/sign-in?return=${encodeURIComponent('/namespaces/orders-prod')}`,
    );
  });

  it('signs the operator out on another replica sharing the store', async () => {
    const replica = await stack.replica({ sessionStore: stack.app.sessions });
    const victim = await stack.signIn('viewer');
    expect(await signedIn(victim, replica)).toBe(true);
    const session = await sessionOf(victim);
    const response = await post(stack.admin, revokeUrl(session), {});
    expect(response.statusCode).toBe(303);
    expect(await signedIn(victim, replica)).toBe(false);
    expect(await signedIn(victim)).toBe(false);
  });

  it('refuses a wrong CSRF token with 403 and revokes nothing', async () => {
    const victim = await stack.signIn('viewer');
    const session = await sessionOf(victim);
    for (const headers of [{}, htmx('console-sessions')]) {
      const response = await stack.app.inject({
        method: 'POST',
        url: revokeUrl(session),
        headers: {
          ...FORM,
          ...headers,
          cookie: stack.admin.cookie,
          origin: stack.baseUrl,
          'x-csrf-token': 'wrong',
        },
        payload: new URLSearchParams({ _csrf: 'wrong' }).toString(),
      });
      expect(response.statusCode).toBe(403);
      expect(textOf(byTestId(parse(response.body), 'error')[0])).toContain('Request refused');
    }
    // A token of another session (the victim's own) is just as wrong.
    const response = await post(
      stack.admin,
      revokeUrl(session),
      {},
      {
        'x-csrf-token': victim.csrfToken,
      },
    );
    expect(response.statusCode).toBe(403);
    expect(await stack.app.sessions.get(session.id)).toBeDefined();
    expect(await signedIn(victim)).toBe(true);
  });

  it.each<DemoUsername>(['viewer', 'operator'])(
    'refuses a %s with 403 and revokes nothing',
    async (role) => {
      const as = await stack.signIn(role);
      const adminSession = await sessionOf(stack.admin);
      for (const headers of [{}, htmx('console-sessions')]) {
        const response = await post(as, revokeUrl(adminSession), {}, headers);
        expect(response.statusCode).toBe(403);
        expect(textOf(byTestId(parse(response.body), 'error')[0])).toContain(
          'This needs the admin role',
        );
      }
      expect(await stack.app.sessions.get(adminSession.id)).toBeDefined();
      expect(await signedIn(stack.admin)).toBe(true);
    },
  );

  it('revoking your own session signs you out', async () => {
    for (const variant of ['plain', 'htmx'] as const) {
      const admin = await stack.signIn('admin');
      const session = await sessionOf(admin);
      const response = await post(
        admin,
        revokeUrl(session),
        {},
        variant === 'htmx' ? htmx('console-sessions') : {},
      );
      if (variant === 'htmx') {
        expect(response.headers['hx-redirect']).toBe('/auth/signed-out');
      } else {
        expect(response.statusCode).toBe(303);
        expect(response.headers.location).toBe('/auth/signed-out');
      }
      expect(await stack.app.sessions.get(session.id)).toBeUndefined();
      expect(await signedIn(admin)).toBe(false);
    }
    expect(await signedIn(stack.admin)).toBe(true);
  });

  it('says so when the session had already ended', async () => {
    const victim = await stack.signIn('viewer');
    const session = await sessionOf(victim);
    await stack.app.sessions.delete(session.id);
    const plain = await post(stack.admin, revokeUrl(session), {});
    expect(plain.headers.location).toBe('/console-sessions?notice=gone');
    const other = await post(stack.admin, '/console-sessions/not-a-handle/revoke', {});
    expect(other.headers.location).toBe('/console-sessions?notice=gone');
    const viaHtmx = await post(stack.admin, revokeUrl(session), {}, htmx('main'));
    expect(hxLocation(viaHtmx)).toBe('/console-sessions?notice=gone');
  });
});
