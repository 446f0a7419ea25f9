// Maintenance mode, and drains as long-running operations: DrainConnections starts one (the
// operation id on every message; hanging up does not stop it), ListOperations / GetOperation /
// WatchOperation follow it, CancelOperation stops it (FAILED_PRECONDITION once done).

import * as grpc from '@grpc/grpc-js';
import type { CallContext } from '../state.js';
import { type Message, millis, notFound, paginate, parsePage, refuse, timestamp } from '../wire.js';
import { type Drains, type Operation, render } from './drains.js';
import type { Deps, Handlers } from './types.js';

const TYPE = 'prism.admin.v1.Operation';
const DEFAULT_DEADLINE_MS = 30_000;
const MAX_DEADLINE_MS = 60 * 60_000;

export function operationHandlers({ world, mutations }: Deps, drains: Drains): Handlers {
  const operationOf = (id: string) =>
    drains.operations.get(id) ?? notFound(TYPE, id, `operation ${id}`);

  /** The operation now, then after every change, until done (or the caller hangs up). */
  async function* follow<T>(
    operation: Operation,
    context: CallContext,
    message: (operation: Operation) => T,
  ): AsyncGenerator<T> {
    let sent = -1;
    for (;;) {
      if (context.signal.aborted) return;
      if (operation.version !== sent) {
        sent = operation.version;
        yield message(operation);
        if (operation.state !== 'OPERATION_STATE_RUNNING') return;
      } else {
        await world.changes.wait(context.signal);
      }
    }
  }

  return {
    unary: {
      GetMaintenanceStatus: () => ({ status: world.maintenance }),
      SetMaintenanceMode(request, context) {
        return mutations.run(request, context, {
          resource: 'maintenance',
          namespace: '',
          announces: {
            kind: 'RESOURCE_KIND_MAINTENANCE',
            id: 'maintenance',
            change: 'CHANGE_TYPE_UPDATED',
          },
          validate() {
            const violations = [];
            if (String(request.message ?? '').length > 1024) {
              violations.push({ field: 'message', description: 'must be at most 1024 characters' });
            }
            const end = millis(request.scheduledEndTime);
            if (request.enabled && end !== undefined && end <= Date.now()) {
              violations.push({
                field: 'scheduled_end_time',
                description: 'must be in the future',
              });
            }
            return violations;
          },
          act() {
            const previous = world.maintenance;
            world.maintenance = request.enabled
              ? {
                  enabled: true,
                  message: request.message,
                  scheduledEndTime: request.scheduledEndTime,
                  enabledBy: previous.enabled ? previous.enabledBy : context.actor,
                  enableTime: previous.enabled ? previous.enableTime : timestamp(),
                }
              : { enabled: false };
            world.changes.notify();
            return { status: world.maintenance };
          },
        });
      },
      ListOperations(request) {
        const query = JSON.stringify([Boolean(request.runningOnly)]);
        const page = parsePage(request, query, { defaultSize: 20, maxSize: 100 });
        const matches = [...drains.operations.values()]
          .filter((o) => !request.runningOnly || o.state === 'OPERATION_STATE_RUNNING')
          .reverse();
        const result = paginate(matches, page, query);
        return {
          operations: result.items.map(render),
          nextPageToken: result.nextPageToken,
          totalSize: result.totalSize,
        };
      },
      GetOperation: (request) => ({ operation: render(operationOf(String(request.id))) }),
      CancelOperation(request, context) {
        const id = String(request.id ?? '');
        return mutations.run(request, context, {
          resource: `operations/${id}`,
          namespace: drains.operations.get(id)?.target.namespace ?? '',
          validate: () => (id === '' ? [{ field: 'id', description: 'is required' }] : []),
          act() {
            const operation = operationOf(id);
            if (operation.state !== 'OPERATION_STATE_RUNNING') {
              refuse(
                grpc.status.FAILED_PRECONDITION,
                `operation ${id} is already done (${String(operation.state).replace('OPERATION_STATE_', '')})`,
                [
                  {
                    type: 'PreconditionFailure',
                    value: {
                      violations: [
                        {
                          type: 'STATE',
                          subject: `operations/${id}`,
                          description: 'is already done',
                        },
                      ],
                    },
                  },
                ],
              );
            }
            drains.cancel(operation, context.actor, String(request.reason ?? ''));
            return { operation: render(operation) };
          },
        });
      },
    },
    streaming: {
      async *DrainConnections(request, context) {
        const target = request.target as 'namespace' | 'allNamespaces' | undefined;
        const namespace = target === 'namespace' ? String(request.namespace ?? '') : undefined;
        const deadlineMs = millis(request.deadline) || DEFAULT_DEADLINE_MS;
        const operation = mutations.run(request, context, {
          resource: namespace === undefined ? 'namespaces' : `namespaces/${namespace}`,
          namespace: namespace ?? '',
          validate() {
            const violations = [];
            if (target === undefined) {
              violations.push({
                field: 'target',
                description: 'set namespace, or all_namespaces to drain every namespace',
              });
            } else if (target === 'namespace' && namespace === '') {
              violations.push({ field: 'namespace', description: 'is required' });
            } else if (target === 'allNamespaces' && !request.allNamespaces) {
              violations.push({
                field: 'all_namespaces',
                description: 'must be true to drain every namespace',
              });
            }
            if (deadlineMs < 0)
              violations.push({ field: 'deadline', description: 'must be positive' });
            else if (deadlineMs > MAX_DEADLINE_MS) {
              violations.push({ field: 'deadline', description: 'must be at most one hour' });
            }
            return violations;
          },
          act() {
            if (namespace !== undefined && !world.namespaces.has(namespace)) {
              notFound('prism.admin.v1.Namespace', namespace, `namespace ${namespace}`);
            }
            return drains.start({
              namespace,
              deadlineMs,
              force: Boolean(request.force),
              startedBy: context.actor,
              reason: String(request.reason),
              requestId: String(request.requestId),
            });
          },
        });
        yield* follow(operation, context, (o): Message => {
          const { drain } = render(o) as { drain: Message };
          return {
            total: drain.total,
            drained: drain.drained,
            remaining: drain.remaining,
            forced: drain.forced,
            done: o.state !== 'OPERATION_STATE_RUNNING',
            operationId: o.id,
          };
        });
      },
      async *WatchOperation(request, context) {
        const operation = operationOf(String(request.id ?? ''));
        yield* follow(operation, context, (o) => ({ operation: render(o) }));
      },
    },
  };
}
