import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sessionHandle } from '../../src/sessions/index.js';
import { parseHtml, textOf } from '../dom.js';
import { directClient } from '../grpc.js';
import { listen, type SignedIn, type Stack, startStack } from '../helper.js';
import { EventStreamReader } from '../live/sse-reader.js';
import { type RedisServer, startRedisServer } from './redis-server.js';

/*
 * Two console processes sharing one Redis (Debian's redis-server, started here): each builds its
 * own Redis session store from REDIS_URL, and both have the same SESSION_KEY (cookie and CSRF
 * keys). A session begun on one is good on the other; ended on one, it is refused on both.
 */

let redis: RedisServer;
let stack: Stack;
/** The first console: `stack.app`. The second: */
let replica: FastifyInstance;

beforeAll(async () => {
  redis = await startRedisServer();
  stack = await startStack({ env: { REDIS_URL: redis.url }, signInAdmin: false });
  replica = await stack.replica();
});
afterAll(async () => {
  await stack?.close();
  await redis?.stop();
});

/** A request to `app` with a session's cookie, its CSRF token and this console's Origin. */
function as(
  app: FastifyInstance,
  who: SignedIn,
  options: InjectOptions & { csrfToken?: string },
): Promise<LightMyRequestResponse> {
  const { csrfToken = who.csrfToken, ...rest } = options;
  return app.inject({
    ...rest,
    headers: {
      cookie: who.cookie,
      'x-csrf-token': csrfToken,
      origin: stack.baseUrl,
      ...(rest.headers as Record<string, string> | undefined),
    },
  });
}

/** The operator line of the navigation ("Oscar Operator operator · operator"), or ''. */
function operatorShown(response: LightMyRequestResponse): string {
  return textOf(parseHtml(response.body).querySelector('[data-testid="operator"] p'));
}

/** Polls until `app` sends this cookie to sign in; returns how long that took. */
async function refusedWithin(app: FastifyInstance, who: SignedIn, limitMs: number) {
  const started = performance.now();
  for (;;) {
    const response = await app.inject({ url: '/', headers: { cookie: who.cookie } });
    const elapsed = performance.now() - started;
    if (response.statusCode === 303) return { response, elapsed };
    if (elapsed > limitMs) {
      throw new Error(`still signed in after ${Math.round(elapsed)} ms: ${response.statusCode}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function namespaceForm(name: string, csrfToken: string): string {
  return new URLSearchParams({
    _csrf: csrfToken,
    name,
    description: 'created on the second replica',
    status: 'active',
    max_sessions: '0',
    max_storage: '0',
    max_rps: '0',
    config: '',
    reason: 'replica test',
    request_id: randomUUID(),
  }).toString();
}

/** The first console over real HTTP (live streams), listening from its first use on. */
let baseUrl: Promise<string> | undefined;
const listening = () => {
  baseUrl ??= listen(stack.app);
  return baseUrl;
};

/** An operator signed in, with a live stream of the dashboard open on the first console. */
async function operatorStreamOnFirst() {
  const operator = await stack.signIn('operator');
  const stream = await EventStreamReader.open(
    `${await listening()}/live?page=%2F&region=dashboard`,
    {
      cookie: operator.cookie,
    },
  );
  await stream.waitFor('the live status', (e) => e.event === 'live-status');
  const session = (await replica.sessions.list()).find((s) => s.username === 'operator');
  if (!session) throw new Error('the operator has no session');
  return { stream, session };
}

/** Milliseconds from `started` until the server ended the stream; Infinity if not within 6 s. */
function endedAfter(stream: EventStreamReader, started: number): Promise<number> {
  return Promise.race([
    stream.ended.then(() => performance.now() - started),
    new Promise<number>((resolve) => setTimeout(() => resolve(Number.POSITIVE_INFINITY), 6_000)),
  ]);
}

describe('two console replicas sharing Redis', () => {
  // Each test starts with no console session, whatever an earlier one left behind.
  beforeEach(async () => {
    for (const session of await stack.app.sessions.list())
      await stack.app.sessions.delete(session.id);
  });

  it('both replicas keep sessions in the one Redis, not in their own memory', async () => {
    const operator = await stack.signIn('operator');
    const sid = (await stack.app.sessions.list()).find((s) => s.username === 'operator')?.id;
    expect(sid).toBeDefined();
    const seenByReplica = await replica.sessions.get(sid ?? '');
    expect(seenByReplica?.username).toBe('operator');
    expect(seenByReplica?.accessToken).toBe(operator.accessToken);
    await stack.app.sessions.delete(sid ?? '');
  });

  it('a session begun on one is signed in on the other: pages, and posts with its CSRF token', async () => {
    const operator = await stack.signIn('operator');
    const dashboard = await as(replica, operator, { url: '/' });
    expect(dashboard.statusCode).toBe(200);
    expect(operatorShown(dashboard)).toContain('Oscar Operator');
    expect(operatorShown(dashboard)).toContain('operator · operator');
    // The replica forwards the operator's own token: the control plane served the dashboard.
    expect(parseHtml(dashboard.body).querySelector('[data-testid="error"]')).toBeNull();
    // The second replica puts a token in its page too (masked afresh on every answer, so not
    // the same bytes; the post below shows the first replica's token is accepted here).
    const page = await as(replica, operator, { url: '/namespaces' });
    expect(page.body).toMatch(/&#34;X-CSRF-Token&#34;:&#34;[\w-]{80,}&#34;/);
    expect(page.body).not.toContain(operator.csrfToken);

    // A post on the second replica with the first one's token: accepted (an admin creates).
    const admin = await stack.signIn('admin');
    const name = `replica-${randomUUID().slice(0, 8)}`;
    const created = await as(replica, admin, {
      method: 'POST',
      url: '/namespaces',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: namespaceForm(name, admin.csrfToken),
    });
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toMatch(
      new RegExp(`^/namespaces/${name}\\?notice=created&request=[\\w-]+$`),
    );
    const direct = directClient(stack.controlPlane.url, admin.accessToken);
    const { namespace } = await direct.getNamespace({ name });
    expect(namespace?.name).toBe(name);

    // ...while a wrong token is refused there, as on any console (the check is live).
    const forged = await as(replica, admin, {
      method: 'POST',
      url: '/namespaces',
      csrfToken: 'x'.repeat(admin.csrfToken.length),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: namespaceForm(`${name}-forged`, 'x'.repeat(admin.csrfToken.length)),
    });
    expect(forged.statusCode).toBe(403);
    expect(textOf(parseHtml(forged.body).querySelector('main'))).toContain('Request refused');
    await expect(direct.getNamespace({ name: `${name}-forged` })).rejects.toThrow(/not found/i);
  });

  it('signed out on one, the old cookie is refused on the other within a second', async () => {
    const operator = await stack.signIn('operator');
    expect((await as(stack.app, operator, { url: '/' })).statusCode).toBe(200);
    expect((await as(replica, operator, { url: '/' })).statusCode).toBe(200);

    const signOut = await as(replica, operator, { method: 'POST', url: '/auth/sign-out' });
    expect(signOut.statusCode).toBe(303);
    expect(signOut.headers.location).toMatch(
      new RegExp(`^${stack.identityProvider.issuer}/`.replaceAll('.', '\\.')),
    );
    const { response, elapsed } = await refusedWithin(stack.app, operator, 1000);
    expect(elapsed).toBeLessThan(1000);
    expect(response.headers.location).toBe('/auth/sign-in?return=%2F');
    // The replayed cookie stays refused on both, for pages, htmx and posts.
    expect((await as(replica, operator, { url: '/' })).statusCode).toBe(303);
    const htmx = await as(stack.app, operator, {
      url: '/namespaces?q=orders',
      headers: { 'hx-request': 'true', 'hx-current-url': `${stack.baseUrl}/namespaces` },
    });
    expect(htmx.statusCode).toBe(401);
    expect(htmx.headers['hx-redirect']).toBe('/auth/sign-in?return=%2Fnamespaces');
    const post = await as(stack.app, operator, {
      method: 'POST',
      url: '/namespaces',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=after-replay&reason=replayed',
    });
    expect(post.statusCode).toBe(401);
    expect(stack.controlPlane.state.namespaces.has('after-replay')).toBe(false);
    expect((await stack.app.sessions.list()).map((s) => s.username)).not.toContain('operator');
  });

  it('revoked on one (the store, as the admin page does), refused on the other within a second', async () => {
    const viewer = await stack.signIn('viewer');
    const session = (await replica.sessions.list()).find((s) => s.username === 'viewer');
    if (!session) throw new Error('the viewer has no session');
    expect((await as(replica, viewer, { url: '/' })).statusCode).toBe(200);

    await stack.app.sessions.delete(session.id);
    const { elapsed } = await refusedWithin(replica, viewer, 1000);
    expect(elapsed).toBeLessThan(1000);
    expect((await as(stack.app, viewer, { url: '/' })).statusCode).toBe(303);

    // And the other way round: a session begun on the second, revoked there, refused on the first.
    const again = await stack.signIn('viewer', replica);
    expect((await as(stack.app, again, { url: '/' })).statusCode).toBe(200);
    const second = (await stack.app.sessions.list()).find((s) => s.username === 'viewer');
    if (!second) throw new Error('the viewer has no second session');
    await replica.sessions.delete(second.id);
    expect((await refusedWithin(stack.app, again, 1000)).elapsed).toBeLessThan(1000);
  });

  it("an admin revokes on one replica's Console sessions page; refused on the other within a second", async () => {
    const operator = await stack.signIn('operator');
    const admin = await stack.signIn('admin', replica);
    expect((await as(stack.app, operator, { url: '/' })).statusCode).toBe(200);

    // The page on the second replica lists the session begun on the first (one Redis).
    const page = await as(replica, admin, { url: '/console-sessions' });
    expect(page.statusCode).toBe(200);
    const row = [
      ...parseHtml(page.body).querySelectorAll('[data-testid="console-session-row"]'),
    ].find((r) => textOf(r.querySelector('[data-testid="session-username"]')) === 'operator');
    const action = row?.querySelector('form')?.getAttribute('action');
    expect(action).toMatch(/^\/console-sessions\/[^/]+\/revoke$/);

    const revoked = await as(replica, admin, {
      method: 'POST',
      url: action ?? '',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: admin.csrfToken }).toString(),
    });
    expect(revoked.statusCode).toBe(303);
    expect((await refusedWithin(stack.app, operator, 1000)).elapsed).toBeLessThan(1000);
    // The admin who revoked stays signed in, on both.
    expect((await as(stack.app, admin, { url: '/' })).statusCode).toBe(200);
    expect((await as(replica, admin, { url: '/' })).statusCode).toBe(200);
  });

  it("a sign-in on one replica appears at once on the other's live Console sessions page", async () => {
    const admin = await stack.signIn('admin');
    const base = await listening();
    const stream = await EventStreamReader.open(
      `${base}/live?page=${encodeURIComponent('/console-sessions')}&region=console-sessions`,
      { cookie: admin.cookie },
    );
    try {
      await stream.waitFor('the first render', (e) => e.event === 'console-sessions');
      const from = stream.events.length;
      const started = performance.now();
      await stack.signIn('operator', replica);
      const session = (await stack.app.sessions.list()).find((s) => s.username === 'operator');
      if (!session) throw new Error('the operator has no session');
      // Well before the hub's periodic render (15 s): Redis told this replica.
      const shown = await stream.waitFor(
        "the operator's new row",
        (e) => e.event === 'console-sessions' && e.data.includes(sessionHandle(session.id)),
        from,
        3_000,
      );
      expect(shown.data).toContain('operator');
      expect(performance.now() - started).toBeLessThan(3_000);
    } finally {
      stream.close();
    }
  });

  it("a revocation on one replica ends the session's live streams on the other at once", async () => {
    const { stream, session } = await operatorStreamOnFirst();
    const started = performance.now();
    await replica.sessions.delete(session.id);
    // Not at the first replica's next check of its streams' sessions (every 5 s).
    expect(await endedAfter(stream, started)).toBeLessThan(2_000);
  });

  it('after its subscription broke, a replica looks again at once at the sessions its streams belong to', async () => {
    const { stream, session } = await operatorStreamOnFirst();
    const admin = await createClient({ url: redis.url }).connect();
    try {
      // A sign-out nobody was told of (as one published while the subscriptions were down):
      // the session is gone from Redis, and no message says so.
      await admin.del(`prism-console:session:${session.id}`);
      const started = performance.now();
      // Redis drops the replicas' subscriptions; they come back by themselves.
      await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
      // Well before the next periodic check could (every 5 s, at any moment from now).
      expect(await endedAfter(stream, started)).toBeLessThan(1_000);
    } finally {
      await admin.close();
    }
  });
});
