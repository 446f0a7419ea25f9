// The in-memory state of the development control plane. It holds the generated protobuf
// messages themselves, so handlers can answer with them directly and tests can read exactly
// what a client would see. Everything that changes goes through here, so every change can be
// announced to Watch streams with a cluster-wide resource version.

import { create } from '@bufbuild/protobuf';
import { type Timestamp, timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  type AuditEntry,
  AuditEntrySchema,
  type AuditOutcome,
} from '../../gen/prism/admin/v1/audit_pb.js';
import type { Backend } from '../../gen/prism/admin/v1/backend_pb.js';
import type { ClientConfiguration } from '../../gen/prism/admin/v1/client_configuration_pb.js';
import { type ClientSession, SessionStatus } from '../../gen/prism/admin/v1/client_session_pb.js';
import {
  ComponentStatus,
  type Launcher,
  type PatternAssignment,
  type Proxy as ProxyRegistration,
  type RaftMember,
} from '../../gen/prism/admin/v1/cluster_pb.js';
import type { Namespace } from '../../gen/prism/admin/v1/namespace_pb.js';
import {
  type MaintenanceStatus,
  MaintenanceStatusSchema,
} from '../../gen/prism/admin/v1/operations_pb.js';
import {
  type ChangeType,
  type ResourceKind,
  type WatchEvent,
  WatchEventSchema,
} from '../../gen/prism/admin/v1/watch_pb.js';
import { MetricStore } from './metrics.js';
import { hashString } from './random.js';

/** Oldest audit entries are dropped beyond this, so a long demo run stays bounded. */
export const AUDIT_LOG_LIMIT = 20_000;

/**
 * The newest changes kept for Watch resumes (after_resource_version): a watcher whose stream
 * broke for less than this many changes catches up without re-reading everything.
 */
export const RETAINED_CHANGES = 10_000;

/** Namespaces hash onto this many partitions; each partition is served by one proxy. */
export const PARTITION_COUNT = 12;

export interface RaftStatus {
  /** Empty while an election runs. */
  leaderId: string;
  term: bigint;
  commitIndex: bigint;
  appliedIndex: bigint;
  members: RaftMember[];
}

/** A change, as Watch streams see it, plus the namespace it belongs to ('' for none). */
export interface StateChange {
  readonly event: WatchEvent;
  readonly namespace: string;
}

export type StateListener = (change: StateChange) => void;

/** Why the changes after a version cannot be replayed; see ControlPlaneState.changesAfter. */
export type ReplayRefusal =
  | { readonly reason: 'ahead'; readonly current: bigint }
  | { readonly reason: 'dropped'; readonly oldest: bigint };

/** What a caller says about an audit entry; the state adds the id and the time. */
export interface AuditEntryInit {
  actor: string;
  operation: string;
  resource: string;
  namespace: string;
  outcome: AuditOutcome;
  errorCode?: string;
  errorMessage?: string;
  reason: string;
  requestId: string;
}

export class ControlPlaneState {
  readonly namespaces = new Map<string, Namespace>();
  readonly clientConfigurations = new Map<string, ClientConfiguration>();
  /** Includes terminated sessions until the simulator forgets them. */
  readonly clientSessions = new Map<string, ClientSession>();
  readonly backends = new Map<string, Backend>();
  readonly proxies = new Map<string, ProxyRegistration>();
  readonly launchers = new Map<string, Launcher>();
  readonly patterns = new Map<string, PatternAssignment>();
  readonly raft: RaftStatus = {
    leaderId: '',
    term: 0n,
    commitIndex: 0n,
    appliedIndex: 0n,
    members: [],
  };
  /**
   * Raft members that keep falling behind (a slow disk, a far zone): the demo always has one to
   * show. Writes do not bring them up to date; the simulator keeps their lag and last contact old.
   */
  readonly laggingMembers = new Set<string>();
  maintenance: MaintenanceStatus = create(MaintenanceStatusSchema, { enabled: false });
  /** Oldest first; GetAuditLog reads it backwards. */
  readonly auditLog: AuditEntry[] = [];
  readonly metrics = new MetricStore();
  readonly now: () => Date;

  private resourceVersion = 0n;
  private auditSequence = 0;
  private readonly listeners = new Set<StateListener>();
  /**
   * The last RETAINED_CHANGES changes, the one of version v at v % RETAINED_CHANGES: versions
   * go up by one per change, so the ring needs no search and never holds a gap.
   */
  private readonly retained: (StateChange | undefined)[] = new Array(RETAINED_CHANGES);

  constructor(now: () => Date = () => new Date()) {
    this.now = now;
  }

  timestamp(): Timestamp {
    return timestampFromDate(this.now());
  }

  get currentResourceVersion(): bigint {
    return this.resourceVersion;
  }

  // --- change events -------------------------------------------------------------------------

  /** Announces a change to every Watch stream; each change gets the next resource version. */
  emit(kind: ResourceKind, id: string, change: ChangeType, namespace = ''): WatchEvent {
    this.resourceVersion += 1n;
    const event = create(WatchEventSchema, {
      kind,
      id,
      change,
      resourceVersion: this.resourceVersion,
      time: this.timestamp(),
    });
    const stateChange = { event, namespace };
    this.retained[Number(this.resourceVersion % BigInt(RETAINED_CHANGES))] = stateChange;
    for (const listener of this.listeners) listener(stateChange);
    return event;
  }

  /** The oldest version still held (1 when every change since the start is), 0 before any. */
  get oldestRetainedVersion(): bigint {
    const oldest = this.resourceVersion - BigInt(RETAINED_CHANGES) + 1n;
    if (this.resourceVersion === 0n) return 0n;
    return oldest > 1n ? oldest : 1n;
  }

  /**
   * Every retained change with a version greater than `after`, oldest first — or why not all of
   * them can be given: `after` is ahead of this state (a restart reset the counter, or another
   * cluster's version), or changes right after it have already been dropped from the ring.
   */
  changesAfter(after: bigint): StateChange[] | ReplayRefusal {
    const current = this.resourceVersion;
    if (after > current) return { reason: 'ahead', current };
    const oldest = this.oldestRetainedVersion;
    if (after < oldest - 1n) return { reason: 'dropped', oldest };
    const changes: StateChange[] = [];
    for (let version = after + 1n; version <= current; version++) {
      const change = this.retained[Number(version % BigInt(RETAINED_CHANGES))];
      if (change) changes.push(change);
    }
    return changes;
  }

  /** Returns the function that unsubscribes. */
  subscribe(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  // --- audit ---------------------------------------------------------------------------------

  appendAudit(init: AuditEntryInit, time: Date = this.now()): AuditEntry {
    this.auditSequence += 1;
    const entry = create(AuditEntrySchema, {
      ...init,
      id: `audit-${String(this.auditSequence).padStart(6, '0')}`,
      time: timestampFromDate(time),
    });
    this.auditLog.push(entry);
    if (this.auditLog.length > AUDIT_LOG_LIMIT) this.auditLog.shift();
    return entry;
  }

  /** The first audit entry written for a request id (a replay writes none of its own). */
  findAuditEntry(requestId: string): AuditEntry | undefined {
    return this.auditLog.find((entry) => entry.requestId === requestId);
  }

  /** Every entry for a request id, oldest first (more than one only when an id was misused). */
  auditEntriesForRequest(requestId: string): AuditEntry[] {
    return this.auditLog.filter((entry) => entry.requestId === requestId);
  }

  // --- derived values ------------------------------------------------------------------------

  partitionOf(namespaceName: string): number {
    return hashString(namespaceName) % PARTITION_COUNT;
  }

  /** The proxy that serves a partition: the one that lists it and is not down. */
  proxyForPartition(partition: number): ProxyRegistration | undefined {
    for (const proxy of this.proxies.values()) {
      if (proxy.status !== ComponentStatus.DOWN && proxy.partitions.includes(partition)) {
        return proxy;
      }
    }
    return undefined;
  }

  /** Sessions that still hold a connection: everything but TERMINATED. */
  openSessions(namespace?: string): ClientSession[] {
    const open: ClientSession[] = [];
    for (const session of this.clientSessions.values()) {
      if (session.status === SessionStatus.TERMINATED) continue;
      if (namespace !== undefined && session.namespace !== namespace) continue;
      open.push(session);
    }
    return open;
  }

  /** Recomputes each namespace's active_sessions from the session table. */
  refreshSessionCounts(): void {
    const counts = new Map<string, number>();
    for (const session of this.clientSessions.values()) {
      if (session.status === SessionStatus.TERMINATED) continue;
      counts.set(session.namespace, (counts.get(session.namespace) ?? 0) + 1);
    }
    for (const namespace of this.namespaces.values()) {
      if (namespace.metrics) namespace.metrics.activeSessions = counts.get(namespace.name) ?? 0;
    }
  }

  /** Recomputes each proxy's namespace_count and each launcher's process_count. */
  refreshPlacementCounts(): void {
    for (const proxy of this.proxies.values()) proxy.namespaceCount = 0;
    for (const namespace of this.namespaces.values()) {
      const proxy = this.proxies.get(namespace.assignedProxy);
      if (proxy) proxy.namespaceCount += 1;
    }
    for (const launcher of this.launchers.values()) launcher.processCount = 0;
    for (const pattern of this.patterns.values()) {
      const launcher = this.launchers.get(pattern.launcherId);
      if (launcher) launcher.processCount += 1;
    }
  }

  /**
   * Every write of the real control plane is a Raft log entry; advancing the indexes here keeps
   * the cluster page honest about writes made through the API.
   */
  commitRaft(entries = 1): void {
    const raft = this.raft;
    raft.commitIndex += BigInt(entries);
    raft.appliedIndex = raft.commitIndex;
    const now = this.timestamp();
    for (const member of raft.members) {
      if (!member.healthy || this.laggingMembers.has(member.id)) continue;
      member.matchIndex = raft.commitIndex;
      member.lastContactTime = now;
    }
  }
}
