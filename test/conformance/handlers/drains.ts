// Drains as server-side operations: targeted sessions become EXPIRING at once, then close a
// share per step; at the deadline the rest are closed by force (force) or left open. Tests can
// hold every drain where it stands and step one by hand.

import { randomBytes } from 'node:crypto';
import type { World } from '../state.js';
import { type Message, timestamp } from '../wire.js';

export interface DrainStart {
  namespace: string | undefined;
  deadlineMs: number;
  force: boolean;
  startedBy: string;
  reason: string;
  requestId: string;
}

export interface Operation {
  readonly id: string;
  /** An OperationState name; a test may put a number the contract does not know. */
  state: string | number;
  readonly target: { namespace: string | undefined };
  readonly startedBy: string;
  readonly startMs: number;
  readonly deadlineMs: number;
  readonly force: boolean;
  readonly reason: string;
  readonly requestId: string;
  endMs?: number;
  cancelledBy?: string;
  cancelReason?: string;
  /** Increases with every change. */
  version: number;
  total: number;
  readonly totalByNamespace: Record<string, number>;
  readonly pending: Set<string>;
  drained: number;
  forced: number;
  timer?: NodeJS.Timeout;
}

export interface Drains {
  readonly operations: Map<string, Operation>;
  /** While true, drains make no progress and do not reach their deadline on their own. */
  hold: boolean;
  start(start: DrainStart): Operation;
  /** One step of progress (what the timer does), for a held drain. */
  step(operation: Operation, deadlinePassed?: boolean): void;
  cancel(operation: Operation, by: string, reason: string): void;
  /** A change made by a test (an odd state, say): followers see it. */
  touch(operation: Operation): void;
  stopAll(): void;
}

export function render(operation: Operation): Message {
  const running = operation.state === 'OPERATION_STATE_RUNNING';
  return {
    id: operation.id,
    state: operation.state,
    done: !running,
    startedBy: operation.startedBy,
    startTime: timestamp(operation.startMs),
    deadlineTime: timestamp(operation.startMs + operation.deadlineMs),
    ...(operation.endMs !== undefined ? { endTime: timestamp(operation.endMs) } : {}),
    reason: operation.reason,
    requestId: operation.requestId,
    cancelledBy: operation.cancelledBy ?? '',
    cancelReason: operation.cancelReason ?? '',
    version: String(operation.version),
    drain: {
      ...(operation.target.namespace === undefined
        ? { allNamespaces: true }
        : { namespace: operation.target.namespace }),
      deadline: {
        seconds: String(Math.floor(operation.deadlineMs / 1000)),
        nanos: (operation.deadlineMs % 1000) * 1_000_000,
      },
      force: operation.force,
      total: operation.total,
      drained: operation.drained,
      remaining: operation.pending.size,
      forced: operation.forced,
      totalByNamespace: operation.totalByNamespace,
    },
  };
}

export function createDrains(world: World, stepMs: number): Drains {
  const operations = new Map<string, Operation>();

  function changed(operation: Operation): void {
    operation.version++;
    world.changes.notify();
  }

  function finish(operation: Operation, state: string): void {
    clearInterval(operation.timer);
    operation.state = state;
    operation.endMs = Date.now();
    changed(operation);
  }

  function close(id: string): void {
    const session = world.sessions.get(id);
    if (session) {
      session.status = 'SESSION_STATUS_TERMINATED';
      session.expireTime = timestamp();
      world.watch.emit(
        'RESOURCE_KIND_CLIENT_SESSION',
        id,
        'CHANGE_TYPE_UPDATED',
        session.namespace,
      );
    }
  }

  const drains: Drains = {
    operations,
    hold: false,
    start(start) {
      const targeted = [...world.sessions.values()].filter(
        (s) =>
          s.status !== 'SESSION_STATUS_TERMINATED' &&
          (start.namespace === undefined || s.namespace === start.namespace),
      );
      const totalByNamespace: Record<string, number> = {};
      for (const session of targeted) {
        session.status = 'SESSION_STATUS_EXPIRING';
        totalByNamespace[session.namespace] = (totalByNamespace[session.namespace] ?? 0) + 1;
      }
      const operation: Operation = {
        id: `op-${randomBytes(3).toString('hex')}`,
        state: 'OPERATION_STATE_RUNNING',
        target: { namespace: start.namespace },
        startedBy: start.startedBy,
        startMs: Date.now(),
        deadlineMs: start.deadlineMs,
        force: start.force,
        reason: start.reason,
        requestId: start.requestId,
        version: 1,
        total: targeted.length,
        totalByNamespace,
        pending: new Set(targeted.map((s) => s.id)),
        drained: 0,
        forced: 0,
      };
      operations.set(operation.id, operation);
      if (operation.total === 0) {
        finish(operation, 'OPERATION_STATE_SUCCEEDED');
        return operation;
      }
      operation.timer = setInterval(() => {
        if (drains.hold) return;
        drains.step(operation, Date.now() - operation.startMs >= operation.deadlineMs);
      }, stepMs);
      operation.timer.unref();
      return operation;
    },
    step(operation, deadlinePassed = false) {
      if (operation.state !== 'OPERATION_STATE_RUNNING') return;
      const share = Math.max(1, Math.ceil(operation.total / 4));
      for (const id of [...operation.pending].slice(0, deadlinePassed ? 0 : share)) {
        close(id);
        operation.pending.delete(id);
        operation.drained++;
      }
      if (deadlinePassed && operation.force) {
        for (const id of operation.pending) close(id);
        operation.forced += operation.pending.size;
        operation.pending.clear();
      }
      if (deadlinePassed) finish(operation, 'OPERATION_STATE_DEADLINE_EXCEEDED');
      else if (operation.pending.size === 0) finish(operation, 'OPERATION_STATE_SUCCEEDED');
      else changed(operation);
    },
    cancel(operation, by, reason) {
      // Sessions not drained yet stay open.
      for (const id of operation.pending) {
        const session = world.sessions.get(id);
        if (session?.status === 'SESSION_STATUS_EXPIRING') session.status = 'SESSION_STATUS_ACTIVE';
      }
      operation.cancelledBy = by;
      operation.cancelReason = reason;
      finish(operation, 'OPERATION_STATE_CANCELLED');
    },
    touch: changed,
    stopAll() {
      for (const operation of operations.values()) clearInterval(operation.timer);
    },
  };
  return drains;
}
