// Connection draining. A drain is a server-side operation: it keeps running when the client
// that started it goes away, and a retry with the same request id (or anyone holding the
// operation) follows the same progress. Sessions really change state: targeted sessions become
// EXPIRING at once (no new requests), then close as they go idle; at the deadline the rest are
// closed by force, or left open without force.

import { create } from '@bufbuild/protobuf';
import { SessionStatus } from '../../gen/prism/admin/v1/client_session_pb.js';
import {
  type DrainConnectionsResponse,
  DrainConnectionsResponseSchema,
} from '../../gen/prism/admin/v1/operations_pb.js';
import { ChangeType, ResourceKind } from '../../gen/prism/admin/v1/watch_pb.js';
import { Notifier } from './async.js';
import type { Random } from './random.js';
import type { ControlPlaneState } from './state.js';

export interface DrainTarget {
  /** undefined means every namespace. */
  readonly namespace: string | undefined;
  readonly deadlineMs: number;
  readonly force: boolean;
}

export class DrainOperation {
  readonly total: number;
  /** Targeted sessions not closed yet. */
  readonly pending: Set<string>;
  drained = 0;
  forced = 0;
  done = false;
  /** Increases with every progress change; streams compare it to what they sent last. */
  sequence = 0;
  readonly changed = new Notifier();

  constructor(
    readonly target: DrainTarget,
    readonly sessionIds: readonly string[],
  ) {
    this.total = sessionIds.length;
    this.pending = new Set(sessionIds);
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
    });
  }
}

interface Running {
  readonly operation: DrainOperation;
  readonly timer: NodeJS.Timeout;
}

export class DrainManager {
  private readonly running = new Set<Running>();

  constructor(
    private readonly state: ControlPlaneState,
    private readonly random: Random,
  ) {}

  /** True while a drain covers this namespace; the simulator opens no sessions there. */
  isDraining(namespace: string): boolean {
    for (const { operation } of this.running) {
      const target = operation.target.namespace;
      if (target === undefined || target === namespace) return true;
    }
    return false;
  }

  start(target: DrainTarget): DrainOperation {
    const { state } = this;
    const sessions = state.openSessions(target.namespace);
    const operation = new DrainOperation(
      target,
      sessions.map((s) => s.id),
    );
    for (const session of sessions) {
      if (session.status === SessionStatus.EXPIRING) continue;
      session.status = SessionStatus.EXPIRING;
      state.emit(ResourceKind.CLIENT_SESSION, session.id, ChangeType.UPDATED, session.namespace);
    }
    state.commitRaft();
    if (operation.total === 0) {
      this.finish(operation);
      return operation;
    }
    // About ten progress reports over the deadline, not faster than 20 a second.
    const stepMs = Math.min(1000, Math.max(50, Math.floor(target.deadlineMs / 10)));
    const startedAt = Date.now();
    const timer = setInterval(() => {
      this.step(operation, Date.now() - startedAt >= target.deadlineMs);
      if (operation.done) {
        clearInterval(timer);
        this.running.delete(running);
      }
    }, stepMs);
    timer.unref();
    const running: Running = { operation, timer };
    this.running.add(running);
    return operation;
  }

  /** Ends every running drain where it stands (the control plane is stopping). */
  stopAll(): void {
    for (const running of this.running) {
      clearInterval(running.timer);
      this.finish(running.operation);
    }
    this.running.clear();
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
    if (operation.pending.size === 0 || deadlinePassed) {
      this.finish(operation);
      return;
    }
    this.state.refreshSessionCounts();
    operation.sequence += 1;
    operation.changed.notify();
  }

  private close(id: string): void {
    const session = this.state.clientSessions.get(id);
    if (!session || session.status === SessionStatus.TERMINATED) return;
    session.status = SessionStatus.TERMINATED;
    session.expireTime = this.state.timestamp();
    if (session.metrics) session.metrics.rps = 0;
    this.state.emit(ResourceKind.CLIENT_SESSION, id, ChangeType.UPDATED, session.namespace);
  }

  private finish(operation: DrainOperation): void {
    if (operation.done) return;
    operation.done = true;
    this.state.refreshSessionCounts();
    operation.sequence += 1;
    operation.changed.notify();
  }
}
