// The audit log (read, streamed in batches) and Watch (live change events).

import { clone } from '@bufbuild/protobuf';
import { timestampMs } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import { type AuditEntry, AuditEntrySchema } from '../../../gen/prism/admin/v1/audit_pb.js';
import { ResourceKind, type WatchEvent } from '../../../gen/prism/admin/v1/watch_pb.js';
import { Notifier } from '../async.js';
import { Violations } from '../validation.js';
import type { Handlers, ServiceDeps } from './deps.js';

export const DEFAULT_AUDIT_LIMIT = 100;
export const MAX_AUDIT_LIMIT = 10_000;
export const AUDIT_BATCH_SIZE = 100;
/** A watcher that falls this far behind is cut off (it can watch again and re-read). */
export const MAX_WATCH_BACKLOG = 10_000;

export function auditAndWatchHandlers({ state }: ServiceDeps): Handlers<'getAuditLog' | 'watch'> {
  return {
    async *getAuditLog(request) {
      const violations = new Violations();
      if (request.limit < 0) violations.add('limit', 'must not be negative');
      const startMs = request.startTime ? timestampMs(request.startTime) : -Infinity;
      const endMs = request.endTime ? timestampMs(request.endTime) : Infinity;
      if (startMs > endMs) violations.add('end_time', 'must not be before start_time');
      violations.throwIfAny();

      const limit =
        request.limit === 0 ? DEFAULT_AUDIT_LIMIT : Math.min(request.limit, MAX_AUDIT_LIMIT);
      const actor = request.actor.trim().toLowerCase();
      const operation = request.operation.trim().toLowerCase();
      const namespace = request.namespace.trim();
      const matches = (entry: AuditEntry): boolean => {
        const timeMs = entry.time ? timestampMs(entry.time) : 0;
        return (
          (actor === '' || entry.actor.toLowerCase() === actor) &&
          (operation === '' || entry.operation.toLowerCase() === operation) &&
          (namespace === '' || entry.namespace === namespace) &&
          timeMs >= startMs &&
          timeMs < endMs
        );
      };
      // Snapshot first (newest first), so entries written while streaming do not shift batches.
      const selected: AuditEntry[] = [];
      for (let i = state.auditLog.length - 1; i >= 0 && selected.length < limit; i--) {
        const entry = state.auditLog[i];
        if (entry && matches(entry)) selected.push(clone(AuditEntrySchema, entry));
      }
      for (let i = 0; i < selected.length; i += AUDIT_BATCH_SIZE) {
        yield { entries: selected.slice(i, i + AUDIT_BATCH_SIZE) };
      }
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
