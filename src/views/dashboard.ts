import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { BadgeTone } from '../../components/ui/Badge.js';
import { type Backend, BackendHealth } from '../gen/prism/admin/v1/backend_pb.js';
import {
  ComponentStatus,
  type GetClusterStatusResponse,
  type Launcher,
  type Proxy as ProxyRegistration,
  RaftRole,
} from '../gen/prism/admin/v1/cluster_pb.js';
import type { MaintenanceStatus } from '../gen/prism/admin/v1/operations_pb.js';
import { fromEnumMap, unknownEnumLabel } from './enums.js';
import { formatAgo, formatTime } from './format.js';

/** A dashboard card's data, or why it could not be had: one failed call spoils one card only. */
export type Part<T> = { ok: true; value: T } | { ok: false; error: string };

export interface RaftMemberRow {
  id: string;
  address: string;
  role: string;
  leader: boolean;
  healthy: boolean;
  lastContact: string;
}

export interface ClusterCard {
  leaderId: string | undefined;
  term: string;
  commitIndex: string;
  appliedIndex: string;
  members: RaftMemberRow[];
}

export interface UpTotal {
  up: number;
  total: number;
}

export interface BackendBadge {
  name: string;
  type: string;
  health: string;
  tone: BadgeTone;
  message: string;
}

export interface MaintenanceBanner {
  enabled: boolean;
  message: string;
  enabledBy: string;
  until: string | undefined;
}

export interface DashboardView {
  cluster: Part<ClusterCard>;
  proxies: Part<UpTotal>;
  launchers: Part<UpTotal>;
  backends: Part<BackendBadge[]>;
  namespaces: Part<{ total: number }>;
  sessions: Part<{ total: number; active: number }>;
  maintenance: Part<MaintenanceBanner>;
  /** Set when every call failed for want of the control plane: nothing on the page is current. */
  controlPlaneProblem: 'unreachable' | 'slow' | undefined;
}

const roleNames: Record<RaftRole, string> = {
  [RaftRole.UNSPECIFIED]: 'unknown',
  [RaftRole.LEADER]: 'leader',
  [RaftRole.FOLLOWER]: 'follower',
  [RaftRole.CANDIDATE]: 'candidate',
  [RaftRole.LEARNER]: 'learner',
};

/** A member's role; one this console does not know (a newer control plane's) reads "Unknown (7)". */
export function raftRoleName(role: RaftRole): string {
  return fromEnumMap(roleNames, role, unknownEnumLabel);
}

export function clusterCard(status: GetClusterStatusResponse, now = new Date()): ClusterCard {
  return {
    leaderId: status.leaderId || undefined,
    term: status.term.toString(),
    commitIndex: status.commitIndex.toString(),
    appliedIndex: status.appliedIndex.toString(),
    members: status.members.map((m) => ({
      id: m.id,
      address: m.address,
      role: raftRoleName(m.role),
      leader: m.id === status.leaderId,
      healthy: m.healthy,
      lastContact: formatAgo(m.lastContactTime, now),
    })),
  };
}

export function upTotal(components: readonly (ProxyRegistration | Launcher)[]): UpTotal {
  return {
    up: components.filter((c) => c.status === ComponentStatus.UP).length,
    total: components.length,
  };
}

export const backendHealth: Record<BackendHealth, { label: string; tone: BadgeTone }> = {
  [BackendHealth.UNSPECIFIED]: { label: 'unknown', tone: 'slate' },
  [BackendHealth.HEALTHY]: { label: 'healthy', tone: 'green' },
  [BackendHealth.DEGRADED]: { label: 'degraded', tone: 'amber' },
  [BackendHealth.UNHEALTHY]: { label: 'unhealthy', tone: 'red' },
};

/**
 * A backend's health as shown; one this console does not know reads "Unknown (9)" on its own
 * badge, and the rest of the card is shown as usual.
 */
export function backendHealthInfo(health: BackendHealth): { label: string; tone: BadgeTone } {
  return fromEnumMap(backendHealth, health, (value) => ({
    label: unknownEnumLabel(value),
    tone: 'slate',
  }));
}

export function backendBadges(backends: readonly Backend[]): BackendBadge[] {
  return backends.map((b) => {
    const health = backendHealthInfo(b.health);
    return {
      name: b.name,
      type: b.type,
      health: health.label,
      tone: health.tone,
      message: b.healthMessage,
    };
  });
}

export function maintenanceBanner(status: MaintenanceStatus | undefined): MaintenanceBanner {
  return {
    enabled: status?.enabled ?? false,
    message: status?.message ?? '',
    enabledBy: status?.enabledBy ?? '',
    // An unset end (no timestamp, the epoch, Go's zero time) is no end; formatTime is total.
    until:
      status?.scheduledEndTime && timestampDate(status.scheduledEndTime).getTime() > 0
        ? formatTime(status.scheduledEndTime)
        : undefined,
  };
}
