import { toJsonString } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane } from '../../../src/dev/control-plane/index.js';
import { BackendHealth } from '../../../src/gen/prism/admin/v1/backend_pb.js';
import { SessionStatus } from '../../../src/gen/prism/admin/v1/client_session_pb.js';
import { ComponentStatus, RaftRole } from '../../../src/gen/prism/admin/v1/cluster_pb.js';
import { NamespaceSchema, NamespaceStatus } from '../../../src/gen/prism/admin/v1/namespace_pb.js';
import { expectCode, failure, type Harness, startHarness, violatedFields } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('seed data', () => {
  it('has a 3-node Raft group with one leader', async () => {
    const status = await h.client.getClusterStatus({});
    expect(status.members).toHaveLength(3);
    const leaders = status.members.filter((m) => m.role === RaftRole.LEADER);
    expect(leaders.map((m) => m.id)).toEqual([status.leaderId]);
    expect(status.term).toBeGreaterThan(0n);
    expect(status.commitIndex).toBeGreaterThanOrEqual(status.appliedIndex);
    expect(status.appliedIndex).toBeGreaterThan(0n);
    expect(status.members.every((m) => m.healthy && m.lastContactTime !== undefined)).toBe(true);
  });

  it('has proxies, launchers with heartbeats and capacity, and pattern assignments', async () => {
    const { proxies } = await h.client.listProxies({});
    expect(proxies.length).toBeGreaterThanOrEqual(3);
    expect(proxies.every((p) => p.lastHeartbeatTime && p.capacity > 0)).toBe(true);
    const up = proxies.filter((p) => p.status === ComponentStatus.UP);
    expect(up.length).toBeGreaterThanOrEqual(3);
    expect(up.every((p) => p.partitions.length > 0)).toBe(true);
    const { launchers } = await h.client.listLaunchers({});
    expect(launchers.length).toBeGreaterThanOrEqual(2);
    expect(launchers.every((l) => l.lastHeartbeatTime && l.maxProcesses > 0)).toBe(true);
    const patterns = await h.client.listPatterns({ pageSize: 500 });
    expect(patterns.totalSize).toBeGreaterThan(0);
    // A launcher's process count is the number of patterns assigned to it.
    for (const launcher of launchers) {
      const mine = patterns.patterns.filter((p) => p.launcherId === launcher.id);
      expect(launcher.processCount).toBe(mine.length);
    }
  });

  it('has at least 40 realistic namespaces with mixed statuses and full fields', async () => {
    const { namespaces, totalSize } = await h.client.listNamespaces({ pageSize: 500 });
    expect(totalSize).toBeGreaterThanOrEqual(40);
    expect(namespaces.map((n) => n.name)).toEqual(
      expect.arrayContaining(['orders-prod', 'payments-ledger', 'user-profiles']),
    );
    const statuses = new Set(namespaces.map((n) => n.status));
    expect(statuses).toEqual(
      new Set([NamespaceStatus.ACTIVE, NamespaceStatus.READ_ONLY, NamespaceStatus.SUSPENDED]),
    );
    for (const ns of namespaces) {
      expect(ns.description).not.toBe('');
      expect(ns.quota).toBeDefined();
      expect(ns.createTime).toBeDefined();
      expect(ns.createdBy).not.toBe('');
      expect(ns.version).toBeGreaterThanOrEqual(1n);
      expect(ns.assignedProxy).toMatch(/^proxy-/);
    }
    expect(namespaces.some((n) => Object.keys(n.config).length > 0)).toBe(true);
  });

  it('has at least 200 client sessions with mixed statuses, counted per namespace', async () => {
    const { totalSize, clientSessions } = await h.client.listClientSessions({ pageSize: 500 });
    expect(totalSize).toBeGreaterThanOrEqual(200);
    const statuses = new Set(clientSessions.map((s) => s.status));
    for (const status of [SessionStatus.ACTIVE, SessionStatus.IDLE, SessionStatus.TERMINATED]) {
      expect(statuses.has(status)).toBe(true);
    }
    const orders = clientSessions.filter(
      (s) => s.namespace === 'orders-prod' && s.status !== SessionStatus.TERMINATED,
    );
    const ns = await h.client.getNamespace({ name: 'orders-prod' });
    expect(ns.namespace?.metrics?.activeSessions).toBe(orders.length);
  });

  it('has at least 5 backends of different engines, one of them degraded', async () => {
    const { backends, totalSize } = await h.client.listBackends({});
    expect(totalSize).toBeGreaterThanOrEqual(5);
    expect(new Set(backends.map((b) => b.type))).toEqual(
      new Set(['redis', 'postgres', 'kafka', 'nats', 's3']),
    );
    expect(backends.some((b) => b.health === BackendHealth.DEGRADED)).toBe(true);
    for (const backend of backends) {
      expect(backend.instances.length).toBeGreaterThan(0);
      for (const i of backend.instances) {
        expect(i.pool?.max).toBeGreaterThan(0);
        expect(i.cpuPercent).toBeGreaterThan(0);
        expect(i.p99LatencyMs).toBeGreaterThanOrEqual(i.p50LatencyMs);
      }
    }
  });

  it('has client configurations, maintenance off and a few audit entries', async () => {
    const configs = await h.client.listClientConfigurations({});
    expect(configs.totalSize).toBeGreaterThan(0);
    const maintenance = await h.client.getMaintenanceStatus({});
    expect(maintenance.status?.enabled).toBe(false);
    expect(h.cp.state.auditLog.length).toBeGreaterThanOrEqual(3);
  });

  it('is deterministic for a seed and clock, and differs for another seed', async () => {
    const now = () => new Date('2030-01-01T00:00:00Z');
    const json = (cp: Awaited<ReturnType<typeof startControlPlane>>) =>
      [...cp.state.namespaces.values()].map((n) => toJsonString(NamespaceSchema, n)).join('\n');
    const a = await startControlPlane({ simulate: false, now, seed: 7 });
    const b = await startControlPlane({ simulate: false, now, seed: 7 });
    const c = await startControlPlane({ simulate: false, now, seed: 8 });
    try {
      expect(json(a)).toBe(json(b));
      expect(json(a)).not.toBe(json(c));
      expect([...a.state.clientSessions.keys()]).toEqual([...b.state.clientSessions.keys()]);
    } finally {
      await Promise.all([a.stop(), b.stop(), c.stop()]);
    }
  });
});

describe('ListNamespaces', () => {
  it('pages through every namespace with next and previous tokens', async () => {
    const all = [...h.cp.state.namespaces.keys()].sort();
    const seen: string[] = [];
    const pages: string[][] = [];
    let token = '';
    const tokens: string[] = [];
    do {
      const page = await h.client.listNamespaces({ pageSize: 7, pageToken: token });
      expect(page.totalSize).toBe(all.length);
      expect(page.namespaces.length).toBeLessThanOrEqual(7);
      if (token === '') expect(page.previousPageToken).toBe('');
      else expect(page.previousPageToken).not.toBe('');
      tokens.push(token);
      pages.push(page.namespaces.map((n) => n.name));
      seen.push(...page.namespaces.map((n) => n.name));
      token = page.nextPageToken;
    } while (token !== '');
    expect(seen).toEqual(all);
    expect(pages.length).toBe(Math.ceil(all.length / 7));

    // The previous token of page 3 gives page 2 again.
    const third = await h.client.listNamespaces({ pageSize: 7, pageToken: tokens[2] });
    const back = await h.client.listNamespaces({
      pageSize: 7,
      pageToken: third.previousPageToken,
    });
    expect(back.namespaces.map((n) => n.name)).toEqual(pages[1]);
  });

  it('defaults to 50 per page and caps the page size at 500', async () => {
    const total = h.cp.state.namespaces.size;
    const byDefault = await h.client.listNamespaces({});
    expect(byDefault.namespaces).toHaveLength(Math.min(50, total));
    const huge = await h.client.listNamespaces({ pageSize: 100_000 });
    expect(huge.namespaces).toHaveLength(total);
    expect(huge.nextPageToken).toBe('');
  });

  it('filters by a case-insensitive substring of name or description', async () => {
    const byName = await h.client.listNamespaces({ filter: 'PAYMENTS' });
    expect(byName.namespaces.map((n) => n.name).sort()).toEqual([
      'payments-gateway',
      'payments-ledger',
    ]);
    expect(byName.totalSize).toBe(2);
    const byDescription = await h.client.listNamespaces({ filter: 'warehouse' });
    const names = byDescription.namespaces.map((n) => n.name);
    expect(names).toContain('inventory-service'); // only its description says warehouse
    expect(names).toContain('warehouse-robotics');
    const none = await h.client.listNamespaces({ filter: 'no-such-thing-anywhere' });
    expect(none).toMatchObject({ namespaces: [], totalSize: 0, nextPageToken: '' });
  });

  it('filters by status', async () => {
    const suspended = await h.client.listNamespaces({ status: NamespaceStatus.SUSPENDED });
    const expected = [...h.cp.state.namespaces.values()].filter(
      (n) => n.status === NamespaceStatus.SUSPENDED,
    );
    expect(suspended.totalSize).toBe(expected.length);
    expect(suspended.totalSize).toBeGreaterThan(0);
    expect(suspended.namespaces.every((n) => n.status === NamespaceStatus.SUSPENDED)).toBe(true);
  });

  it('orders by name, status, create_time, active_sessions, rps and storage_used_bytes, ascending or descending', async () => {
    const list = async (orderBy: string) =>
      (await h.client.listNamespaces({ orderBy, pageSize: 500 })).namespaces;
    const names = (await list('name desc')).map((n) => n.name);
    expect(names).toEqual([...names].sort().reverse());
    const sessions = (await list('active_sessions desc')).map(
      (n) => n.metrics?.activeSessions ?? 0,
    );
    expect(sessions).toEqual([...sessions].sort((a, b) => b - a));
    expect(sessions[0]).toBeGreaterThan(sessions[sessions.length - 1] ?? 0);
    const created = (await list('create_time')).map((n) => Number(n.createTime?.seconds));
    expect(created).toEqual([...created].sort((a, b) => a - b));
    const statuses = (await list('status')).map((n) => n.status);
    expect(statuses).toEqual([...statuses].sort((a, b) => a - b));
    const rps = (await list('rps desc')).map((n) => n.metrics?.rps ?? 0);
    expect(rps).toEqual([...rps].sort((a, b) => b - a));
    const storage = (await list('storage_used_bytes')).map((n) =>
      Number(n.metrics?.storageUsedBytes ?? 0n),
    );
    expect(storage).toEqual([...storage].sort((a, b) => a - b));
  });

  it('refuses an unknown order, a negative page size and foreign or broken page tokens', async () => {
    expect(violatedFields(await failure(h.client.listNamespaces({ orderBy: 'latency' })))).toEqual([
      'order_by',
    ]);
    expect(
      violatedFields(await failure(h.client.listNamespaces({ orderBy: 'name sideways' }))),
    ).toEqual(['order_by']);
    expect(violatedFields(await failure(h.client.listNamespaces({ pageSize: -1 })))).toEqual([
      'page_size',
    ]);
    expect(
      violatedFields(await failure(h.client.listNamespaces({ pageToken: 'not-a-token' }))),
    ).toEqual(['page_token']);
    const first = await h.client.listNamespaces({ pageSize: 5, filter: 'e' });
    expect(first.nextPageToken).not.toBe('');
    // Same token, different query: refused rather than silently skipping items.
    const foreign = await failure(
      h.client.listNamespaces({ pageSize: 5, filter: 'o', pageToken: first.nextPageToken }),
    );
    expect(violatedFields(foreign)).toEqual(['page_token']);
    // A different page size with the same query is fine.
    const next = await h.client.listNamespaces({
      pageSize: 3,
      filter: 'e',
      pageToken: first.nextPageToken,
    });
    expect(next.namespaces).toHaveLength(3);
  });
});

describe('reads', () => {
  it('GetNamespace answers NOT_FOUND for an unknown name', async () => {
    const err = await failure(h.client.getNamespace({ name: 'does-not-exist' }));
    expectCode(err, Code.NotFound);
    expect(err.rawMessage).toContain('does-not-exist');
  });

  it('lists client sessions by namespace and status, newest first, in pages', async () => {
    const all = await h.client.listClientSessions({ namespace: 'orders-prod', pageSize: 500 });
    expect(all.totalSize).toBeGreaterThan(0);
    expect(all.clientSessions.every((s) => s.namespace === 'orders-prod')).toBe(true);
    const starts = all.clientSessions.map((s) => Number(s.startTime?.seconds));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    const active = await h.client.listClientSessions({ status: SessionStatus.ACTIVE, pageSize: 3 });
    expect(active.clientSessions).toHaveLength(3);
    expect(active.clientSessions.every((s) => s.status === SessionStatus.ACTIVE)).toBe(true);
    const second = await h.client.listClientSessions({
      status: SessionStatus.ACTIVE,
      pageSize: 3,
      pageToken: active.nextPageToken,
    });
    expect(second.clientSessions.map((s) => s.id)).not.toContain(active.clientSessions[0]?.id);
    const foreign = await failure(
      h.client.listClientSessions({ status: SessionStatus.IDLE, pageToken: active.nextPageToken }),
    );
    expect(violatedFields(foreign)).toEqual(['page_token']);
    const session = all.clientSessions[0];
    const got = await h.client.getClientSession({ id: session?.id ?? '' });
    expect(got.clientSession?.clientId).toBe(session?.clientId);
    expectCode(await failure(h.client.getClientSession({ id: 'sess-nope' })), Code.NotFound);
  });

  it('pages backends and patterns, filters patterns, and finds one backend', async () => {
    const first = await h.client.listBackends({ pageSize: 2 });
    expect(first.backends).toHaveLength(2);
    const rest = await h.client.listBackends({ pageSize: 100, pageToken: first.nextPageToken });
    expect(first.backends.length + rest.backends.length).toBe(first.totalSize);
    const status = await h.client.getBackendStatus({ name: 'redis-cache' });
    expect(status.backend?.type).toBe('redis');
    expectCode(await failure(h.client.getBackendStatus({ name: 'oracle' })), Code.NotFound);

    const patterns = await h.client.listPatterns({ namespace: 'orders-prod' });
    expect(patterns.totalSize).toBeGreaterThan(0);
    expect(patterns.patterns.every((p) => p.namespace === 'orders-prod')).toBe(true);
    const launcherId = patterns.patterns[0]?.launcherId ?? '';
    const byLauncher = await h.client.listPatterns({ launcherId, pageSize: 500 });
    expect(byLauncher.patterns.every((p) => p.launcherId === launcherId)).toBe(true);
  });

  it('GetMetrics returns short series for the cluster, a namespace and a backend', async () => {
    const cluster = await h.client.getMetrics({});
    expect(cluster.series.map((s) => s.name).sort()).toEqual([
      'active_sessions',
      'p99_latency_ms',
      'rps',
      'storage_used_bytes',
    ]);
    for (const series of cluster.series) expect(series.points.length).toBeGreaterThan(10);

    const ns = await h.client.getMetrics({ resource: 'namespaces/orders-prod', names: ['rps'] });
    expect(ns.series).toHaveLength(1);
    expect(ns.series[0]?.unit).toBe('requests/s');
    const times = ns.series[0]?.points.map((p) => Number(p.time?.seconds)) ?? [];
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const last = ns.series[0]?.points.at(-1)?.value;
    expect(last).toBe(h.cp.state.namespaces.get('orders-prod')?.metrics?.rps);

    const short = await h.client.getMetrics({
      resource: 'namespaces/orders-prod',
      names: ['rps'],
      window: durationFromMs(60_000),
    });
    expect(short.series[0]?.points.length).toBeLessThan(ns.series[0]?.points.length ?? 0);
    expect(short.series[0]?.points.length).toBeGreaterThan(0);

    const backend = await h.client.getMetrics({ resource: 'backends/postgres-analytics' });
    expect(backend.series.map((s) => s.name)).toContain('cpu_percent');

    expectCode(await failure(h.client.getMetrics({ resource: 'namespaces/nope' })), Code.NotFound);
    expect(violatedFields(await failure(h.client.getMetrics({ resource: 'pods/x' })))).toEqual([
      'resource',
    ]);
    expect(violatedFields(await failure(h.client.getMetrics({ names: ['bogus'] })))).toEqual([
      'names',
    ]);
  });
});
