// The registry of long-running operations (drains). An operation outlives the call that started
// it: any client may list it, read it, watch it or cancel it by id. Finished operations are kept
// (the newest KEEP_FINISHED_OPERATIONS of them), running ones always.

import { randomBytes } from 'node:crypto';
import type { Operation } from '../../gen/prism/admin/v1/operations_pb.js';
import type { Notifier } from './async.js';

/** How many finished operations are kept; the oldest finished ones are forgotten first. */
export const KEEP_FINISHED_OPERATIONS = 500;

/** What the registry needs of an operation. */
export interface TrackedOperation {
  readonly id: string;
  readonly done: boolean;
  /** Increases with every change; watchers compare it to what they sent last. */
  readonly version: bigint;
  /** Wakes watchers after every change. */
  readonly changed: Notifier;
  /** The operation as clients see it now (a fresh message every call). */
  snapshot(): Operation;
}

export class OperationRegistry<T extends TrackedOperation = TrackedOperation> {
  /** Oldest first (insertion order). */
  private readonly byId = new Map<string, T>();

  constructor(private readonly keepFinished = KEEP_FINISHED_OPERATIONS) {}

  /** A fresh id such as "op-3f2a9c1b"; never one in use. */
  newId(): string {
    for (;;) {
      const id = `op-${randomBytes(4).toString('hex')}`;
      if (!this.byId.has(id)) return id;
    }
  }

  add(operation: T): void {
    this.byId.set(operation.id, operation);
    this.prune();
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  /** Newest first. */
  list(runningOnly = false): T[] {
    const out: T[] = [];
    for (const operation of this.byId.values()) {
      if (runningOnly && operation.done) continue;
      out.push(operation);
    }
    return out.reverse();
  }

  get size(): number {
    return this.byId.size;
  }

  /** Forgets the oldest finished operations beyond the limit; call after one finishes too. */
  prune(): void {
    let finished = 0;
    for (const operation of this.byId.values()) if (operation.done) finished += 1;
    if (finished <= this.keepFinished) return;
    for (const [id, operation] of this.byId) {
      if (finished <= this.keepFinished) break;
      if (!operation.done) continue;
      this.byId.delete(id);
      finished -= 1;
    }
  }
}

/** Streams an operation: the current state at once, then every change, ending after done. */
export async function* followOperation<M>(
  operation: TrackedOperation,
  signal: AbortSignal,
  message: () => M,
): AsyncGenerator<M> {
  let sent = -1n;
  for (;;) {
    if (operation.version !== sent) {
      sent = operation.version;
      const done = operation.done;
      yield message();
      if (done) return;
    } else {
      await operation.changed.wait(signal);
    }
  }
}
