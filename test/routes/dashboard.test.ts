import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackendHealth, BackendSchema } from '../../src/gen/prism/admin/v1/backend_pb.js';
import {
  ComponentStatus,
  RaftMemberSchema,
  type RaftRole,
} from '../../src/gen/prism/admin/v1/cluster_pb.js';
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

describe('GET / (dashboard)', () => {
  it('shows the Raft leader and members, proxies, launchers, backends and counts', async () => {
    const cp = directClient(stack.controlPlane.url, stack.admin.accessToken);
    const [cluster, proxies, launchers, backends, namespaces, sessions] = await Promise.all([
      cp.getClusterStatus({}),
      cp.listProxies({}),
      cp.listLaunchers({}),
      cp.listBackends({ pageSize: 100 }),
      cp.listNamespaces({ pageSize: 1 }),
      cp.listClientSessions({ pageSize: 1 }),
    ]);

    const res = await stack.admin.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const doc = parseHtml(res.body);
    expect(doc.title).toBe('Dashboard · Prism Console');

    const raft = doc.querySelector('[data-testid="raft"]');
    expect(textOf(raft)).toContain(`Leader ${cluster.leaderId}, term ${cluster.term}`);
    expect(raft?.querySelectorAll('tbody tr')).toHaveLength(cluster.members.length);

    const up = (list: { status: ComponentStatus }[]) =>
      list.filter((c) => c.status === ComponentStatus.UP).length;
    expect(textOf(doc.querySelector('[data-testid="proxies"]'))).toContain(
      `${up(proxies.proxies)}/${proxies.proxies.length}`,
    );
    expect(textOf(doc.querySelector('[data-testid="launchers"]'))).toContain(
      `${up(launchers.launchers)}/${launchers.launchers.length}`,
    );
    expect(textOf(doc.querySelector('[data-testid="namespaces"]'))).toContain(
      String(namespaces.totalSize),
    );
    expect(textOf(doc.querySelector('[data-testid="sessions"]'))).toContain(
      sessions.totalSize.toLocaleString('en-US'),
    );
    const backendItems = doc.querySelectorAll('[data-testid="backends"] li');
    expect(backendItems).toHaveLength(backends.backends.length);
    expect(textOf(doc.querySelector('[data-testid="backends"]'))).toMatch(/degraded/);
    expect(doc.querySelector('[data-testid="maintenance-mode-banner"]')).toBeNull();
  });

  it('shows the maintenance banner while maintenance mode is on', async () => {
    const cp = directClient(stack.controlPlane.url, stack.admin.accessToken);
    await cp.setMaintenanceMode({
      enabled: true,
      message: 'Upgrading <b>storage</b>',
      requestId: crypto.randomUUID(),
      reason: 'test',
    });
    try {
      // Changed at the control plane, not through this console: the dashboard reads it afresh
      // (its banner shows at once, not when this replica's cache expires).
      const doc = parseHtml((await stack.admin.inject({ url: '/' })).body);
      const banner = doc.querySelector('[data-testid="maintenance-mode-banner"]');
      expect(textOf(banner)).toContain('Maintenance mode is on');
      // The message is the control plane's text, shown as text.
      expect(textOf(banner)).toContain('Upgrading <b>storage</b>');
      expect(banner?.querySelector('b')).toBeNull();
      // The banner is a live region of its own: its update (stream or poll) brings it too.
      const update = await stack.admin.inject({
        url: '/',
        headers: { 'hx-request': 'true', 'hx-target': 'maintenance-banner' },
      });
      const live = parseHtml(update.body).querySelector('#maintenance-banner');
      expect(live?.getAttribute('sse-swap')).toBe('maintenance-banner');
      expect(textOf(live)).toContain('Upgrading <b>storage</b>');
    } finally {
      await cp.setMaintenanceMode({
        enabled: false,
        requestId: crypto.randomUUID(),
        reason: 'test',
      });
    }
  });

  it('shows a backend health and a Raft role it does not know, and the rest of each card', async () => {
    // What a newer control plane may send: values this console was built without.
    const state = stack.controlPlane.state;
    const backend = create(BackendSchema, {
      name: 'zz-newer-backend',
      type: 'quantum',
      health: 9 as BackendHealth,
      healthMessage: 'from a newer control plane',
    });
    const member = create(RaftMemberSchema, {
      id: 'zz-newer-member',
      address: '10.0.0.99:7000',
      role: 7 as RaftRole,
      healthy: true,
    });
    state.backends.set(backend.name, backend);
    state.raft.members.push(member);
    try {
      const res = await stack.admin.inject({ url: '/' });
      expect(res.statusCode).toBe(200);
      const doc = parseHtml(res.body);
      const backends = doc.querySelector('[data-testid="backends"]');
      expect(textOf(backends)).not.toContain('Unavailable');
      expect(backends?.querySelectorAll('li')).toHaveLength(state.backends.size);
      const newer = [...(backends?.querySelectorAll('li') ?? [])].find((li) =>
        textOf(li).includes('zz-newer-backend'),
      );
      expect(textOf(newer)).toContain('Unknown (9)');
      expect(textOf(backends)).toMatch(/degraded/);

      const raft = doc.querySelector('[data-testid="raft"]');
      expect(textOf(raft)).not.toContain('Unavailable');
      expect(raft?.querySelectorAll('tbody tr')).toHaveLength(state.raft.members.length);
      const row = [...(raft?.querySelectorAll('tbody tr') ?? [])].find((tr) =>
        textOf(tr).includes('zz-newer-member'),
      );
      expect(textOf(row)).toContain('Unknown (7)');
    } finally {
      state.backends.delete(backend.name);
      state.raft.members.splice(state.raft.members.indexOf(member), 1);
    }
  });

  it('answers the live update with the dashboard fragment only, live itself', async () => {
    const res = await stack.admin.inject({
      url: '/',
      headers: { 'hx-request': 'true', 'hx-target': 'dashboard' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body.startsWith('<div id="dashboard"')).toBe(true);
    // Replaced by the stream's "dashboard" event, or fetched by live-poll; no timer of its own.
    const region = parseHtml(res.body).getElementById('dashboard');
    expect(region?.getAttribute('sse-swap')).toBe('dashboard');
    expect(region?.getAttribute('hx-trigger')).toBe('live-poll');
    expect(res.body).not.toContain('every 10s');
    expect(res.body).not.toContain('<html');
    expect(res.headers.vary).toContain('HX-Request');
  });

  it('stays up and says so when the control plane is down, then recovers', async () => {
    await stack.controlPlane.stop();
    try {
      const res = await stack.admin.inject({ url: '/' });
      expect(res.statusCode).toBe(200);
      const doc = parseHtml(res.body);
      expect(textOf(doc.querySelector('[data-testid="error"]'))).toContain(
        'Control plane unreachable',
      );
      expect(textOf(doc.querySelector('[data-testid="proxies"]'))).toContain(
        'Unavailable: unreachable',
      );
    } finally {
      await stack.controlPlane.start();
    }
    const doc = parseHtml((await stack.admin.inject({ url: '/' })).body);
    expect(doc.querySelector('[data-testid="error"]')).toBeNull();
    expect(textOf(doc.querySelector('[data-testid="raft"]'))).toContain('Leader');
  });
});
