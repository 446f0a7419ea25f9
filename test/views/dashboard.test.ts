import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { BackendHealth, BackendSchema } from '../../src/gen/prism/admin/v1/backend_pb.js';
import {
  GetClusterStatusResponseSchema,
  RaftRole,
} from '../../src/gen/prism/admin/v1/cluster_pb.js';
import {
  backendBadges,
  backendHealthInfo,
  clusterCard,
  raftRoleName,
} from '../../src/views/dashboard.js';

/** A value a newer control plane may send: protobuf-es hands it over as a plain number. */
const newer = <E extends number>(value: number) => value as E;

describe('dashboard enum mappers are total', () => {
  it('shows an unknown backend health on its own badge and maps the rest as usual', () => {
    const badges = backendBadges([
      create(BackendSchema, { name: 'pg-main', type: 'postgres', health: BackendHealth.HEALTHY }),
      create(BackendSchema, { name: 'kafka', type: 'kafka', health: newer<BackendHealth>(9) }),
      create(BackendSchema, { name: 'redis', type: 'redis', health: BackendHealth.DEGRADED }),
    ]);
    expect(badges.map((b) => [b.name, b.health, b.tone])).toEqual([
      ['pg-main', 'healthy', 'green'],
      ['kafka', 'Unknown (9)', 'slate'],
      ['redis', 'degraded', 'amber'],
    ]);
  });

  it('keeps the known labels', () => {
    expect(backendHealthInfo(BackendHealth.UNSPECIFIED)).toEqual({
      label: 'unknown',
      tone: 'slate',
    });
    expect(backendHealthInfo(BackendHealth.UNHEALTHY)).toEqual({ label: 'unhealthy', tone: 'red' });
    expect(raftRoleName(RaftRole.LEADER)).toBe('leader');
    expect(raftRoleName(RaftRole.UNSPECIFIED)).toBe('unknown');
  });

  it('shows an unknown Raft role as such, and the other members as usual', () => {
    const card = clusterCard(
      create(GetClusterStatusResponseSchema, {
        leaderId: 'n1',
        members: [
          { id: 'n1', address: 'a:1', role: RaftRole.LEADER, healthy: true },
          { id: 'n2', address: 'a:2', role: newer<RaftRole>(7), healthy: true },
        ],
      }),
    );
    expect(card.members.map((m) => m.role)).toEqual(['leader', 'Unknown (7)']);
  });

  it('never fails for any number a newer control plane could send', () => {
    for (const value of [-1, 5, 9, 100, 2 ** 31 - 1, -(2 ** 31)]) {
      expect(backendHealthInfo(newer<BackendHealth>(value)).label).toBe(`Unknown (${value})`);
      expect(raftRoleName(newer<RaftRole>(value))).toBe(`Unknown (${value})`);
    }
  });
});
