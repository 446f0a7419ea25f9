// Simulated traffic, so the demo console has something alive to show: namespace load, sessions
// arriving, going idle and leaving, heartbeats, backend load (and now and then a degraded
// instance), and the Raft log moving on. Every tick also records a point of every metric series
// and announces what changed to Watch streams.

import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { BackendHealth, type BackendInstance } from '../../gen/prism/admin/v1/backend_pb.js';
import { SessionStatus } from '../../gen/prism/admin/v1/client_session_pb.js';
import { ComponentStatus } from '../../gen/prism/admin/v1/cluster_pb.js';
import { NamespaceStatus } from '../../gen/prism/admin/v1/namespace_pb.js';
import { ChangeType, ResourceKind } from '../../gen/prism/admin/v1/watch_pb.js';
import type { DrainManager } from './drain.js';
import { recordSnapshot } from './metrics.js';
import { Random } from './random.js';
import {
  IDLE_PRONE_NAMESPACE,
  LAG_CONTACT_MS,
  LAG_ENTRIES,
  newSession,
  summariseBackendHealth,
} from './seed.js';
import type { ControlPlaneState } from './state.js';

const MINUTE = 60_000;
/** Terminated sessions stay listed this long, then are forgotten. */
const TERMINATED_RETENTION_MS = 10 * MINUTE;
const SESSION_IDLE_TIMEOUT_MS = 30 * MINUTE;

export interface SimulatorOptions {
  readonly tickMs: number;
  readonly seed: number;
}

export class Simulator {
  private timer: NodeJS.Timeout | undefined;
  private readonly random: Random;
  /** The load each namespace swings around; learnt from the seed, made up for new ones. */
  private readonly baseRps = new Map<string, number>();
  /** Instances seeded as degraded stay so: the demo always has something to look at. */
  private readonly stickyDegraded = new Set<string>();
  /** The simulator keeps about as many sessions open as the seed had. */
  private readonly targetOpenSessions: number;

  constructor(
    private readonly state: ControlPlaneState,
    private readonly drains: DrainManager,
    private readonly options: SimulatorOptions,
  ) {
    this.random = new Random(options.seed + 7919);
    for (const ns of state.namespaces.values()) this.baseRps.set(ns.name, ns.metrics?.rps ?? 0);
    for (const backend of state.backends.values()) {
      for (const instance of backend.instances) {
        if (instance.health !== BackendHealth.HEALTHY) this.stickyDegraded.add(instance.id);
      }
    }
    this.targetOpenSessions = state.openSessions().length;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.options.tickMs);
    // Never keeps a process (or a test run) alive on its own.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One step of simulated time; public so it can be driven by hand. */
  tick(): void {
    const nowMs = this.state.now().getTime();
    const seconds = this.options.tickMs / 1000;
    this.moveNamespaces(seconds);
    this.moveSessions(nowMs, seconds);
    this.heartbeats(nowMs);
    this.moveBackends(nowMs);
    this.moveRaft(nowMs);
    recordSnapshot(this.state, nowMs, this.random);
  }

  private moveNamespaces(seconds: number): void {
    const { state, random } = this;
    for (const ns of state.namespaces.values()) {
      const metrics = ns.metrics;
      if (!metrics) continue;
      let base = this.baseRps.get(ns.name);
      if (base === undefined) {
        base = random.float(5, 60);
        this.baseRps.set(ns.name, base);
      }
      const before = metrics.rps;
      if (ns.status === NamespaceStatus.SUSPENDED) {
        metrics.rps = 0;
      } else {
        const target = ns.status === NamespaceStatus.READ_ONLY ? base * 0.3 : base;
        const walked = random.walk(Math.max(metrics.rps, 0.1), 0.08, target * 0.2, target * 3);
        // Drift back towards the usual load, so the walk does not wander off for good.
        metrics.rps = round2(walked + (target - walked) * 0.05);
        if (ns.status === NamespaceStatus.ACTIVE) {
          const growth = BigInt(Math.round(metrics.rps * seconds * random.float(20, 400)));
          const cap = ns.quota?.maxStorageBytes ?? 0n;
          const next = metrics.storageUsedBytes + growth;
          metrics.storageUsedBytes =
            cap > 0n && next > (cap * 98n) / 100n ? metrics.storageUsedBytes : next;
        }
      }
      if (metrics.rps !== before) {
        state.emit(ResourceKind.NAMESPACE, ns.name, ChangeType.UPDATED, ns.name);
      }
    }
  }

  private moveSessions(nowMs: number, seconds: number): void {
    const { state, random } = this;
    const now = timestampFromDate(new Date(nowMs));
    const changed = (id: string, namespace: string, change = ChangeType.UPDATED) =>
      state.emit(ResourceKind.CLIENT_SESSION, id, change, namespace);

    for (const session of [...state.clientSessions.values()]) {
      const metrics = session.metrics;
      const namespace = state.namespaces.get(session.namespace);
      const suspended = !namespace || namespace.status === NamespaceStatus.SUSPENDED;
      // Login sessions are kept open between uses: mostly idle, waiting to be cleaned up.
      const idleProne = session.namespace === IDLE_PRONE_NAMESPACE;
      switch (session.status) {
        case SessionStatus.ACTIVE: {
          if (metrics) {
            metrics.rps = round2(random.walk(Math.max(metrics.rps, 0.5), 0.15, 0.1, 400));
            const requests = Math.round(metrics.rps * seconds);
            metrics.requestCount += BigInt(requests);
            metrics.bytesIn += BigInt(requests * random.int(200, 2000));
            metrics.bytesOut += BigInt(requests * random.int(300, 8000));
            metrics.p99LatencyMs = round2(
              random.walk(Math.max(metrics.p99LatencyMs, 1), 0.1, 1, 500),
            );
          }
          session.lastActivityTime = now;
          session.expireTime = timestampFromDate(new Date(nowMs + SESSION_IDLE_TIMEOUT_MS));
          if (suspended || random.chance(idleProne ? 0.05 : 0.01)) {
            session.status = SessionStatus.IDLE;
            if (metrics) metrics.rps = 0;
            changed(session.id, session.namespace);
          }
          break;
        }
        case SessionStatus.IDLE:
          if (
            !suspended &&
            !this.drains.isDraining(session.namespace) &&
            random.chance(idleProne ? 0.005 : 0.08)
          ) {
            session.status = SessionStatus.ACTIVE;
            if (metrics) metrics.rps = round2(random.float(0.5, 40));
            changed(session.id, session.namespace);
          } else if (random.chance(0.01)) {
            session.status = SessionStatus.EXPIRING;
            changed(session.id, session.namespace);
          }
          break;
        case SessionStatus.EXPIRING:
          if (random.chance(0.25)) {
            session.status = SessionStatus.TERMINATED;
            session.expireTime = now;
            if (metrics) metrics.rps = 0;
            changed(session.id, session.namespace);
          }
          break;
        case SessionStatus.TERMINATED: {
          const ended = session.expireTime ? Number(session.expireTime.seconds) * 1000 : 0;
          if (nowMs - ended > TERMINATED_RETENTION_MS) {
            state.clientSessions.delete(session.id);
            changed(session.id, session.namespace, ChangeType.DELETED);
          }
          break;
        }
      }
    }

    // New arrivals, about enough to keep the number of open sessions steady.
    const open = state.openSessions().length;
    const deficit = Math.max(0, this.targetOpenSessions - open);
    // Below the usual number, clients come back a few at a time (not all in one tick).
    const arrivals = deficit === 0 ? 0 : Math.min(5, Math.ceil(deficit * random.float(0, 0.2)));
    const candidates = [...state.namespaces.values()]
      .filter(
        (ns) =>
          ns.status === NamespaceStatus.ACTIVE &&
          !this.drains.isDraining(ns.name) &&
          ((ns.quota?.maxSessions ?? 0) === 0 ||
            (ns.metrics?.activeSessions ?? 0) < (ns.quota?.maxSessions ?? 0)),
      )
      .map((ns) => [ns.name, Math.sqrt((ns.metrics?.rps ?? 0) + 1)] as const);
    for (let i = 0; i < arrivals && candidates.length > 0; i++) {
      const namespace = random.weighted(candidates);
      const session = newSession(state, random, namespace, SessionStatus.ACTIVE, nowMs, 0);
      state.clientSessions.set(session.id, session);
      changed(session.id, namespace, ChangeType.CREATED);
    }
    state.refreshSessionCounts();
  }

  private heartbeats(nowMs: number): void {
    const { state, random } = this;
    for (const proxy of state.proxies.values()) {
      if (proxy.status === ComponentStatus.DOWN) continue;
      proxy.lastHeartbeatTime = timestampFromDate(new Date(nowMs - random.int(0, 300)));
      state.emit(ResourceKind.PROXY, proxy.id, ChangeType.UPDATED);
    }
    for (const launcher of state.launchers.values()) {
      if (launcher.status === ComponentStatus.DOWN) continue;
      launcher.lastHeartbeatTime = timestampFromDate(new Date(nowMs - random.int(0, 300)));
      state.emit(ResourceKind.LAUNCHER, launcher.id, ChangeType.UPDATED);
    }
  }

  private moveBackends(nowMs: number): void {
    const { state, random } = this;
    for (const backend of state.backends.values()) {
      let healthChanged = false;
      for (const instance of backend.instances) {
        if (instance.health === BackendHealth.HEALTHY && random.chance(0.002)) {
          instance.health = BackendHealth.DEGRADED;
          healthChanged = true;
        } else if (
          instance.health === BackendHealth.DEGRADED &&
          !this.stickyDegraded.has(instance.id) &&
          random.chance(0.05)
        ) {
          instance.health = BackendHealth.HEALTHY;
          healthChanged = true;
        }
        moveInstance(instance, random);
      }
      // Only a health change rewrites the message (keeping the seeded explanation otherwise).
      if (healthChanged) summariseBackendHealth(backend);
      backend.lastCheckTime = timestampFromDate(new Date(nowMs));
      state.emit(ResourceKind.BACKEND, backend.name, ChangeType.UPDATED);
    }
  }

  private moveRaft(nowMs: number): void {
    const { state, random } = this;
    const raft = state.raft;
    raft.commitIndex += BigInt(random.int(1, 25));
    raft.appliedIndex = raft.commitIndex - BigInt(random.int(0, 2));
    for (const member of raft.members) {
      if (!member.healthy) continue;
      if (state.laggingMembers.has(member.id)) {
        // Catches up a little, never enough; heard from now and then.
        member.matchIndex = raft.commitIndex - BigInt(random.int(LAG_ENTRIES.min, LAG_ENTRIES.max));
        if (random.chance(0.05)) {
          member.lastContactTime = timestampFromDate(
            new Date(nowMs - random.int(LAG_CONTACT_MS.min, LAG_CONTACT_MS.max)),
          );
        }
        continue;
      }
      member.lastContactTime = timestampFromDate(new Date(nowMs - random.int(5, 150)));
      member.matchIndex =
        member.id === raft.leaderId
          ? raft.commitIndex
          : raft.commitIndex - BigInt(random.int(0, 3));
    }
    state.emit(ResourceKind.CLUSTER, 'raft', ChangeType.UPDATED);
  }
}

function moveInstance(instance: BackendInstance, random: Random): void {
  const degraded = instance.health !== BackendHealth.HEALTHY;
  instance.cpuPercent = round2(random.walk(instance.cpuPercent, 0.06, degraded ? 60 : 3, 99));
  instance.memoryPercent = round2(random.walk(instance.memoryPercent, 0.02, 15, 97));
  instance.rps = round2(random.walk(Math.max(instance.rps, 1), 0.08, 1, 20_000));
  instance.p50LatencyMs = round2(random.walk(Math.max(instance.p50LatencyMs, 0.2), 0.08, 0.2, 200));
  // A degraded instance has a long tail.
  instance.p99LatencyMs = round2(
    Math.max(
      instance.p50LatencyMs * (degraded ? 12 : 3),
      random.walk(Math.max(instance.p99LatencyMs, 1), 0.1, 1, 2000),
    ),
  );
  const pool = instance.pool;
  if (pool) {
    pool.active = Math.round(random.walk(Math.max(pool.active, 1), 0.1, 0, pool.max));
    pool.idle = Math.min(
      pool.max - pool.active,
      Math.round(random.walk(Math.max(pool.idle, 1), 0.1, 0, pool.max)),
    );
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
