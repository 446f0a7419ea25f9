import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessPattern } from '../../src/gen/prism/admin/v1/client_configuration_pb.js';
import {
  ComponentStatus,
  PatternAssignmentSchema,
  ProxySchema,
} from '../../src/gen/prism/admin/v1/cluster_pb.js';
import { STALE_AFTER_SECONDS } from '../../src/views/cluster/status.js';
import { parseHtml, textOf } from '../dom.js';
import { directClient } from '../grpc.js';
import { type Stack, startStack } from '../helper.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const rows = (doc: Document, testId: string) => [
  ...doc.querySelectorAll(`[data-testid="${testId}"]`),
];

describe('GET /cluster', () => {
  it('shows Raft, proxies, launchers and pattern assignments from the control plane', async () => {
    const cp = directClient(stack.controlPlane.url, stack.admin.accessToken);
    const [cluster, proxies, launchers] = await Promise.all([
      cp.getClusterStatus({}),
      cp.listProxies({}),
      cp.listLaunchers({}),
    ]);
    const res = await stack.admin.inject({ url: '/cluster' });
    expect(res.statusCode).toBe(200);
    const doc = parseHtml(res.body);
    expect(doc.title).toBe('Cluster · Prism Console');
    expect(doc.querySelector('[aria-current="page"]')?.textContent).toContain('Cluster');
    expect(textOf(doc.querySelector('[data-testid="leader"]'))).toBe(cluster.leaderId);
    expect(rows(doc, 'raft-member')).toHaveLength(cluster.members.length);
    expect(textOf(doc.querySelector('[data-testid="raft"]'))).toContain(
      `more than 100 entries behind`,
    );
    expect(rows(doc, 'proxy')).toHaveLength(proxies.proxies.length);
    expect(rows(doc, 'launcher')).toHaveLength(launchers.launchers.length);
    expect(doc.querySelector('[data-testid="proxies"]')?.textContent).toContain(
      `stale after ${STALE_AFTER_SECONDS} s`,
    );
    const patterns = stack.controlPlane.state.patterns;
    expect(rows(doc, 'pattern')).toHaveLength(patterns.size);
    // Each namespace links to its page.
    const first = [...patterns.values()][0];
    expect(first).toBeDefined();
    const link = doc.querySelector(
      `[data-testid="patterns"] a[href="/namespaces/${encodeURIComponent(first?.namespace ?? '')}"]`,
    );
    expect(link).not.toBeNull();
    expect(doc.querySelectorAll('[data-testid="unavailable"]')).toHaveLength(0);
  });

  it("links each proxy's namespaces, the first five and a count of the rest", async () => {
    const state = stack.controlPlane.state;
    const doc = parseHtml((await stack.admin.inject({ url: '/cluster' })).body);
    const proxyRows = rows(doc, 'proxy');
    expect(proxyRows).toHaveLength(state.proxies.size);
    let cut = 0;
    for (const proxy of state.proxies.values()) {
      const assigned = [...state.namespaces.values()]
        .filter((ns) => ns.assignedProxy === proxy.id)
        .map((ns) => ns.name)
        .sort((a, b) => a.localeCompare(b));
      const row = proxyRows.find((tr) => textOf(tr.querySelector('td')).startsWith(`${proxy.id} `));
      expect(row, proxy.id).toBeDefined();
      const links = [...(row?.querySelectorAll('[data-testid="namespace-links"] a') ?? [])];
      const shown = assigned.slice(0, 5);
      const named = links.filter((a) => a.getAttribute('data-testid') !== 'namespaces-more');
      expect(
        named.map((a) => textOf(a)),
        proxy.id,
      ).toEqual(shown);
      expect(named.map((a) => a.getAttribute('href'))).toEqual(
        shown.map((name) => `/namespaces/${encodeURIComponent(name)}`),
      );
      const more = row?.querySelector('[data-testid="namespaces-more"]');
      if (assigned.length > 5) {
        cut += 1;
        expect(textOf(more)).toBe(`+${assigned.length - 5} more`);
        expect(more?.getAttribute('href')).toBe('/namespaces');
      } else {
        expect(more).toBeNull();
        if (assigned.length === 0) expect(textOf(row)).toContain('none');
      }
    }
    // The demo has proxies with more than five namespaces: the cut is exercised.
    expect(cut).toBeGreaterThan(0);
  });

  it('shows a namespace under the proxy the control plane assigns it now', async () => {
    const state = stack.controlPlane.state;
    const proxy = create(ProxySchema, {
      id: 'zz-small-proxy',
      address: '10.9.9.8:8980',
      status: ComponentStatus.UP,
      lastHeartbeatTime: timestampFromDate(new Date()),
      capacity: 200,
    });
    state.proxies.set(proxy.id, proxy);
    const namespace = state.namespaces.get('orders-prod');
    if (!namespace) throw new Error('the demo has orders-prod');
    const saved = namespace.assignedProxy;
    namespace.assignedProxy = proxy.id;
    try {
      const doc = parseHtml((await stack.admin.inject({ url: '/cluster' })).body);
      const row = rows(doc, 'proxy').find((tr) => textOf(tr).includes('zz-small-proxy'));
      const link = row?.querySelector('a[href="/namespaces/orders-prod"]');
      expect(textOf(link)).toBe('orders-prod');
      // No longer under the proxy it had.
      const before = rows(doc, 'proxy').find((tr) =>
        textOf(tr.querySelector('td')).startsWith(`${saved} `),
      );
      expect(before?.querySelector('a[href="/namespaces/orders-prod"]')).toBeNull();
    } finally {
      namespace.assignedProxy = saved;
      state.proxies.delete(proxy.id);
    }
  });

  it('is readable by a viewer', async () => {
    const viewer = await stack.signIn('viewer');
    const res = await viewer.inject({ url: '/cluster' });
    expect(res.statusCode).toBe(200);
    const doc = parseHtml(res.body);
    expect(textOf(doc.querySelector('[data-testid="leader"]'))).not.toBe('');
    expect(doc.querySelectorAll('[data-testid="unavailable"]')).toHaveLength(0);
  });

  it('highlights a proxy whose heartbeat is stale, with the word and not colour alone', async () => {
    const state = stack.controlPlane.state;
    const proxy = create(ProxySchema, {
      id: 'zz-stale-proxy',
      address: '10.9.9.9:8980',
      status: ComponentStatus.UP,
      lastHeartbeatTime: timestampFromDate(new Date(Date.now() - 5 * 60_000)),
      registerTime: timestampFromDate(new Date(Date.now() - 86_400_000)),
      capacity: 200,
    });
    state.proxies.set(proxy.id, proxy);
    try {
      const doc = parseHtml((await stack.admin.inject({ url: '/cluster' })).body);
      const row = rows(doc, 'proxy').find((tr) => textOf(tr).includes('zz-stale-proxy'));
      expect(row?.getAttribute('data-stale')).toBe('true');
      expect(row?.className).toContain('bg-amber-50');
      expect(textOf(row)).toContain('5m ago');
      expect(textOf(row)).toContain('stale');
    } finally {
      state.proxies.delete(proxy.id);
    }
  });

  it('shows a member that is behind or unreachable', async () => {
    const raft = stack.controlPlane.state.raft;
    const saved = raft.members.map((m) => ({ healthy: m.healthy, matchIndex: m.matchIndex }));
    const [, second, third] = raft.members;
    if (!second || !third) throw new Error('the demo has three members');
    second.healthy = false;
    third.matchIndex = raft.commitIndex - 5_000n;
    try {
      const doc = parseHtml((await stack.admin.inject({ url: '/cluster' })).body);
      const find = (id: string) => rows(doc, 'raft-member').find((tr) => textOf(tr).includes(id));
      expect(find(second.id)?.getAttribute('data-attention')).toBe('true');
      expect(textOf(find(second.id))).toContain('unreachable');
      expect(find(third.id)?.getAttribute('data-attention')).toBe('true');
      expect(textOf(find(third.id))).toContain('behind');
      expect(textOf(find(third.id))).toContain('5,000 entries');
    } finally {
      raft.members.forEach((m, i) => {
        Object.assign(m, saved[i]);
      });
    }
  });

  it('reads every page of pattern assignments', async () => {
    const patterns = stack.controlPlane.state.patterns;
    const namespace = [...patterns.values()][0]?.namespace ?? '';
    const added = Array.from({ length: 520 }, (_, i) =>
      create(PatternAssignmentSchema, {
        id: `zz-extra-${String(i).padStart(3, '0')}`,
        namespace,
        pattern: AccessPattern.QUEUE,
        launcherId: 'launcher-use1-a',
        status: ComponentStatus.UP,
      }),
    );
    for (const p of added) patterns.set(p.id, p);
    try {
      const doc = parseHtml((await stack.admin.inject({ url: '/cluster' })).body);
      // More than one page of 500: all are shown, and no "showing the first" note.
      expect(rows(doc, 'pattern')).toHaveLength(patterns.size);
      expect(textOf(doc.querySelector('[data-testid="patterns"]'))).not.toContain('Showing');
    } finally {
      for (const p of added) patterns.delete(p.id);
    }
  });

  it('shows a failed call in its own section and the rest as usual', async () => {
    // ListPatterns alone fails, at the demo control plane.
    stack.controlPlane.faults.unavailableMethods.add('ListPatterns');
    try {
      const res = await stack.admin.inject({ url: '/cluster' });
      expect(res.statusCode).toBe(200);
      const doc = parseHtml(res.body);
      expect(textOf(doc.querySelector('[data-testid="patterns"]'))).toContain('Unavailable');
      for (const testId of ['raft', 'proxies', 'launchers']) {
        expect(textOf(doc.querySelector(`[data-testid="${testId}"]`)), testId).not.toContain(
          'Unavailable',
        );
      }
      expect(rows(doc, 'launcher').length).toBeGreaterThan(0);
      // Launchers are shown; which namespaces they run is what is missing.
      expect(textOf(rows(doc, 'launcher')[0])).toContain('unavailable');
    } finally {
      stack.controlPlane.faults.unavailableMethods.clear();
    }
  });
});
