// The audit log (read, streamed in batches) and Watch (live change events).

import { clone } from '@bufbuild/protobuf';
import { timestampMs } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import {
  type AuditEntry,
  AuditEntrySchema,
  AuditOutcome,
  type GetAuditLogRequest,
} from '../../../gen/prism/admin/v1/audit_pb.js';
import { ResourceKind, type WatchEvent } from '../../../gen/prism/admin/v1/watch_pb.js';
import { Notifier } from '../async.js';
import type { ControlPlaneState } from '../state.js';
import { Violations } from '../validation.js';
import type { Handlers, ServiceDeps } from './deps.js';

export const DEFAULT_AUDIT_LIMIT = 100;
export const MAX_AUDIT_LIMIT = 10_000;
export const AUDIT_BATCH_SIZE = 100;
/** A watcher that falls this far behind is cut off (it can watch again and re-read). */
export const MAX_WATCH_BACKLOG = 10_000;

/**
 * Test hooks for GetAuditLog streams of one control plane: `beforeBatch(n)` is awaited before
 * the n-th batch (from 0) is sent, so a test can hold a stream open between batches and prove
 * that a client shows the first batches before the stream ends.
 */
export interface AuditStreamHooks {
  beforeBatch?: (batchIndex: number) => Promise<void>;
}

export const auditStreamHooks = new WeakMap<ControlPlaneState, AuditStreamHooks>();

/** Whether an entry matches the request's filters (all of them; an empty one matches all). */
function auditFilter(
  request: GetAuditLogRequest,
  startMs: number,
  endMs: number,
): (entry: AuditEntry) => boolean {
  const actor = request.actor.trim().toLowerCase();
  const operation = request.operation.trim().toLowerCase();
  const namespace = request.namespace.trim();
  const resource = request.resource.trim();
  const requestId = request.requestId.trim();
  const outcome = request.outcome;
  return (entry) => {
    const timeMs = entry.time ? timestampMs(entry.time) : 0;
    return (
      (actor === '' || entry.actor.toLowerCase() === actor) &&
      (operation === '' || entry.operation.toLowerCase() === operation) &&
      (namespace === '' || entry.namespace === namespace) &&
      (resource === '' || entry.resource === resource) &&
      (requestId === '' || entry.requestId === requestId) &&
      (outcome === AuditOutcome.UNSPECIFIED || entry.outcome === outcome) &&
      timeMs >= startMs &&
      timeMs < endMs
    );
  };
}

export function auditAndWatchHandlers({ state }: ServiceDeps): Handlers<'getAuditLog' | 'watch'> {
  return {
    async *getAuditLog(request) {
      const violations = new Violations();
      if (request.limit < 0) violations.add('limit', 'must not be negative');
      const startMs = request.startTime ? timestampMs(request.startTime) : -Infinity;
      const endMs = request.endTime ? timestampMs(request.endTime) : Infinity;
      if (startMs > endMs) violations.add('end_time', 'must not be before start_time');
      violations.enumValue('outcome', request.outcome, AuditOutcome, false);
      // A snapshot of the log (references only), so entries written or dropped while streaming
      // do not shift the walk; the entries themselves never change once written.
      const log = state.auditLog.slice();
      let from = log.length - 1;
      if (request.beforeId !== '') {
        const index = log.findIndex((entry) => entry.id === request.beforeId);
        if (index < 0) violations.add('before_id', 'is not the id of an entry in the audit log');
        from = index - 1;
      }
      violations.throwIfAny();

      const limit =
        request.limit === 0 ? DEFAULT_AUDIT_LIMIT : Math.min(request.limit, MAX_AUDIT_LIMIT);
      const matches = auditFilter(request, startMs, endMs);
      const hooks = auditStreamHooks.get(state);
      // Walks the log newest first and sends each batch as it fills: the selection is never
      // held whole. A full batch waits for the next match, so the last batch (which carries
      // total_size) is never an empty extra one unless nothing matched at all.
      let total = 0;
      let batch: AuditEntry[] = [];
      let sent = 0;
      for (let i = from; i >= 0; i--) {
        const entry = log[i];
        if (!entry || !matches(entry)) continue;
        total += 1;
        if (total > limit) continue; // counted only
        if (batch.length === AUDIT_BATCH_SIZE) {
          await hooks?.beforeBatch?.(sent);
          yield { entries: batch };
          sent += 1;
          batch = [];
        }
        batch.push(clone(AuditEntrySchema, entry));
      }
      await hooks?.beforeBatch?.(sent);
      yield { entries: batch, totalSize: total };
    },

    async *watch(request, context) {
      const violations = new Violations();
      for (const kind of request.kinds) violations.enumValue('kinds', kind, ResourceKind, true);
      violations.throwIfAny();

      const kinds = new Set(request.kinds);
      const queue: WatchEvent[] = [];
      const changed = new Notifier();
      let overflowed = false;
      const unsubscribe = state.subscribe(({ event, namespace }) => {
        if (kinds.size > 0 && !kinds.has(event.kind)) return;
        if (request.namespace !== '' && namespace !== request.namespace) return;
        if (queue.length >= MAX_WATCH_BACKLOG) overflowed = true;
        else queue.push(event);
        changed.notify();
      });
      try {
        // An empty first batch tells the client the subscription is in place: every change
        // after it arrives on this stream.
        yield { events: [] };
        for (;;) {
          if (overflowed) {
            throw new ConnectError(
              'watch stream fell too far behind; watch again and re-read the resources',
              Code.ResourceExhausted,
            );
          }
          if (queue.length === 0) await changed.wait(context.signal);
          else yield { events: queue.splice(0, queue.length) };
        }
      } finally {
        unsubscribe();
      }
    },
  };
}
