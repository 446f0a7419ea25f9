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
import {
  ResourceKind,
  type WatchEvent,
  type WatchRequest,
} from '../../../gen/prism/admin/v1/watch_pb.js';
import { Notifier } from '../async.js';
import type { ControlPlaneState, ReplayRefusal, StateChange } from '../state.js';
import { Violations } from '../validation.js';
import type { Handlers, ServiceDeps } from './deps.js';

export const DEFAULT_AUDIT_LIMIT = 100;
export const MAX_AUDIT_LIMIT = 10_000;
export const AUDIT_BATCH_SIZE = 100;
/** A watcher that falls this far behind is cut off (it can watch again and re-read). */
export const MAX_WATCH_BACKLOG = 10_000;
/** Replayed changes go out in batches of at most this many events. */
export const REPLAY_BATCH_SIZE = 1_000;

/**
 * Test hooks for GetAuditLog streams of one control plane: `beforeBatch(n)` is awaited before
 * the n-th batch (from 0) is sent, so a test can hold a stream open between batches and prove
 * that a client shows the first batches before the stream ends.
 */
export interface AuditStreamHooks {
  beforeBatch?: (batchIndex: number) => Promise<void>;
}

export const auditStreamHooks = new WeakMap<ControlPlaneState, AuditStreamHooks>();

/** Whether a change is one the Watch request asked for (its kinds and namespace). */
function watchFilter(request: WatchRequest): (change: StateChange) => boolean {
  const kinds = new Set(request.kinds);
  return ({ event, namespace }) =>
    (kinds.size === 0 || kinds.has(event.kind)) &&
    (request.namespace === '' || namespace === request.namespace);
}

/** OUT_OF_RANGE, saying why and what the client does about it. */
function cannotResume(after: bigint, refusal: ReplayRefusal): ConnectError {
  const why =
    refusal.reason === 'ahead'
      ? `is ahead of this control plane's resource version ${refusal.current} (it restarted, or the version is from another control plane)`
      : `is older than the changes still held (the oldest is ${refusal.oldest})`;
  return new ConnectError(
    `cannot resume the watch: after_resource_version ${after} ${why}; re-read the resources and watch from 0`,
    Code.OutOfRange,
  );
}

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
      const after = request.afterResourceVersion;
      if (after < 0n) violations.add('after_resource_version', 'must not be negative');
      violations.throwIfAny();

      const wanted = watchFilter(request);
      // The replay is taken in the same turn as the subscription, so no change falls between
      // the two; live events at or below the replay's end are dropped all the same, so none
      // can come twice.
      const replay = after > 0n ? state.changesAfter(after) : [];
      if (!Array.isArray(replay)) throw cannotResume(after, replay);
      const startVersion = state.currentResourceVersion;
      const queue: WatchEvent[] = [];
      const changed = new Notifier();
      let overflowed = false;
      const unsubscribe = state.subscribe((change) => {
        if (!wanted(change) || change.event.resourceVersion <= startVersion) return;
        if (queue.length >= MAX_WATCH_BACKLOG) overflowed = true;
        else queue.push(change.event);
        changed.notify();
      });
      try {
        // The first batch, empty, tells the client the subscription is in place, and from where:
        // now for a new watch, or the version it resumes after (the replay follows, so a stream
        // that breaks during the replay resumes from the last replayed batch, missing nothing).
        yield { events: [], resourceVersion: after > 0n ? after : startVersion };
        const replayed = replay.filter(wanted).map((change) => change.event);
        for (let i = 0; i < replayed.length; i += REPLAY_BATCH_SIZE) {
          const events = replayed.slice(i, i + REPLAY_BATCH_SIZE);
          yield { events, resourceVersion: lastVersion(events) };
        }
        for (;;) {
          if (overflowed) {
            throw new ConnectError(
              'watch stream fell too far behind; watch again and re-read the resources',
              Code.ResourceExhausted,
            );
          }
          if (queue.length === 0) await changed.wait(context.signal);
          else {
            const events = queue.splice(0, queue.length);
            yield { events, resourceVersion: lastVersion(events) };
          }
        }
      } finally {
        unsubscribe();
      }
    },
  };
}

function lastVersion(events: readonly WatchEvent[]): bigint {
  return events[events.length - 1]?.resourceVersion ?? 0n;
}
