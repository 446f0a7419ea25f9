import { timestampFromMs, timestampNow } from '@bufbuild/protobuf/wkt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BackendHealth } from '../../src/gen/prism/admin/v1/backend_pb.js';
import { ComponentStatus } from '../../src/gen/prism/admin/v1/cluster_pb.js';
import { NamespaceStatus } from '../../src/gen/prism/admin/v1/namespace_pb.js';
import { navigation } from '../../src/routes/navigation.js';
import { parseHtml, textOf } from '../dom.js';
import { type SignedIn, type Stack, startStack } from '../helper.js';

/*
 * The dashboard's cards lead to the view behind them, filtered to what they say is wrong, and a
 * card with a problem is coloured and says the problem in words.
 */

let stack: Stack;
let viewer: SignedIn;
let operator: SignedIn;
beforeAll(async () => {
  stack = await startStack();
  [viewer, operator] = await Promise.all([stack.signIn('viewer'), stack.signIn('operator')]);
});
afterAll(async () => {
  await stack?.close();
});

const state = () => stack.controlPlane.state;
const undo: (() => void)[] = [];
afterEach(() => {
  for (const step of undo.splice(0).reverse()) step();
  stack.controlPlane.faults.unavailableMethods.clear();
});

/** Every proxy and launcher up with a fresh heartbeat; restored after the test. */
function allUp(): void {
  for (const component of [...state().proxies.values(), ...state().launchers.values()]) {
    const { status, lastHeartbeatTime } = component;
    undo.push(() => {
      component.status = status;
      component.lastHeartbeatTime = lastHeartbeatTime;
    });
    component.status = ComponentStatus.UP;
    component.lastHeartbeatTime = timestampNow();
  }
}

function setBackendsHealthy(): void {
  for (const backend of state().backends.values()) {
    const { health, healthMessage } = backend;
    undo.push(() => {
      backend.health = health;
      backend.healthMessage = healthMessage;
    });
    backend.health = BackendHealth.HEALTHY;
    backend.healthMessage = '';
  }
}

async function dashboard(as: SignedIn = stack.admin) {
  const res = await as.inject({ url: '/' });
  expect(res.statusCode).toBe(200);
  return parseHtml(res.body);
}

const card = (doc: Document, id: string) => doc.querySelector(`[data-testid="${id}"]`);
const linkOf = (doc: Document, id: string) =>
  card(doc, id)?.querySelector('[data-testid="card-link"]')?.getAttribute('href');

describe('dashboard cards', () => {
  it.each([
    ['admin', () => stack.admin],
    ['operator', () => operator],
    ['viewer', () => viewer],
  ] as const)('link to their views, uncoloured when all is well (%s)', async (_role, who) => {
    allUp();
    setBackendsHealthy();
    const doc = await dashboard(who());
    expect(linkOf(doc, 'proxies')).toBe('/cluster#proxies');
    expect(linkOf(doc, 'launchers')).toBe('/cluster#launchers');
    expect(linkOf(doc, 'raft')).toBe('/cluster#raft');
    expect(linkOf(doc, 'backends')).toBe('/backends');
    expect(linkOf(doc, 'namespaces')).toBe('/namespaces');
    const sessionsArea = navigation.find((item) => item.area === 'sessions');
    expect(linkOf(doc, 'sessions')).toBe(
      sessionsArea?.available ? '/sessions?status=active' : undefined,
    );
    for (const id of ['proxies', 'launchers', 'backends']) {
      expect(card(doc, id)?.getAttribute('data-tone'), id).toBe('ok');
      expect(card(doc, id)?.querySelector('[data-testid="card-problem"]'), id).toBeNull();
    }
  });

  it('colours the proxies card when one is down, says so, and links to the cluster page showing it', async () => {
    allUp();
    const [down] = [...state().proxies.values()];
    if (!down) throw new Error('the demo has no proxies');
    down.status = ComponentStatus.DOWN;
    const total = state().proxies.size;

    const doc = await dashboard();
    expect(card(doc, 'proxies')?.getAttribute('data-tone')).toBe('problem');
    expect(textOf(card(doc, 'proxies')?.querySelector('[data-testid="card-problem"]'))).toBe(
      `Problem: 1 of ${total} not up`,
    );
    expect(textOf(card(doc, 'proxies'))).toContain(`${total - 1}/${total}`);
    const href = linkOf(doc, 'proxies');
    expect(href).toBe('/cluster?proxies=down#proxies');

    // The link lands on the cluster page with only that proxy listed, and says so.
    const cluster = parseHtml((await stack.admin.inject({ url: href ?? '' })).body);
    const rows = cluster.querySelectorAll('#proxies [data-testid="proxy"]');
    expect([...rows].map((row) => textOf(row.querySelector('td')))).toEqual([
      expect.stringContaining(down.id),
    ]);
    expect(textOf(cluster.querySelector('#proxies [data-testid="filter-note"]'))).toContain(
      `Showing the 1 of ${total} proxies not up or with a stale heartbeat.`,
    );
    expect(
      cluster.querySelector('#proxies [data-testid="filter-note"] a')?.getAttribute('href'),
    ).toBe('/cluster');
    // Launchers are not filtered by the proxies' link.
    expect(cluster.querySelectorAll('#launchers [data-testid="launcher"]')).toHaveLength(
      state().launchers.size,
    );
  });

  it('marks a stale heartbeat among launchers that are up as a warning', async () => {
    allUp();
    const [late] = [...state().launchers.values()];
    if (!late) throw new Error('the demo has no launchers');
    late.lastHeartbeatTime = timestampFromMs(Date.now() - 600_000);
    const doc = await dashboard();
    expect(card(doc, 'launchers')?.getAttribute('data-tone')).toBe('warning');
    expect(textOf(card(doc, 'launchers')?.querySelector('[data-testid="card-problem"]'))).toBe(
      'Needs a look: 1 heartbeat stale',
    );
    const href = linkOf(doc, 'launchers');
    expect(href).toBe('/cluster?launchers=down#launchers');
    const cluster = parseHtml((await stack.admin.inject({ url: href ?? '' })).body);
    const rows = [...cluster.querySelectorAll('#launchers [data-testid="launcher"]')];
    expect(rows.map((row) => row.getAttribute('data-stale'))).toEqual(['true']);
  });

  it('marks the Raft card for a member far behind (amber) and for one unreachable (red)', async () => {
    const raft = state().raft;
    const saved = raft.members.map((m) => ({ m, healthy: m.healthy, match: m.matchIndex }));
    undo.push(() => {
      for (const { m, healthy, match } of saved) {
        m.healthy = healthy;
        m.matchIndex = match;
      }
    });
    for (const m of raft.members) {
      m.healthy = true;
      m.matchIndex = raft.commitIndex;
    }
    expect(card(await dashboard(), 'raft')?.getAttribute('data-tone')).toBe('ok');
    const follower = raft.members.find((m) => m.id !== raft.leaderId);
    if (!follower) throw new Error('the demo has no follower');
    follower.matchIndex = raft.commitIndex - 500n;
    let doc = await dashboard();
    expect(card(doc, 'raft')?.getAttribute('data-tone')).toBe('warning');
    expect(textOf(card(doc, 'raft')?.querySelector('[data-testid="card-problem"]'))).toBe(
      'Needs a look: 1 member behind',
    );
    follower.healthy = false;
    doc = await dashboard();
    expect(card(doc, 'raft')?.getAttribute('data-tone')).toBe('problem');
    expect(textOf(card(doc, 'raft')?.querySelector('[data-testid="card-problem"]'))).toBe(
      'Problem: 1 member unreachable',
    );
    expect(linkOf(doc, 'raft')).toBe('/cluster#raft');
  });

  it('colours the backends card for an unhealthy backend and links to the backends not healthy', async () => {
    setBackendsHealthy();
    const [sick, slow] = [...state().backends.values()];
    if (!sick || !slow) throw new Error('the demo has fewer than two backends');
    sick.health = BackendHealth.UNHEALTHY;
    slow.health = BackendHealth.DEGRADED;

    const doc = await dashboard();
    expect(card(doc, 'backends')?.getAttribute('data-tone')).toBe('problem');
    expect(textOf(card(doc, 'backends')?.querySelector('[data-testid="card-problem"]'))).toBe(
      'Problem: 1 unhealthy, 1 degraded or unknown',
    );
    const href = linkOf(doc, 'backends');
    expect(href).toBe('/backends?health=problem');

    const list = parseHtml((await viewer.inject({ url: href ?? '' })).body);
    const names = [...list.querySelectorAll('[data-testid="backend-row"]')].map((row) =>
      row.getAttribute('data-name'),
    );
    expect(names.sort()).toEqual([sick.name, slow.name].sort());
    expect(textOf(list.querySelector('[data-testid="filter-note"]'))).toContain(
      `Showing the 2 of ${state().backends.size} backends that are not healthy.`,
    );
  });

  it('links the namespaces card to the list, and its suspended count to the suspended ones', async () => {
    const suspended = [...state().namespaces.values()].filter(
      (ns) => ns.status === NamespaceStatus.SUSPENDED,
    );
    const doc = await dashboard();
    const link = card(doc, 'namespaces')?.querySelector('[data-testid="suspended-link"]');
    if (suspended.length === 0) {
      expect(link).toBeNull();
      return;
    }
    expect(textOf(link)).toBe(`${suspended.length} suspended`);
    expect(link?.getAttribute('href')).toBe('/namespaces?status=suspended');
    const list = parseHtml((await viewer.inject({ url: '/namespaces?status=suspended' })).body);
    const shown = [...list.querySelectorAll('[data-testid="namespace-row"]')].map((row) =>
      row.getAttribute('data-name'),
    );
    expect(shown.sort()).toEqual(suspended.map((ns) => ns.name).sort());
  });

  it.each([
    ['proxies', 'ListProxies'],
    ['launchers', 'ListLaunchers'],
    ['raft', 'GetClusterStatus'],
    ['backends', 'ListBackends'],
    ['namespaces', 'ListNamespaces'],
    ['sessions', 'ListClientSessions'],
  ])(
    'keeps working when the %s card’s call fails: that card says so, in red',
    async (id, method) => {
      allUp();
      setBackendsHealthy();
      stack.controlPlane.faults.unavailableMethods.add(method);
      const doc = await dashboard();
      expect(card(doc, id)?.getAttribute('data-tone')).toBe('problem');
      expect(textOf(card(doc, id))).toContain('Unavailable: unreachable');
      // The other cards are filled as usual, and the page does not claim a control-plane outage.
      for (const other of ['proxies', 'launchers', 'raft', 'backends', 'namespaces', 'sessions']) {
        if (other !== id) expect(textOf(card(doc, other)), other).not.toContain('Unavailable');
      }
      expect(doc.querySelector('[data-testid="error"]')).toBeNull();
    },
  );

  it('answers the htmx refresh with coloured cards too', async () => {
    allUp();
    const [down] = [...state().proxies.values()];
    if (!down) throw new Error('the demo has no proxies');
    down.status = ComponentStatus.DOWN;
    const res = await stack.admin.inject({
      url: '/',
      headers: { 'hx-request': 'true', 'hx-target': 'dashboard' },
    });
    expect(res.body.startsWith('<div id="dashboard"')).toBe(true);
    const doc = parseHtml(res.body);
    expect(card(doc, 'proxies')?.getAttribute('data-tone')).toBe('problem');
    expect(linkOf(doc, 'proxies')).toBe('/cluster?proxies=down#proxies');
  });
});

describe('filtered views without a problem', () => {
  it('say all is well and link back to everything', async () => {
    allUp();
    const cluster = parseHtml(
      (await viewer.inject({ url: '/cluster?proxies=down&launchers=down' })).body,
    );
    expect(cluster.querySelectorAll('[data-testid="proxy"]')).toHaveLength(0);
    expect(textOf(cluster.querySelector('#proxies [data-testid="filter-note"]'))).toContain(
      `All ${state().proxies.size} proxies are up, with recent heartbeats.`,
    );
    expect(textOf(cluster.querySelector('#proxies'))).not.toContain('No proxies registered');

    setBackendsHealthy();
    const backends = parseHtml((await viewer.inject({ url: '/backends?health=unhealthy' })).body);
    expect(backends.querySelectorAll('[data-testid="backend-row"]')).toHaveLength(0);
    expect(textOf(backends.querySelector('[data-testid="filter-note"]'))).toContain(
      `None of the ${state().backends.size} backends is unhealthy.`,
    );
  });

  it('ignore a filter they do not know, and drop an empty one from the address', async () => {
    const all = parseHtml((await viewer.inject({ url: '/backends?health=purple' })).body);
    expect(all.querySelectorAll('[data-testid="backend-row"]')).toHaveLength(state().backends.size);
    expect(all.querySelector('[data-testid="filter-note"]')).toBeNull();
    const empty = await viewer.inject({ url: '/backends?health=' });
    expect(empty.statusCode).toBe(303);
    expect(empty.headers.location).toBe('/backends');
  });
});
