import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directClient } from '../grpc.js';
import { listen, type SignedIn, type Stack, startStack } from '../helper.js';
import { EventStreamReader } from '../live/sse-reader.js';

/*
 * GET /live over real HTTP, with the real demo control plane, identity provider and Watch: a
 * change made through the control plane reaches a subscribed tab as the region's fragment,
 * rendered once per role; bad subscriptions are refused; a stream ends with its session.
 */

let stack: Stack;
let base: string;
let viewer: SignedIn;
beforeAll(async () => {
  stack = await startStack();
  base = await listen(stack.app);
  viewer = await stack.signIn('viewer');
});
afterAll(() => stack?.close());

const liveUrl = (page: string, ...regions: string[]) => {
  const query = new URLSearchParams({ page });
  for (const region of regions) query.append('region', region);
  return `${base}/live?${query}`;
};

async function createNamespace(name: string): Promise<void> {
  await directClient(stack.controlPlane.url, stack.admin.accessToken).createNamespace({
    namespace: { name },
    requestId: `live-${name}-${Date.now()}`,
    reason: 'a change a live page must show',
  });
}

async function waitUntilLive(): Promise<void> {
  const deadline = Date.now() + 8_000;
  while (!stack.app.changes?.live) {
    if (Date.now() > deadline) throw new Error('the watch never went live');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('GET /live', () => {
  it('streams the region’s fragment when the control plane changes, as htmx would fetch it', async () => {
    await waitUntilLive();
    const page = '/namespaces?q=live-created';
    const stream = await EventStreamReader.open(liveUrl(page, 'namespace-results'), {
      cookie: stack.admin.cookie,
    });
    try {
      await stream.waitFor('the live status', (e) => e.event === 'live-status');
      expect(stream.retries[0]).toBe(3000);
      expect(stream.named('live-status')[0]?.data).toBe('live');
      await stream.waitFor('the first render', (e) => e.event === 'namespace-results');
      const from = stream.events.length;

      await createNamespace('live-created');
      const event = await stream.waitFor(
        'the new namespace',
        (e) => e.event === 'namespace-results' && e.data.includes('live-created'),
        from,
      );
      // Exactly what the page answers to htmx for that region (but with no CSRF token).
      const fragment = await stack.admin.inject({
        url: page,
        // As the region's own live-poll asks for it: no focus taken, unlike a sort link's answer.
        headers: {
          'hx-request': 'true',
          'hx-target': 'namespace-results',
          'hx-trigger': 'namespace-results',
        },
      });
      expect(event.data.replace(/\s+/g, ' ')).toBe(
        fragment.body.replace(/\s+/g, ' ').replace(/(name="_csrf" value=")[^"]*"/g, '$1"'),
      );
    } finally {
      stream.close();
    }
  });

  it('renders a region once per role, however many tabs follow it', async () => {
    await waitUntilLive();
    const page = '/namespaces?q=live-two';
    const region = 'namespace-results';
    const streams = await Promise.all(
      [stack.admin, stack.admin, viewer, viewer].map((as) =>
        EventStreamReader.open(liveUrl(page, region), { cookie: as.cookie }),
      ),
    );
    try {
      for (const s of streams) await s.waitFor('the first render', (e) => e.event === region);
      const before = stack.app.liveHub.stats().renders;
      const from = streams.map((s) => s.events.length);
      await createNamespace('live-two');
      await Promise.all(
        streams.map((s, i) =>
          s.waitFor(
            'the change',
            (e) => e.event === region && e.data.includes('live-two'),
            from[i],
          ),
        ),
      );
      // Let a late second render (the throttle's next slot) show itself, if there were one.
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect(stack.app.liveHub.stats().renders - before).toBe(2);
    } finally {
      for (const s of streams) s.close();
    }
  });

  it('sends nothing of a page the subscriber’s role may not see', async () => {
    const region = 'console-sessions';
    const admin = await EventStreamReader.open(liveUrl('/console-sessions', region), {
      cookie: stack.admin.cookie,
    });
    const refused = await EventStreamReader.open(liveUrl('/console-sessions', region), {
      cookie: viewer.cookie,
    });
    try {
      const shown = await admin.waitFor('the admin’s render', (e) => e.event === region);
      // Sent to every admin: no one's CSRF token in it (the page's script fills the fields).
      expect(shown.data).not.toContain(stack.admin.csrfToken);
      // Nor whose session is whose: no row is marked as the viewer's own (the page does that).
      expect(shown.data).toContain('data-session=');
      expect(shown.data).not.toMatch(/\sdata-current=/);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(refused.named('live-status')).toHaveLength(1);
      expect(refused.named(region)).toEqual([]);
    } finally {
      admin.close();
      refused.close();
    }
  });

  it.each([
    ['no page', '/live?region=namespace-results'],
    ['another site', `/live?page=${encodeURIComponent('//evil.example/')}&region=x`],
    ['a page that is no page', '/live?page=%2Fhealthz&region=x'],
    ['the stream itself', '/live?page=%2Flive&region=x'],
    ['no region', '/live?page=%2Fnamespaces'],
    ['a region that is no id', '/live?page=%2Fnamespaces&region=a%22%3E%3Cscript%3E'],
    [
      'eleven regions',
      `/live?page=%2Fnamespaces${'&region=r'.repeat(1)}${[...Array(11).keys()].map((i) => `&region=r${i}`).join('')}`,
    ],
  ])('refuses %s with 400', async (_what, url) => {
    const response = await stack.admin.inject({ url });
    expect(response.statusCode).toBe(400);
  });

  it('holds as many streams per session as LIVE_STREAMS_PER_SESSION says; more are refused 429', async () => {
    const replica = await stack.replica({ env: { LIVE_STREAMS_PER_SESSION: '3' } });
    // On a port of its own: the stack's (PUBLIC_URL's) is the first replica's.
    await replica.listen({ host: '127.0.0.1', port: 0 });
    const address = replica.server.address();
    const replicaBase = `http://127.0.0.1:${typeof address === 'object' ? address?.port : ''}`;
    const url = `${replicaBase}/live?page=%2F&region=dashboard`;
    const [one, other] = [
      await stack.signIn('viewer', replica),
      await stack.signIn('viewer', replica),
    ];
    const open = await Promise.all(
      [1, 2, 3].map(() => EventStreamReader.open(url, { cookie: one.cookie })),
    );
    const refused = await fetch(url, { headers: { cookie: one.cookie } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.headers.get('content-type')).not.toContain('text/event-stream');
    expect(await refused.text()).toContain('already follows 3 pages live');
    // Another session has its own.
    const theirs = await EventStreamReader.open(url, { cookie: other.cookie });
    await theirs.waitFor('its live status', (e) => e.event === 'live-status');
    // A tab closed makes room for another.
    open[0]?.close();
    const deadline = Date.now() + 5_000;
    let again: EventStreamReader | undefined;
    while (!again) {
      again = await EventStreamReader.open(url, { cookie: one.cookie }).catch((err: unknown) => {
        if (Date.now() > deadline) throw err;
        return undefined;
      });
      if (!again) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await again.waitFor('its live status', (e) => e.event === 'live-status');
    for (const stream of [...open, theirs, again]) stream?.close();
  });

  it('sends a signed-out browser to sign in', async () => {
    const response = await EventStreamReader.head(liveUrl('/namespaces', 'namespace-results'));
    expect([401, 303]).toContain(response.status);
    expect(response.type).not.toContain('text/event-stream');
  });

  it('ends when an admin revokes the session', async () => {
    const operator = await stack.signIn('operator');
    const stream = await EventStreamReader.open(liveUrl('/', 'dashboard'), {
      cookie: operator.cookie,
    });
    await stream.waitFor('the live status', (e) => e.event === 'live-status');
    const session = (await stack.app.sessions.list()).find(
      (s) => s.accessToken === operator.accessToken,
    );
    if (!session) throw new Error('no session');
    await stack.app.sessions.delete(session.id);
    const ended = await Promise.race([
      stream.ended.then(() => true),
      new Promise((resolve) => setTimeout(() => resolve(false), 6_000)),
    ]);
    expect(ended).toBe(true);
  });

  it('ends within the check interval when the session expires, and does not keep it alive', async () => {
    const operator = await stack.signIn('operator');
    const session = (await stack.app.sessions.list()).find(
      (s) => s.accessToken === operator.accessToken,
    );
    if (!session) throw new Error('no session');
    const stream = await EventStreamReader.open(liveUrl('/', 'dashboard'), {
      cookie: operator.cookie,
    });
    await stream.waitFor('the live status', (e) => e.event === 'live-status');
    const seenAt = (await stack.app.sessions.get(session.id))?.lastSeenAt;
    // Opening the stream was no activity: the session was last seen signing in.
    expect(seenAt).toBe(session.lastSeenAt);
    await stack.app.sessions.update(session.id, { absoluteExpiresAt: Date.now() });
    const ended = await Promise.race([
      stream.ended.then(() => true),
      new Promise((resolve) => setTimeout(() => resolve(false), 6_500)),
    ]);
    expect(ended).toBe(true);
  });

  it('ends every stream with a short retry when the console shuts down', async () => {
    const stream = await EventStreamReader.open(liveUrl('/', 'dashboard'), {
      cookie: viewer.cookie,
    });
    await stream.waitFor('the live status', (e) => e.event === 'live-status');
    stack.app.shuttingDown = true;
    try {
      await stream.ended;
      expect(stream.retries).toEqual([3000, 1000]);
      expect(stack.app.liveHub.subscriberCount()).toBe(0);
    } finally {
      stack.app.shuttingDown = false;
    }
  });
});

describe('GET /live without a service client', () => {
  it('says the page should poll, and sends nothing but its heartbeat', async () => {
    const plain = await startStack({ serviceClient: false });
    try {
      expect(plain.app.changes).toBeUndefined();
      const url = await listen(plain.app);
      const stream = await EventStreamReader.open(
        `${url}/live?page=%2Fnamespaces&region=namespace-results`,
        { cookie: plain.admin.cookie },
      );
      await stream.waitFor('the live status', (e) => e.event === 'live-status');
      await new Promise((resolve) => setTimeout(resolve, 300));
      // The heartbeat at once too (how often it comes): the stream itself is alive.
      expect(stream.events).toEqual([
        { event: 'live-status', data: 'polling' },
        { event: 'heartbeat', data: '15000' },
      ]);
      stream.close();
    } finally {
      await plain.close();
    }
  });
});
