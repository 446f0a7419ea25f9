import type { BadgeTone } from '../../components/ui/Badge.js';
import { type Backend, BackendHealth } from '../gen/prism/admin/v1/backend_pb.js';
import {
  ComponentStatus,
  type GetClusterStatusResponse,
  type Launcher,
  type Proxy as ProxyRegistration,
  RaftRole,
} from '../gen/prism/admin/v1/cluster_pb.js';
import { anchorHref, trustedUrl, type Url } from '../html/url.js';
import { areaRoot } from '../routes/navigation.js';
import { routes } from '../routes/table.js';
import { BEHIND_AFTER_ENTRIES, isStale } from './cluster/status.js';
import { fromEnumMap, unknownEnumLabel } from './enums.js';
import { formatAgo } from './format.js';

/** A dashboard card's data, or why it could not be had: one failed call spoils one card only. */
export type Part<T> = { ok: true; value: T } | { ok: false; error: string };

export interface RaftMemberRow {
  id: string;
  address: string;
  role: string;
  leader: boolean;
  healthy: boolean;
  /** Reachable, but more than BEHIND_AFTER_ENTRIES entries behind the commit index. */
  behind: boolean;
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
  /** Registered and up, but the last heartbeat is older than the cluster page's threshold. */
  stale: number;
}

/**
 * How a card looks: `problem` (red) when something is down or failing, `warning` (amber) when
 * something needs a look; always with `text` saying what, never by colour alone.
 */
export interface CardState {
  tone: 'ok' | 'warning' | 'problem';
  /** `1 of 4 down`; undefined when all is well. */
  text: string | undefined;
}

export const OK: CardState = { tone: 'ok', text: undefined };

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Proxies or launchers: any not up is a problem; a stale heartbeat among the up ones, a warning. */
export function upTotalState(value: UpTotal): CardState {
  const down = value.total - value.up;
  if (down > 0) return { tone: 'problem', text: `${down} of ${value.total} not up` };
  if (value.stale > 0) {
    return { tone: 'warning', text: `${count(value.stale, 'heartbeat', 'heartbeats')} stale` };
  }
  return OK;
}

/** The Raft group: no leader or an unreachable member is a problem; one far behind, a warning. */
export function raftState(value: ClusterCard): CardState {
  if (!value.leaderId) return { tone: 'problem', text: 'No leader: election in progress' };
  const unreachable = value.members.filter((m) => !m.healthy).length;
  if (unreachable > 0) {
    return {
      tone: 'problem',
      text: `${count(unreachable, 'member', 'members')} unreachable`,
    };
  }
  const behind = value.members.filter((m) => m.behind).length;
  if (behind > 0) return { tone: 'warning', text: `${count(behind, 'member', 'members')} behind` };
  return OK;
}

/** Backends: an unhealthy one is a problem; degraded (or unknown health), a warning. */
export function backendsState(backends: readonly BackendBadge[]): CardState {
  const unhealthy = backends.filter((b) => b.tone === 'red').length;
  const other = backends.filter((b) => b.tone !== 'red' && b.tone !== 'green').length;
  const parts = [
    unhealthy > 0 ? `${unhealthy} unhealthy` : '',
    other > 0 ? `${other} degraded or unknown` : '',
  ].filter(Boolean);
  if (parts.length === 0) return OK;
  return { tone: unhealthy > 0 ? 'problem' : 'warning', text: `${parts.join(', ')}` };
}

export interface BackendBadge {
  name: string;
  type: string;
  health: string;
  tone: BadgeTone;
  message: string;
}

export interface DashboardView {
  cluster: Part<ClusterCard>;
  proxies: Part<UpTotal>;
  launchers: Part<UpTotal>;
  backends: Part<BackendBadge[]>;
  namespaces: Part<{ total: number; suspended: number }>;
  sessions: Part<{ total: number; active: number }>;
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
      behind:
        m.healthy &&
        status.commitIndex > m.matchIndex &&
        status.commitIndex - m.matchIndex > BEHIND_AFTER_ENTRIES,
      lastContact: formatAgo(m.lastContactTime, now),
    })),
  };
}

export function upTotal(
  components: readonly (ProxyRegistration | Launcher)[],
  now = new Date(),
): UpTotal {
  const up = components.filter((c) => c.status === ComponentStatus.UP);
  return {
    up: up.length,
    total: components.length,
    stale: up.filter((c) => isStale(c.lastHeartbeatTime, now)).length,
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

/** A view on another page, at one of its sections (`/cluster?proxies=down#proxies`). */
function at(href: Url, section: string): Url {
  return trustedUrl(`${href}${anchorHref(section)}`);
}

/**
 * Where each card leads: the view behind it, filtered to what the card says is wrong when it
 * says so ("3/4 up" → the cluster page showing the one that is not).
 */
export const cardLinks = {
  raft: (): Url => at(routes.cluster.status.href(), 'raft'),
  proxies: (state: CardState): Url =>
    at(routes.cluster.status.href(state.tone === 'ok' ? {} : { proxies: 'down' }), 'proxies'),
  launchers: (state: CardState): Url =>
    at(routes.cluster.status.href(state.tone === 'ok' ? {} : { launchers: 'down' }), 'launchers'),
  backends: (state: CardState): Url =>
    routes.backends.list.href(state.tone === 'ok' ? {} : { health: 'problem' }),
  namespaces: (): Url => routes.namespaces.list.href(),
  suspendedNamespaces: (): Url => routes.namespaces.list.href({ status: 'suspended' }),
  /** Undefined while this console has no client sessions pages. */
  activeSessions: (): Url | undefined =>
    areaRoot('sessions').available ? routes.sessions.list.href({ status: 'active' }) : undefined,
};
