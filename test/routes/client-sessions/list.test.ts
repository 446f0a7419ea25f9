import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDLE_PRONE_NAMESPACE } from '../../../src/dev/control-plane/seed.js';
import {
  ClientSessionSchema,
  SessionStatus,
} from '../../../src/gen/prism/admin/v1/client_session_pb.js';
import { byTestId, parse, textOf } from '../../components/namespaces/html.js';
import { type SignedIn, type Stack, startStack } from '../../helper.js';
import { getPage, htmx } from '../namespaces/support.js';
import { fill, send } from './support.js';

let stack: Stack;
let viewer: SignedIn;
beforeAll(async () => {
  stack = await startStack();
  viewer = await stack.signIn('viewer');
});
afterAll(() => stack?.close());

const state = () => stack.controlPlane.state;
const rowIds = (doc: ReturnType<typeof parse>) =>
  byTestId(doc, 'session-row').map((row) => row.getAttribute('data-id') ?? '');
const link = (doc: ReturnType<typeof parse>, selector: string) => {
  const href = doc.querySelector(selector)?.getAttribute('href');
  if (!href) throw new Error(`no link ${selector}`);
  return href;
};

describe('GET /sessions', () => {
  it('lists sessions newest first with counts per status, each a link to that status', async () => {
    const { response, doc } = await getPage(viewer, '/sessions');
    expect(response.statusCode).toBe(200);
    expect(doc.querySelector('[aria-current="page"]')?.textContent).toContain('Client sessions');
    const all = [...state().clientSessions.values()];
    expect(textOf(doc.querySelector('[data-testid="session-total"]'))).toContain(
      `${all.length.toLocaleString('en-US')} sessions`,
    );
    const newest = [...all].sort(
      (a, b) => Number(b.startTime?.seconds ?? 0n) - Number(a.startTime?.seconds ?? 0n),
    )[0];
    expect(rowIds(doc)[0]).toBe(newest?.id);
    // Counts: All, then each status present; the idle count filters to idle sessions.
    const idle = all.filter((s) => s.status === SessionStatus.IDLE).length;
    const idleCount = doc.querySelector('[data-testid="status-count"][data-label="Idle"]');
    expect(textOf(idleCount)).toContain(String(idle));
    const filtered = parse((await viewer.inject({ url: link(doc, '[data-label="Idle"] a') })).body);
    expect(byTestId(filtered, 'session-row').length).toBe(Math.min(idle, 50));
    for (const row of byTestId(filtered, 'session-row')) {
      expect(row.querySelector('[data-testid="session-status"]')?.getAttribute('data-status')).toBe(
        'idle',
      );
    }
    // Relative times carry the absolute time.
    const time = doc.querySelector('[data-testid="session-row"] time');
    expect(time?.getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(time?.getAttribute('title')).toMatch(/ UTC$/);
  });

  it('shows a viewer no checkboxes and no terminate button', async () => {
    const { doc } = await getPage(viewer, '/sessions');
    expect(doc.querySelectorAll('input[type="checkbox"]')).toHaveLength(0);
    expect(byTestId(doc, 'terminate-selected')).toHaveLength(0);
  });

  it('filters by namespace, search and idle time through the filter form', async () => {
    const { doc } = await getPage(stack.admin, '/sessions');
    const target = [...state().clientSessions.values()].find(
      (s) => s.namespace === IDLE_PRONE_NAMESPACE && s.status === SessionStatus.IDLE,
    );
    if (!target) throw new Error('the seed has idle sessions');
    const needle = target.clientId.slice(-6).toUpperCase();
    const posted = fill(doc, '#session-filters', {
      values: { Namespace: IDLE_PRONE_NAMESPACE, 'Client id or address': needle },
    });
    // The browser sends the empty fields too; the console answers with the URL without them.
    const redirect = await send(stack.admin, posted);
    expect(redirect.statusCode).toBe(303);
    const url = String(redirect.headers.location);
    expect(url).not.toMatch(/=(&|$)/);
    const result = parse((await stack.admin.inject({ url })).body);
    expect(rowIds(result)).toContain(target.id);
    for (const row of byTestId(result, 'session-row')) {
      expect(textOf(row).toLowerCase()).toContain(needle.toLowerCase());
    }
    expect(url).toContain('namespace=');
    // Every link the page makes keeps the filters and drops empty values.
    const sortHref = link(result, '[data-sort-key="requests"] a');
    expect(sortHref).toContain(`namespace=${IDLE_PRONE_NAMESPACE}`);
    expect(sortHref).not.toMatch(/=(&|$)/);

    // Idle over 1 hour: only sessions whose last activity is older than that.
    const hourAgo = Date.now() / 1000 - 3600;
    const idle = parse((await stack.admin.inject({ url: '/sessions?idle=1h&size=500' })).body);
    const ids = rowIds(idle);
    const expected = [...state().clientSessions.values()].filter(
      (s) => Number(s.lastActivityTime?.seconds ?? 0n) < hourAgo,
    );
    expect(ids.sort()).toEqual(expected.map((s) => s.id).sort());
  });

  it('sorts by the column headers and pages with the rendered links', async () => {
    const first = parse((await stack.admin.inject({ url: '/sessions?size=5' })).body);
    const byRequests = parse(
      (await stack.admin.inject({ url: link(first, '[data-sort-key="requests"] a') })).body,
    );
    expect(byRequests.querySelector('[data-sort-key="requests"]')?.getAttribute('aria-sort')).toBe(
      'descending',
    );
    const counts = rowIds(byRequests).map(
      (id) => state().clientSessions.get(id)?.metrics?.requestCount ?? 0n,
    );
    expect(counts).toEqual([...counts].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
    const top = [...state().clientSessions.values()].reduce((a, b) =>
      (a.metrics?.requestCount ?? 0n) >= (b.metrics?.requestCount ?? 0n) ? a : b,
    );
    expect(rowIds(byRequests)[0]).toBe(top.id);

    const next = link(byRequests, 'a[rel="next"]');
    expect(next).toContain('sort=-requests');
    const page2 = parse((await stack.admin.inject({ url: next })).body);
    expect(rowIds(page2)).toHaveLength(5);
    expect(rowIds(page2)).not.toContain(rowIds(byRequests)[0]);
    const back = parse((await stack.admin.inject({ url: link(page2, 'a[rel="prev"]') })).body);
    expect(rowIds(back)).toEqual(rowIds(byRequests));

    // Bytes, ascending after a second click.
    const bytesDesc = link(first, '[data-sort-key="bytes"] a');
    const bytesDescDoc = parse((await stack.admin.inject({ url: bytesDesc })).body);
    const bytesAsc = parse(
      (await stack.admin.inject({ url: link(bytesDescDoc, '[data-sort-key="bytes"] a') })).body,
    );
    const total = (id: string) => {
      const m = state().clientSessions.get(id)?.metrics;
      return (m?.bytesIn ?? 0n) + (m?.bytesOut ?? 0n);
    };
    const asc = rowIds(bytesAsc).map(total);
    expect(asc).toEqual([...asc].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('answers htmx with the results region alone', async () => {
    const res = await stack.admin.inject({
      url: '/sessions?status=active',
      headers: htmx('session-results'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.body.startsWith('<section id="session-results"')).toBe(true);
    expect(res.body).not.toContain('<html');
    expect(res.headers.vary).toContain('HX-Request');
  });

  it('reports bad query values in the page, and a foreign page token', async () => {
    const { response, doc } = await getPage(
      stack.admin,
      '/sessions?status=sleeping&sort=size&idle=3y',
    );
    expect(response.statusCode).toBe(400);
    const problems = textOf(doc.querySelector('[data-testid="list-problems"]'));
    expect(problems).toContain('Unknown status');
    expect(problems).toContain('Unknown sort order');
    expect(problems).toContain('Unknown idle time');
    // The filter form is still there to fix it.
    expect(doc.querySelector('#session-filters')).not.toBeNull();

    const first = parse((await stack.admin.inject({ url: '/sessions?size=5' })).body);
    const next = new URL(link(first, 'a[rel="next"]'), 'http://x');
    next.searchParams.set('status', 'idle');
    const refused = await getPage(stack.admin, `${next.pathname}${next.search}`);
    expect(refused.response.statusCode).toBe(400);
    expect(textOf(refused.doc.querySelector('[data-testid="list-problems"]'))).toContain(
      'page token',
    );
  });

  it('shows a status this console does not know, without failing', async () => {
    const odd = create(ClientSessionSchema, {
      id: 'sess-odd-status',
      namespace: 'orders-prod',
      clientId: 'orders-odd-client',
      status: 9 as SessionStatus,
      startTime: timestampFromDate(new Date(Date.now() + 60_000)),
      lastActivityTime: timestampFromDate(new Date()),
    });
    state().clientSessions.set(odd.id, odd);
    try {
      const { response, doc } = await getPage(viewer, '/sessions?size=5');
      expect(response.statusCode).toBe(200);
      const row = byTestId(doc, 'session-row').find((r) => r.getAttribute('data-id') === odd.id);
      expect(textOf(row)).toContain('Unknown (9)');
      const detail = await getPage(viewer, `/sessions/${odd.id}`);
      expect(detail.response.statusCode).toBe(200);
      expect(textOf(detail.doc.querySelector('[data-testid="session-detail"]'))).toContain(
        'Unknown (9)',
      );
    } finally {
      state().clientSessions.delete(odd.id);
    }
  });
});

describe('GET /sessions/:id', () => {
  it('shows the client, namespace (linked), times and traffic', async () => {
    const session = [...state().clientSessions.values()].find(
      (s) => s.status === SessionStatus.ACTIVE,
    );
    if (!session) throw new Error('the seed has active sessions');
    const { response, doc } = await getPage(viewer, `/sessions/${session.id}`);
    expect(response.statusCode).toBe(200);
    expect(textOf(doc.querySelector('h1'))).toBe(session.clientId);
    const fact = (id: string) => textOf(doc.querySelector(`[data-testid="${id}"]`));
    expect(fact('client-address')).toBe(session.clientAddress);
    expect(fact('proxy')).toBe(session.proxy);
    expect(doc.querySelector('[data-testid="namespace"] a')?.getAttribute('href')).toBe(
      `/namespaces/${session.namespace}`,
    );
    expect(fact('requests')).toBe((session.metrics?.requestCount ?? 0n).toLocaleString('en-US'));
    expect(doc.querySelector('[data-testid="started"] time')?.getAttribute('datetime')).toBe(
      new Date(Number(session.startTime?.seconds) * 1000).toISOString().replace('.000', ''),
    );
    // A viewer gets no terminate action.
    expect(byTestId(doc, 'terminate')).toHaveLength(0);
    const admin = await getPage(stack.admin, `/sessions/${session.id}`);
    expect(byTestId(admin.doc, 'terminate')[0]?.getAttribute('href')).toBe(
      `/sessions/${session.id}/terminate`,
    );
  });

  it('answers 404 for a session the control plane does not have', async () => {
    const { response, doc } = await getPage(viewer, '/sessions/sess-nope');
    expect(response.statusCode).toBe(404);
    expect(textOf(doc.body)).toContain('Not found');
  });
});
