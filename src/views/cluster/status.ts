import { type Timestamp, timestampDate } from '@bufbuild/protobuf/wkt';
import type { BadgeTone } from '../../../components/ui/Badge.js';
import { AccessPattern } from '../../gen/prism/admin/v1/client_configuration_pb.js';
import {
  ComponentStatus,
  type GetClusterStatusResponse,
  type Launcher,
  type PatternAssignment,
  type Proxy as ProxyRegistration,
} from '../../gen/prism/admin/v1/cluster_pb.js';
import type { Url } from '../../html/url.js';
import { type Part, raftRoleName } from '../dashboard.js';
import { fromEnumMap, unknownEnumLabel } from '../enums.js';
import { formatAgo, formatNumber, formatTime, GO_ZERO_SECONDS } from '../format.js';

/*
 * The cluster page's view models: the Raft group, proxies, launchers and pattern assignments.
 * Each comes from its own control-plane call and is a `Part`, so one failed call marks its own
 * section unavailable and the others are shown as usual.
 */

export type { Part };

/** A proxy or launcher whose last heartbeat is older than this is shown as stale. */
export const STALE_AFTER_SECONDS = 30;
/** A Raft member whose match index is more than this many entries behind the commit index is behind. */
export const BEHIND_AFTER_ENTRIES = 100n;

export interface Tone {
  label: string;
  tone: BadgeTone;
}

export interface RaftMemberDetail {
  id: string;
  address: string;
  role: string;
  leader: boolean;
  /** healthy, behind (replication lag over the threshold) or unreachable, with its colour. */
  state: Tone;
  /** True when the member is unreachable or behind: the row stands out. */
  attention: boolean;
  lastContact: string;
  matchIndex: string;
  /** Entries between the commit index and the member's match index, `12 entries`. */
  lag: string;
}

export interface RaftSection {
  leaderId: string | undefined;
  term: string;
  commitIndex: string;
  appliedIndex: string;
  members: RaftMemberDetail[];
}

export interface Heartbeat {
  registered: string;
  /** `12s ago`, `never`. */
  age: string;
  stale: boolean;
}

export interface ProxyRow extends Heartbeat {
  id: string;
  address: string;
  version: string;
  status: Tone;
  /** `12/200 namespaces`. */
  load: string;
  partitions: number;
  /**
   * The namespaces assigned to it, sorted; undefined when it has some but the control plane did
   * not name them (one older than the `namespaces` field).
   */
  namespaces: string[] | undefined;
}

export interface LauncherRow extends Heartbeat {
  id: string;
  address: string;
  region: string;
  status: Tone;
  /** `3/64 processes`. */
  load: string;
  capabilities: string[];
  /** Namespaces with a pattern on this launcher; undefined when the assignments are unavailable. */
  namespaces: string[] | undefined;
}

export interface PatternRow {
  id: string;
  namespace: string;
  pattern: string;
  launcherId: string;
  status: Tone;
  assigned: string;
}

/** A section showing only the rows that need a look (`?proxies=down`), and how many there are. */
export interface ComponentFilter {
  shown: number;
  total: number;
  /** The same section unfiltered. */
  allHref: Url;
}

export interface ClusterView {
  raft: Part<RaftSection>;
  proxies: Part<ProxyRow[]>;
  launchers: Part<LauncherRow[]>;
  /** Set when the proxies are filtered to those not up or stale. */
  proxyFilter?: ComponentFilter | undefined;
  launcherFilter?: ComponentFilter | undefined;
  /** The assignments shown, and how many the control plane has (more when the list is cut). */
  patterns: Part<{ rows: PatternRow[]; total: number }>;
}

const componentStatuses: Record<ComponentStatus, Tone> = {
  [ComponentStatus.UNSPECIFIED]: { label: 'unknown', tone: 'slate' },
  [ComponentStatus.UP]: { label: 'up', tone: 'green' },
  [ComponentStatus.DOWN]: { label: 'down', tone: 'red' },
  [ComponentStatus.DRAINING]: { label: 'draining', tone: 'amber' },
};

/** A proxy's, launcher's or assignment's status; one this console does not know reads "Unknown (7)". */
export function componentStatus(status: ComponentStatus): Tone {
  return fromEnumMap(componentStatuses, status, (value) => ({
    label: unknownEnumLabel(value),
    tone: 'slate',
  }));
}

const patternNames: Record<AccessPattern, string> = {
  [AccessPattern.UNSPECIFIED]: 'unspecified',
  [AccessPattern.KEYVALUE]: 'key-value',
  [AccessPattern.PUBSUB]: 'pub/sub',
  [AccessPattern.QUEUE]: 'queue',
  [AccessPattern.TIMESERIES]: 'time series',
  [AccessPattern.GRAPH]: 'graph',
  [AccessPattern.OBJECT_STORE]: 'object store',
};

export function accessPatternName(pattern: AccessPattern): string {
  return fromEnumMap(patternNames, pattern, unknownEnumLabel);
}

/** Whether a heartbeat is older than the threshold; never sent (or unreadable) counts as stale. */
export function isStale(ts: Timestamp | undefined, now: Date = new Date()): boolean {
  if (!ts || ts.seconds === GO_ZERO_SECONDS) return true;
  const time = timestampDate(ts).getTime();
  if (Number.isNaN(time)) return true;
  return now.getTime() - time > STALE_AFTER_SECONDS * 1000;
}

function heartbeat(
  registerTime: Timestamp | undefined,
  lastHeartbeat: Timestamp | undefined,
  now: Date,
): Heartbeat {
  return {
    registered: formatTime(registerTime),
    age: formatAgo(lastHeartbeat, now),
    stale: isStale(lastHeartbeat, now),
  };
}

/** Not up, or up with a stale heartbeat: what `?proxies=down` and the dashboard's cards count. */
export function needsAttention(row: Heartbeat & { status: Tone }): boolean {
  return row.status.tone !== 'green' || row.stale;
}

/**
 * The rows that need a look, when the section is filtered (`down`); the whole part otherwise.
 * A failed call stays a failure: there is nothing to filter.
 */
export function filterRows<T extends Heartbeat & { status: Tone }>(
  part: Part<T[]>,
  filter: 'down' | undefined,
  allHref: Url,
): { part: Part<T[]>; filter: ComponentFilter | undefined } {
  if (!part.ok || filter !== 'down') return { part, filter: undefined };
  const shown = part.value.filter(needsAttention);
  return {
    part: { ok: true, value: shown },
    filter: { shown: shown.length, total: part.value.length, allHref },
  };
}

function entries(count: bigint): string {
  return `${formatNumber(count)} ${count === 1n ? 'entry' : 'entries'}`;
}

export function raftSection(status: GetClusterStatusResponse, now = new Date()): RaftSection {
  return {
    leaderId: status.leaderId || undefined,
    term: formatNumber(status.term),
    commitIndex: formatNumber(status.commitIndex),
    appliedIndex: formatNumber(status.appliedIndex),
    members: status.members.map((m) => {
      // A member ahead of the commit index (it has entries not yet committed) is not behind.
      const lag = status.commitIndex > m.matchIndex ? status.commitIndex - m.matchIndex : 0n;
      const behind = lag > BEHIND_AFTER_ENTRIES;
      const state: Tone = !m.healthy
        ? { label: 'unreachable', tone: 'red' }
        : behind
          ? { label: 'behind', tone: 'amber' }
          : { label: 'healthy', tone: 'green' };
      return {
        id: m.id,
        address: m.address,
        role: raftRoleName(m.role),
        leader: m.id !== '' && m.id === status.leaderId,
        state,
        attention: !m.healthy || behind,
        lastContact: formatAgo(m.lastContactTime, now),
        matchIndex: formatNumber(m.matchIndex),
        lag: entries(lag),
      };
    }),
  };
}

export function proxyRows(proxies: readonly ProxyRegistration[], now = new Date()): ProxyRow[] {
  return proxies.map((p) => ({
    id: p.id,
    address: p.address,
    version: p.version,
    status: componentStatus(p.status),
    ...heartbeat(p.registerTime, p.lastHeartbeatTime, now),
    load: `${formatNumber(p.namespaceCount)}/${formatNumber(p.capacity)} namespaces`,
    partitions: p.partitions.length,
    namespaces:
      p.namespaces.length === 0 && p.namespaceCount > 0
        ? undefined
        : [...p.namespaces].sort((a, b) => a.localeCompare(b)),
  }));
}

export function launcherRows(
  launchers: readonly Launcher[],
  patterns: readonly PatternAssignment[] | undefined,
  now = new Date(),
): LauncherRow[] {
  return launchers.map((l) => ({
    id: l.id,
    address: l.address,
    region: l.region,
    status: componentStatus(l.status),
    ...heartbeat(l.registerTime, l.lastHeartbeatTime, now),
    load: `${formatNumber(l.processCount)}/${formatNumber(l.maxProcesses)} processes`,
    capabilities: l.capabilities.map(accessPatternName),
    namespaces: patterns
      ? [...new Set(patterns.filter((p) => p.launcherId === l.id).map((p) => p.namespace))].sort()
      : undefined,
  }));
}

export function patternRows(
  patterns: readonly PatternAssignment[],
  now = new Date(),
): PatternRow[] {
  return [...patterns]
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.pattern - b.pattern)
    .map((p) => ({
      id: p.id,
      namespace: p.namespace,
      pattern: accessPatternName(p.pattern),
      launcherId: p.launcherId,
      status: componentStatus(p.status),
      assigned: formatAgo(p.assignTime, now),
    }));
}
