// Operations: maintenance mode, connection draining and the long-running operations (drains)
// that any client may list, read, watch or cancel.

import { clone, create } from '@bufbuild/protobuf';
import { durationMs, timestampMs } from '@bufbuild/protobuf/wkt';
import { MaintenanceStatusSchema } from '../../../gen/prism/admin/v1/operations_pb.js';
import { ChangeType, ResourceKind } from '../../../gen/prism/admin/v1/watch_pb.js';
import type { DrainOperation } from '../drain.js';
import { followOperation } from '../operations.js';
import { parsePageRequest } from '../paging.js';
import { notFound, Violations } from '../validation.js';
import type { Handlers, ServiceDeps } from './deps.js';

export const DEFAULT_DRAIN_DEADLINE_MS = 30_000;
export const MAX_DRAIN_DEADLINE_MS = 60 * 60_000;
const MAX_MESSAGE_LENGTH = 1024;
export const DEFAULT_OPERATIONS_PAGE_SIZE = 20;
export const MAX_OPERATIONS_PAGE_SIZE = 100;

export function operationHandlers({
  state,
  mutations,
  drains,
}: ServiceDeps): Handlers<
  | 'getMaintenanceStatus'
  | 'setMaintenanceMode'
  | 'drainConnections'
  | 'listOperations'
  | 'getOperation'
  | 'watchOperation'
  | 'cancelOperation'
> {
  const find = (id: string): DrainOperation => {
    const operation = id === '' ? undefined : drains.operations.get(id);
    if (!operation) throw notFound(`operation ${id}`);
    return operation;
  };
  return {
    getMaintenanceStatus() {
      return { status: clone(MaintenanceStatusSchema, state.maintenance) };
    },

    setMaintenanceMode(request, context) {
      return mutations.run(context, {
        requestId: request.requestId,
        reason: request.reason,
        resource: 'maintenance',
        namespace: '',
        validate(violations) {
          if (request.message.length > MAX_MESSAGE_LENGTH) {
            violations.add('message', `must be at most ${MAX_MESSAGE_LENGTH} characters`);
          }
          const end = request.scheduledEndTime;
          if (request.enabled && end && timestampMs(end) <= state.now().getTime()) {
            violations.add('scheduled_end_time', 'must be in the future');
          }
        },
        apply(actor) {
          const previous = state.maintenance;
          state.maintenance = request.enabled
            ? create(MaintenanceStatusSchema, {
                enabled: true,
                message: request.message,
                scheduledEndTime: request.scheduledEndTime,
                // Changing the message of an ongoing maintenance keeps who started it and when.
                enabledBy: previous.enabled ? previous.enabledBy : actor,
                enableTime: previous.enabled ? previous.enableTime : state.timestamp(),
              })
            : create(MaintenanceStatusSchema, { enabled: false });
          state.commitRaft();
          state.emit(ResourceKind.MAINTENANCE, 'maintenance', ChangeType.UPDATED);
          return { status: clone(MaintenanceStatusSchema, state.maintenance) };
        },
      });
    },

    async *drainConnections(request, context) {
      const target = request.target;
      const namespace = target.case === 'namespace' ? target.value : undefined;
      const deadlineMs = request.deadline
        ? durationMs(request.deadline)
        : DEFAULT_DRAIN_DEADLINE_MS;
      const operation = await mutations.run<DrainOperation>(context, {
        requestId: request.requestId,
        reason: request.reason,
        resource: namespace === undefined ? 'namespaces' : `namespaces/${namespace}`,
        namespace: namespace ?? '',
        validate(violations) {
          if (target.case === undefined) {
            violations.add('target', 'set namespace, or all_namespaces to drain every namespace');
          } else if (target.case === 'namespace' && target.value === '') {
            violations.add('namespace', 'is required');
          } else if (target.case === 'allNamespaces' && !target.value) {
            violations.add('all_namespaces', 'must be true to drain every namespace');
          }
          if (deadlineMs <= 0) violations.add('deadline', 'must be positive');
          else if (deadlineMs > MAX_DRAIN_DEADLINE_MS) {
            violations.add('deadline', 'must be at most one hour');
          }
        },
        apply(actor) {
          if (namespace !== undefined && !state.namespaces.has(namespace)) {
            throw notFound(`namespace ${namespace}`);
          }
          return drains.start(
            { namespace, deadlineMs, force: request.force },
            { actor, reason: request.reason, requestId: request.requestId },
          );
        },
      });
      yield* followOperation(operation, context.signal, () => operation.progress());
    },

    listOperations(request) {
      const violations = new Violations();
      const page = parsePageRequest(violations, request.pageSize, request.pageToken, {
        method: 'ListOperations',
        runningOnly: request.runningOnly,
      });
      violations.throwIfAny();
      const size =
        request.pageSize <= 0
          ? DEFAULT_OPERATIONS_PAGE_SIZE
          : Math.min(request.pageSize, MAX_OPERATIONS_PAGE_SIZE);
      const matches = drains.operations.list(request.runningOnly);
      const end = page.offset + size;
      return {
        operations: matches.slice(page.offset, end).map((o) => o.snapshot()),
        // The token format of paging.ts, with this RPC's own page size.
        nextPageToken: end < matches.length ? pageToken(end, page.queryHash) : '',
        totalSize: matches.length,
      };
    },

    getOperation(request) {
      return { operation: find(request.id).snapshot() };
    },

    async *watchOperation(request, context) {
      const operation = find(request.id);
      yield* followOperation(operation, context.signal, () => ({
        operation: operation.snapshot(),
      }));
    },

    cancelOperation(request, context) {
      const target = drains.operations.get(request.id);
      const namespace = target?.target.namespace ?? '';
      return mutations.run(context, {
        requestId: request.requestId,
        reason: request.reason,
        resource: `operations/${request.id}`,
        namespace,
        validate(violations) {
          if (request.id === '') violations.add('id', 'is required');
        },
        apply(actor) {
          return { operation: drains.cancel(request.id, actor, request.reason) };
        },
      });
    },
  };
}

function pageToken(offset: number, queryHash: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: queryHash })).toString('base64url');
}
