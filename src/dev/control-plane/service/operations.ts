// Operations: maintenance mode and connection draining.

import { clone, create } from '@bufbuild/protobuf';
import { durationMs, timestampMs } from '@bufbuild/protobuf/wkt';
import {
  type DrainConnectionsResponse,
  MaintenanceStatusSchema,
} from '../../../gen/prism/admin/v1/operations_pb.js';
import { ChangeType, ResourceKind } from '../../../gen/prism/admin/v1/watch_pb.js';
import type { DrainOperation } from '../drain.js';
import { notFound } from '../validation.js';
import type { Handlers, ServiceDeps } from './deps.js';

export const DEFAULT_DRAIN_DEADLINE_MS = 30_000;
export const MAX_DRAIN_DEADLINE_MS = 60 * 60_000;
const MAX_MESSAGE_LENGTH = 1024;

export function operationHandlers({
  state,
  mutations,
  drains,
}: ServiceDeps): Handlers<'getMaintenanceStatus' | 'setMaintenanceMode' | 'drainConnections'> {
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
        apply() {
          if (namespace !== undefined && !state.namespaces.has(namespace)) {
            throw notFound(`namespace ${namespace}`);
          }
          return drains.start({ namespace, deadlineMs, force: request.force });
        },
      });
      yield* followDrain(operation, context.signal);
    },
  };
}

/** Streams a drain's progress: the current state at once, then every change, until done. */
async function* followDrain(
  operation: DrainOperation,
  signal: AbortSignal,
): AsyncGenerator<DrainConnectionsResponse> {
  let sent = -1;
  for (;;) {
    if (operation.sequence !== sent) {
      sent = operation.sequence;
      const progress = operation.progress();
      yield progress;
      if (progress.done) return;
    } else {
      await operation.changed.wait(signal);
    }
  }
}
