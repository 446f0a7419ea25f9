// GetAuditLog: the filters of the contract, newest first in batches, before_id as a cursor
// and total_size on the last batch; Watch held open as grpc-go holds it.

import type { AuditEntryObject } from '../state.js';
import { invalid, millis } from '../wire.js';
import type { Deps, Handlers } from './types.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

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
      async *Watch(_request, context) {
        // Subscribed: an empty first batch, then (here) nothing until the caller hangs up.
        yield { events: [] };
        while (!context.signal.aborted) await world.changes.wait(context.signal);
      },
    },
  };
}
