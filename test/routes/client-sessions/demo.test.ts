import { timestampMs } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrainManager } from '../../../src/dev/control-plane/drain.js';
import { Random } from '../../../src/dev/control-plane/random.js';
import { IDLE_PRONE_NAMESPACE, seedState } from '../../../src/dev/control-plane/seed.js';
import { Simulator } from '../../../src/dev/control-plane/simulator.js';
import { ControlPlaneState } from '../../../src/dev/control-plane/state.js';
import { BackendHealth } from '../../../src/gen/prism/admin/v1/backend_pb.js';
import { SessionStatus } from '../../../src/gen/prism/admin/v1/client_session_pb.js';
import { ComponentStatus } from '../../../src/gen/prism/admin/v1/cluster_pb.js';
import { BEHIND_AFTER_ENTRIES, STALE_AFTER_SECONDS } from '../../../src/views/cluster/status.js';
import {
  failure,
  type Harness,
  startHarness,
  violatedFields,
} from '../../dev/control-plane/harness.js';

/*
 * What the demo control plane shows an on-call operator, and the contract of ListClientSessions
 * the sessions pages rely on: filter, idle time, order and counts per status.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

describe('the demo seed', () => {
  it('has idle sessions to terminate, a lagging Raft member, a degraded backend and a stale proxy', () => {
    const state = h.cp.state;
    const now = state.now().getTime();
    const idle = [...state.clientSessions.values()].filter(
      (s) => s.namespace === IDLE_PRONE_NAMESPACE && s.status === SessionStatus.IDLE,
    );
    expect(idle.length).toBeGreaterThanOrEqual(10);

    const lagging = state.raft.members.filter(
      (m) => m.healthy && state.raft.commitIndex - m.matchIndex > BEHIND_AFTER_ENTRIES,
    );
    expect(lagging).toHaveLength(1);
    const contact = lagging[0]?.lastContactTime;
    expect(now - (contact ? timestampMs(contact) : 0)).toBeGreaterThan(15_000);

    expect([...state.backends.values()].some((b) => b.health === BackendHealth.DEGRADED)).toBe(
      true,
    );
    const stale = [...state.proxies.values()].filter((p) => {
      const beat = p.lastHeartbeatTime ? timestampMs(p.lastHeartbeatTime) : 0;
      return now - beat > STALE_AFTER_SECONDS * 1000;
    });
    expect(stale.map((p) => p.status)).toContain(ComponentStatus.DOWN);
  });

  it('keeps it so while the simulator runs: sessions change status and arrive, the lag stays', () => {
    let clock = Date.now();
    const state = new ControlPlaneState(() => new Date(clock));
    seedState(state, 42);
    const simulator = new Simulator(state, new DrainManager(state, new Random(43)), {
      tickMs: 1000,
      seed: 42,
    });
    const before = new Map([...state.clientSessions.values()].map((s) => [s.id, s.status]));
    const seen = new Set<string>();
    for (let i = 0; i < 120; i++) {
      clock += 1000;
      simulator.tick();
      for (const s of state.clientSessions.values()) {
        const was = before.get(s.id);
        if (was === undefined) seen.add('arrived');
        else if (was !== s.status) seen.add(`${SessionStatus[was]}→${SessionStatus[s.status]}`);
      }
    }
    expect(seen).toContain('arrived');
    expect(seen).toContain('ACTIVE→IDLE');
    expect([...seen].some((change) => change.endsWith('→TERMINATED'))).toBe(true);
    const lagging = state.raft.members.find((m) => state.laggingMembers.has(m.id));
    expect(state.raft.commitIndex - (lagging?.matchIndex ?? 0n)).toBeGreaterThan(
      BEHIND_AFTER_ENTRIES,
    );
    // A write through the API does not bring it up to date either.
    state.commitRaft();
    expect(state.raft.commitIndex - (lagging?.matchIndex ?? 0n)).toBeGreaterThan(
      BEHIND_AFTER_ENTRIES,
    );
    const idle = [...state.clientSessions.values()].filter(
      (s) => s.namespace === IDLE_PRONE_NAMESPACE && s.status === SessionStatus.IDLE,
    );
    expect(idle.length).toBeGreaterThanOrEqual(3);
  });
});

describe('ListClientSessions', () => {
  it('filters by client id or address, case-insensitively, and counts per status ignoring the status filter', async () => {
    const sessions = [...h.cp.state.clientSessions.values()];
    const sample = sessions[0];
    if (!sample) throw new Error('seeded');
    const needle = sample.clientAddress.split(':')[0] ?? '';
    const all = await h.client.listClientSessions({ filter: needle, pageSize: 500 });
    expect(all.clientSessions.map((s) => s.id)).toContain(sample.id);
    const byId = await h.client.listClientSessions({
      filter: sample.clientId.toUpperCase(),
      status: SessionStatus.IDLE,
    });
    const matching = sessions.filter((s) => s.clientId === sample.clientId);
    const total = byId.statusCounts.reduce((sum, c) => sum + c.count, 0);
    expect(total).toBe(matching.length);
    expect(byId.totalSize).toBe(matching.filter((s) => s.status === SessionStatus.IDLE).length);
  });

  it('orders by last activity, requests and bytes, and refuses an unknown order or a negative idle time', async () => {
    const list = async (orderBy: string) =>
      (await h.client.listClientSessions({ orderBy, pageSize: 500 })).clientSessions;
    const requests = (await list('request_count desc')).map((s) => s.metrics?.requestCount ?? 0n);
    expect(requests).toEqual([...requests].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
    const activity = (await list('last_activity_time')).map((s) =>
      s.lastActivityTime ? timestampMs(s.lastActivityTime) : 0,
    );
    expect(activity).toEqual([...activity].sort((a, b) => a - b));
    const bytes = (await list('bytes')).map(
      (s) => (s.metrics?.bytesIn ?? 0n) + (s.metrics?.bytesOut ?? 0n),
    );
    expect(bytes).toEqual([...bytes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

    const refused = await failure(
      h.client.listClientSessions({
        orderBy: 'rps desc',
        idleLongerThan: { seconds: -5n, nanos: 0 },
      }),
    );
    expect(refused.code).toBe(Code.InvalidArgument);
    expect(violatedFields(refused).sort()).toEqual(['idle_longer_than', 'order_by']);
  });

  it('keeps sessions idle longer than asked', async () => {
    const now = h.cp.state.now().getTime();
    const { clientSessions } = await h.client.listClientSessions({
      idleLongerThan: { seconds: 600n, nanos: 0 },
      pageSize: 500,
    });
    expect(clientSessions.length).toBeGreaterThan(0);
    for (const s of clientSessions) {
      expect(now - (s.lastActivityTime ? timestampMs(s.lastActivityTime) : 0)).toBeGreaterThan(
        600_000,
      );
    }
  });
});
