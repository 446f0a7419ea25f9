import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import type { AccessPattern } from '../../src/gen/prism/admin/v1/client_configuration_pb.js';
import {
  ComponentStatus,
  GetClusterStatusResponseSchema,
  LauncherSchema,
  PatternAssignmentSchema,
  ProxySchema,
  RaftRole,
} from '../../src/gen/prism/admin/v1/cluster_pb.js';
import {
  accessPatternName,
  componentStatus,
  isStale,
  launcherRows,
  patternRows,
  proxyRows,
  raftSection,
  STALE_AFTER_SECONDS,
} from '../../src/views/cluster/status.js';

const now = new Date('2026-12-02T05:00:00Z');
const ago = (seconds: number) => timestampFromDate(new Date(now.getTime() - seconds * 1000));

describe('raftSection', () => {
  const status = create(GetClusterStatusResponseSchema, {
    leaderId: 'a',
    term: 7n,
    commitIndex: 1_000n,
    appliedIndex: 998n,
    members: [
      {
        id: 'a',
        role: RaftRole.LEADER,
        healthy: true,
        matchIndex: 1_000n,
        lastContactTime: ago(0),
      },
      {
        id: 'b',
        role: RaftRole.FOLLOWER,
        healthy: true,
        matchIndex: 998n,
        lastContactTime: ago(20),
      },
      { id: 'c', role: RaftRole.FOLLOWER, healthy: true, matchIndex: 500n },
      { id: 'd', role: RaftRole.FOLLOWER, healthy: false, matchIndex: 1_000n },
      { id: 'e', role: 9 as RaftRole, healthy: true, matchIndex: 1_001n },
    ],
  });
  const section = raftSection(status, now);

  it('shows the leader, term and indexes', () => {
    expect(section).toMatchObject({
      leaderId: 'a',
      term: '7',
      commitIndex: '1,000',
      appliedIndex: '998',
    });
    expect(section.members.map((m) => m.leader)).toEqual([true, false, false, false, false]);
  });

  it('derives the lag from the match index and marks members behind or unreachable', () => {
    const [a, b, c, d, e] = section.members;
    expect(a).toMatchObject({ lag: '0 entries', attention: false, state: { label: 'healthy' } });
    expect(b).toMatchObject({ lag: '2 entries', attention: false, lastContact: '20s ago' });
    expect(c).toMatchObject({ lag: '500 entries', attention: true });
    expect(c?.state).toEqual({ label: 'behind', tone: 'amber' });
    expect(c?.lastContact).toBe('never');
    expect(d?.state).toEqual({ label: 'unreachable', tone: 'red' });
    expect(d?.attention).toBe(true);
    // Ahead of the commit index is not a negative lag.
    expect(e?.lag).toBe('0 entries');
  });

  it('shows a role it does not know through the fallback', () => {
    expect(section.members[4]?.role).toBe('Unknown (9)');
  });

  it('has no leader during an election', () => {
    expect(raftSection(create(GetClusterStatusResponseSchema, {}), now).leaderId).toBeUndefined();
  });
});

describe('heartbeats', () => {
  it(`is stale after ${STALE_AFTER_SECONDS} s, or when never sent`, () => {
    expect(isStale(ago(STALE_AFTER_SECONDS), now)).toBe(false);
    expect(isStale(ago(STALE_AFTER_SECONDS + 1), now)).toBe(true);
    expect(isStale(undefined, now)).toBe(true);
    expect(isStale({ seconds: -62_135_596_800n, nanos: 0 } as never, now)).toBe(true);
    // A clock a little ahead is not stale.
    expect(isStale(ago(-3), now)).toBe(false);
  });

  it('maps proxies with load, age and staleness', () => {
    const [fresh, old] = proxyRows(
      [
        create(ProxySchema, {
          id: 'p0',
          status: ComponentStatus.UP,
          lastHeartbeatTime: ago(2),
          capacity: 200,
          namespaceCount: 12,
          partitions: [1, 2],
        }),
        create(ProxySchema, {
          id: 'p1',
          status: 7 as ComponentStatus,
          lastHeartbeatTime: ago(120),
          capacity: 200,
        }),
      ],
      now,
    );
    expect(fresh).toMatchObject({
      stale: false,
      age: 'just now',
      load: '12/200 namespaces',
      partitions: 2,
      status: { label: 'up', tone: 'green' },
    });
    expect(old).toMatchObject({ stale: true, age: '2m ago' });
    expect(old?.status).toEqual({ label: 'Unknown (7)', tone: 'slate' });
  });

  it("lists a proxy's namespaces sorted; a count without names is not shown as none", () => {
    const [named, empty, unnamed] = proxyRows(
      [
        create(ProxySchema, { id: 'p0', namespaceCount: 2, namespaces: ['orders', 'carts'] }),
        create(ProxySchema, { id: 'p1' }),
        create(ProxySchema, { id: 'p2', namespaceCount: 4 }),
      ],
      now,
    );
    expect(named?.namespaces).toEqual(['carts', 'orders']);
    expect(empty?.namespaces).toEqual([]);
    expect(unnamed?.namespaces).toBeUndefined();
  });

  it('maps launchers with their namespaces from the pattern assignments', () => {
    const launchers = [
      create(LauncherSchema, {
        id: 'l0',
        status: ComponentStatus.DRAINING,
        lastHeartbeatTime: ago(40),
        maxProcesses: 64,
        processCount: 3,
        capabilities: [1 as AccessPattern, 42 as AccessPattern],
      }),
    ];
    const patterns = [
      create(PatternAssignmentSchema, { namespace: 'b', launcherId: 'l0' }),
      create(PatternAssignmentSchema, { namespace: 'a', launcherId: 'l0' }),
      create(PatternAssignmentSchema, { namespace: 'a', launcherId: 'l0', pattern: 2 }),
      create(PatternAssignmentSchema, { namespace: 'c', launcherId: 'l1' }),
    ];
    const [row] = launcherRows(launchers, patterns, now);
    expect(row).toMatchObject({
      stale: true,
      load: '3/64 processes',
      capabilities: ['key-value', 'Unknown (42)'],
      namespaces: ['a', 'b'],
      status: { label: 'draining', tone: 'amber' },
    });
    expect(launcherRows(launchers, undefined, now)[0]?.namespaces).toBeUndefined();
  });
});

describe('patternRows and enums', () => {
  it('sorts by namespace and maps unknown values', () => {
    const rows = patternRows(
      [
        create(PatternAssignmentSchema, { namespace: 'z', pattern: 1, launcherId: 'l0' }),
        create(PatternAssignmentSchema, {
          namespace: 'a',
          pattern: 77 as AccessPattern,
          status: 5 as ComponentStatus,
          assignTime: ago(3600),
        }),
      ],
      now,
    );
    expect(rows.map((r) => r.namespace)).toEqual(['a', 'z']);
    expect(rows[0]).toMatchObject({
      pattern: 'Unknown (77)',
      status: { label: 'Unknown (5)' },
      assigned: '1h ago',
    });
    expect(accessPatternName(6 as AccessPattern)).toBe('object store');
    expect(componentStatus(ComponentStatus.DOWN)).toEqual({ label: 'down', tone: 'red' });
  });
});
