// GetAuditLog: the filters of the contract, newest first in batches, before_id as a cursor
// and total_size on the last batch. Watch: an empty first batch at the point the stream starts,
// a replay of the retained changes after after_resource_version (OUT_OF_RANGE when it cannot),
// then every change live, held open as grpc-go holds it.

import * as grpc from '@grpc/grpc-js';
import type { LoggedChange, ResumeRefusal, WatchEventObject } from '../changes.js';
import type { AuditEntryObject } from '../state.js';
import { Changes, invalid, type Message, millis, refuse } from '../wire.js';
import type { Deps, Handlers } from './types.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;
const REPLAY_BATCH_SIZE = 1_000;

export interface AuditOptions {
  batchSize: number;
  /** total_size in a message of its own after the last batch (also what the contract allows). */
  totalInOwnMessage: boolean;
}

export function auditHandlers({ world }: Deps, options: AuditOptions): Handlers {
  return {
    streaming: {
      async *GetAuditLog(request, context) {
        const violations = [];
        const limit = Number(request.limit ?? 0);
        if (limit < 0) violations.push({ field: 'limit', description: 'must not be negative' });
        const startMs = millis(request.startTime) ?? -Infinity;
        const endMs = millis(request.endTime) ?? Infinity;
        if (startMs > endMs) {
          violations.push({ field: 'end_time', description: 'must not be before start_time' });
        }
        const beforeId = String(request.beforeId ?? '');
        const cursor =
          beforeId === ''
            ? world.auditLog.length
            : world.auditLog.findIndex((e) => e.id === beforeId);
        if (cursor < 0) violations.push({ field: 'before_id', description: 'is not an entry id' });
        if (violations.length > 0) invalid(violations);

        const actor = String(request.actor ?? '')
          .trim()
          .toLowerCase();
        const operation = String(request.operation ?? '')
          .trim()
          .toLowerCase();
        const outcome = String(request.outcome ?? 'AUDIT_OUTCOME_UNSPECIFIED');
        const matches = (entry: AuditEntryObject): boolean => {
          const at = millis(entry.time) ?? 0;
          return (
            (actor === '' || entry.actor.toLowerCase() === actor) &&
            (operation === '' || entry.operation.toLowerCase() === operation) &&
            (request.namespace === '' || entry.namespace === request.namespace) &&
            (outcome === 'AUDIT_OUTCOME_UNSPECIFIED' || entry.outcome === outcome) &&
            (request.resource === '' || entry.resource === request.resource) &&
            (request.requestId === '' || entry.requestId === request.requestId) &&
            at >= startMs &&
            at < endMs
          );
        };
        // A snapshot, newest first, so entries written while streaming do not shift batches.
        const selected: AuditEntryObject[] = [];
        for (let i = cursor - 1; i >= 0; i--) {
          const entry = world.auditLog[i];
          if (entry && matches(entry)) selected.push({ ...entry });
        }
        const total = selected.length;
        const entries = selected.slice(0, Math.min(limit || DEFAULT_LIMIT, MAX_LIMIT));
        if (entries.length === 0 || options.totalInOwnMessage) {
          for (let i = 0; i < entries.length && !context.signal.aborted; i += options.batchSize) {
            yield { entries: entries.slice(i, i + options.batchSize) };
          }
          yield { entries: [], totalSize: total };
          return;
        }
        for (let i = 0; i < entries.length && !context.signal.aborted; i += options.batchSize) {
          const last = i + options.batchSize >= entries.length;
          yield {
            entries: entries.slice(i, i + options.batchSize),
            ...(last ? { totalSize: total } : {}),
          };
        }
      },
      async *Watch(request, context) {
        const kinds = new Set((request.kinds ?? []) as string[]);
        const namespace = String(request.namespace ?? '');
        const after = BigInt(String(request.afterResourceVersion ?? '0'));
        const violations = [];
        if (kinds.has('RESOURCE_KIND_UNSPECIFIED')) {
          violations.push({ field: 'kinds', description: 'must not be unspecified' });
        }
        if (after < 0n) {
          violations.push({ field: 'after_resource_version', description: 'must not be negative' });
        }
        if (violations.length > 0) invalid(violations);
        const wanted = (change: LoggedChange) =>
          (kinds.size === 0 || kinds.has(change.event.kind)) &&
          (namespace === '' || change.namespace === namespace);

        // Replay and subscription in one turn: no change can fall between them.
        const replay = after > 0n ? world.watch.after(after) : [];
        if (!Array.isArray(replay)) refuse(grpc.status.OUT_OF_RANGE, outOfRange(after, replay));
        const start = world.watch.resourceVersion;
        const queue: WatchEventObject[] = [];
        const arrived = new Changes();
        const unsubscribe = world.watch.subscribe((change) => {
          if (change.version <= start || !wanted(change)) return;
          queue.push(change.event);
          arrived.notify();
        });
        try {
          yield { events: [], resourceVersion: String(after > 0n ? after : start) };
          const replayed = replay.filter(wanted).map((change) => change.event);
          for (let i = 0; i < replayed.length; i += REPLAY_BATCH_SIZE) {
            yield batch(replayed.slice(i, i + REPLAY_BATCH_SIZE));
          }
          while (!context.signal.aborted) {
            if (queue.length === 0) await arrived.wait(context.signal);
            else yield batch(queue.splice(0, queue.length));
          }
        } finally {
          unsubscribe();
        }
      },
    },
  };
}

/** A batch of events with the version of its last one, as the contract says. */
function batch(events: WatchEventObject[]): Message {
  return { events, resourceVersion: events.at(-1)?.resourceVersion ?? '0' };
}

function outOfRange(after: bigint, refusal: ResumeRefusal): string {
  const why =
    refusal.reason === 'ahead'
      ? `is ahead of the current resource version ${refusal.current}`
      : `is older than the oldest change still held (${refusal.oldest})`;
  return `cannot resume the watch: after_resource_version ${after} ${why}; re-read and watch from 0`;
}
