// Connection draining. A drain is a server-side operation (see operations.ts): it keeps running
// when the client that started it goes away, and a retry with the same request id (or anyone
// holding the operation id) follows the same progress. Sessions really change state: targeted
// sessions become EXPIRING at once (no new requests), then close as they go idle; at the
// deadline the rest are closed by force, or left open without force. A cancelled drain stops
// where it stands and gives the sessions it has not closed yet their former status back.

import { create } from '@bufbuild/protobuf';
import {
  durationFromMs,
  type Timestamp,
  timestampFromMs,
  timestampMs,
} from '@bufbuild/protobuf/wkt';
import { AuditOutcome } from '../../gen/prism/admin/v1/audit_pb.js';
import { SessionStatus } from '../../gen/prism/admin/v1/client_session_pb.js';
import {
  type DrainConnectionsResponse,
  DrainConnectionsResponseSchema,
  type Operation,
  OperationSchema,
  OperationState,
} from '../../gen/prism/admin/v1/operations_pb.js';
import { ChangeType, ResourceKind } from '../../gen/prism/admin/v1/watch_pb.js';
import { Notifier } from './async.js';
import { OperationRegistry, type TrackedOperation } from './operations.js';
import type { Random } from './random.js';
import type { ControlPlaneState } from './state.js';
import { failedPrecondition, notFound } from './validation.js';

export interface DrainTarget {
  /** undefined means every namespace. */
  readonly namespace: string | undefined;
  readonly deadlineMs: number;
  readonly force: boolean;
}

/** Who started a drain and why (from the DrainConnections call). */
export interface DrainOrigin {
  readonly actor: string;
  readonly reason: string;
  readonly requestId: string;
}

export class DrainOperation implements TrackedOperation {
  readonly total: number;
  /** Targeted sessions not closed yet. */
  readonly pending: Set<string>;
  /** The status each targeted session had before the drain made it EXPIRING. */
  readonly formerStatus = new Map<string, SessionStatus>();
  readonly totalByNamespace: Record<string, number> = {};
  drained = 0;
  forced = 0;
  state = OperationState.RUNNING;
  /** Increases with every change; streams compare it to what they sent last. */
  version = 1n;
  endTime: Timestamp | undefined;
  cancelledBy = '';
  cancelReason = '';
  readonly changed = new Notifier();

  constructor(
    readonly id: string,
    readonly target: DrainTarget,
    readonly sessions: readonly { readonly id: string; readonly namespace: string }[],
    readonly origin: DrainOrigin,
    readonly startTime: Timestamp,
  ) {
    this.total = sessions.length;
    this.pending = new Set(sessions.map((s) => s.id));
    for (const { namespace } of sessions) {
      this.totalByNamespace[namespace] = (this.totalByNamespace[namespace] ?? 0) + 1;
    }
    // A namespace without open sessions still shows up in the drain's totals.
    if (target.namespace !== undefined) {
      this.totalByNamespace[target.namespace] ??= 0;
    }
  }

  get done(): boolean {
    return this.state !== OperationState.RUNNING;
  }

  get remaining(): number {
    return this.pending.size;
  }

  progress(): DrainConnectionsResponse {
    return create(DrainConnectionsResponseSchema, {
      total: this.total,
      drained: this.drained,
      remaining: this.remaining,
      forced: this.forced,
      done: this.done,
      operationId: this.id,
    });
  }

  snapshot(): Operation {
    const { target } = this;
    return create(OperationSchema, {
      id: this.id,
      state: this.state,
      done: this.done,
      startedBy: this.origin.actor,
      startTime: this.startTime,
      deadlineTime: timestampFromMs(timestampMs(this.startTime) + target.deadlineMs),
      endTime: this.endTime,
      reason: this.origin.reason,
      requestId: this.origin.requestId,
      cancelledBy: this.cancelledBy,
      cancelReason: this.cancelReason,
      version: this.version,
      details: {
        case: 'drain',
        value: {
          target:
            target.namespace === undefined
              ? { case: 'allNamespaces', value: true }
              : { case: 'namespace', value: target.namespace },
          deadline: durationFromMs(target.deadlineMs),
          force: target.force,
          total: this.total,
          drained: this.drained,
          remaining: this.remaining,
          forced: this.forced,
          totalByNamespace: { ...this.totalByNamespace },
        },
      },
    });
  }

  /** Records a change and wakes every follower. */
  touch(): void {
    this.version += 1n;
    this.changed.notify();
  }
}

interface Running {
  readonly operation: DrainOperation;
  readonly timer: NodeJS.Timeout;
}

export class DrainManager {
  private readonly running = new Map<string, Running>();
  /** Every drain, running or finished, by operation id. */
  readonly operations = new OperationRegistry<DrainOperation>();

  constructor(
    private readonly state: ControlPlaneState,
    private readonly random: Random,
  ) {
    this.seedHistory();
  }

  /**
   * One finished drain from before the demo started, so the operations pages have something to
   * show: eight minutes ago (newer than the seeded audit entries, so the log stays in order),
   * with its audit entry. Its sessions are long closed and forgotten, as terminated ones are.
   */
  private seedHistory(): void {
    const namespace = 'legacy-import';
    if (!this.state.namespaces.has(namespace)) return;
    const now = this.state.now().getTime();
    const started = now - 8 * 60_000;
    const origin: DrainOrigin = {
      actor: 'carol',
      reason: 'Move legacy-import clients to the new proxy pool',
      requestId: `seed-drain-${this.random.hex(8)}`,
    };
    const sessions = Array.from({ length: 4 }, (_, i) => ({ id: `seed-${i}`, namespace }));
    const operation = new DrainOperation(
      this.operations.newId(),
      { namespace, deadlineMs: 2 * 60_000, force: false },
      sessions,
      origin,
      timestampFromMs(started),
    );
    operation.pending.clear();
    operation.drained = sessions.length;
    operation.state = OperationState.SUCCEEDED;
    operation.endTime = timestampFromMs(started + 47_000);
    operation.version = 6n;
    this.operations.add(operation);
    this.state.appendAudit(
      {
        actor: origin.actor,
        operation: 'DrainConnections',
        resource: `namespaces/${namespace}`,
        namespace,
        outcome: AuditOutcome.SUCCESS,
        reason: origin.reason,
        requestId: origin.requestId,
      },
      new Date(started),
    );
  }

  /** True while a drain covers this namespace; the simulator opens no sessions there. */
  isDraining(namespace: string): boolean {
    for (const { operation } of this.running.values()) {
      const target = operation.target.namespace;
      if (target === undefined || target === namespace) return true;
    }
    return false;
  }

  start(target: DrainTarget, origin: DrainOrigin): DrainOperation {
    const { state } = this;
    const sessions = state.openSessions(target.namespace);
    const operation = new DrainOperation(
      this.operations.newId(),
      target,
      sessions.map((s) => ({ id: s.id, namespace: s.namespace })),
      origin,
      state.timestamp(),
    );
    this.operations.add(operation);
    for (const session of sessions) {
      if (session.status === SessionStatus.EXPIRING) continue;
      operation.formerStatus.set(session.id, session.status);
      session.status = SessionStatus.EXPIRING;
      state.emit(ResourceKind.CLIENT_SESSION, session.id, ChangeType.UPDATED, session.namespace);
    }
    state.commitRaft();
    if (operation.total === 0) {
      this.finish(operation, OperationState.SUCCEEDED);
      return operation;
    }
    // About ten progress reports over the deadline, not faster than 20 a second.
    const stepMs = Math.min(1000, Math.max(50, Math.floor(target.deadlineMs / 10)));
    const startedAt = Date.now();
    const timer = setInterval(() => {
      this.step(operation, Date.now() - startedAt >= target.deadlineMs);
    }, stepMs);
    timer.unref();
    this.running.set(operation.id, { operation, timer });
    return operation;
  }

  /**
   * Stops a running drain where it stands: sessions it has not closed yet take no more part in
   * it and get their former status back. NOT_FOUND for an unknown id, FAILED_PRECONDITION when
   * the operation is done already.
   */
  cancel(id: string, actor: string, reason: string): Operation {
    const operation = this.operations.get(id);
    if (!operation) throw notFound(`operation ${id}`);
    if (operation.done) {
      throw failedPrecondition(
        `operation ${id} is done already (${OperationState[operation.state] ?? operation.state}); only a running operation can be cancelled`,
      );
    }
    for (const sessionId of operation.pending) {
      const session = this.state.clientSessions.get(sessionId);
      if (!session || session.status !== SessionStatus.EXPIRING) continue;
      const former = operation.formerStatus.get(sessionId);
      if (former === undefined) continue; // It was expiring before this drain began.
      session.status = former === SessionStatus.IDLE ? SessionStatus.IDLE : SessionStatus.ACTIVE;
      this.state.emit(
        ResourceKind.CLIENT_SESSION,
        sessionId,
        ChangeType.UPDATED,
        session.namespace,
      );
    }
    operation.cancelledBy = actor;
    operation.cancelReason = reason;
    this.finish(operation, OperationState.CANCELLED);
    this.state.commitRaft();
    return operation.snapshot();
  }

  /** Ends every running drain where it stands (the control plane is stopping). */
  stopAll(): void {
    for (const { operation } of [...this.running.values()]) {
      operation.cancelledBy = 'control-plane';
      operation.cancelReason = 'the control plane stopped';
      this.finish(operation, OperationState.CANCELLED);
    }
  }

  private step(operation: DrainOperation, deadlinePassed: boolean): void {
    for (const id of operation.pending) {
      const session = this.state.clientSessions.get(id);
      // Closed meanwhile (terminated by an operator, or gone idle and expired) counts as drained.
      const gone = !session || session.status === SessionStatus.TERMINATED;
      // Idle sessions close at once; busy ones finish their requests first.
      const busy = (session?.metrics?.rps ?? 0) > 0;
      if (gone || !busy || this.random.chance(0.3)) {
        this.close(id);
        operation.pending.delete(id);
        operation.drained += 1;
      }
    }
    if (deadlinePassed && operation.target.force) {
      for (const id of operation.pending) this.close(id);
      operation.forced += operation.pending.size;
      operation.pending.clear();
    }
    if (operation.pending.size === 0) {
      this.finish(
        operation,
        operation.forced > 0 ? OperationState.DEADLINE_EXCEEDED : OperationState.SUCCEEDED,
      );
      return;
    }
    if (deadlinePassed) {
      this.finish(operation, OperationState.DEADLINE_EXCEEDED);
      return;
    }
    this.state.refreshSessionCounts();
    operation.touch();
  }

  private close(id: string): void {
    const session = this.state.clientSessions.get(id);
    if (!session || session.status === SessionStatus.TERMINATED) return;
    session.status = SessionStatus.TERMINATED;
    session.expireTime = this.state.timestamp();
    if (session.metrics) session.metrics.rps = 0;
    this.state.emit(ResourceKind.CLIENT_SESSION, id, ChangeType.UPDATED, session.namespace);
  }

  private finish(operation: DrainOperation, state: OperationState): void {
    if (operation.done) return;
    const running = this.running.get(operation.id);
    if (running) {
      clearInterval(running.timer);
      this.running.delete(operation.id);
    }
    operation.state = state;
    operation.endTime = this.state.timestamp();
    this.state.refreshSessionCounts();
    operation.touch();
    this.operations.prune();
  }
}
