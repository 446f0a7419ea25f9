// Namespaces: list, get, create, update (with its version), delete.

import * as grpc from '@grpc/grpc-js';
import type { NamespaceObject } from '../state.js';
import {
  invalid,
  type Message,
  notFound,
  paginate,
  parsePage,
  refuse,
  staleVersion,
  timestamp,
} from '../wire.js';
import type { Deps, Handlers } from './types.js';

const TYPE = 'prism.admin.v1.Namespace';

const ORDER_FIELDS = [
  'name',
  'status',
  'create_time',
  'active_sessions',
  'storage_used_bytes',
  'rps',
];

function compare(a: string | number, b: string | number): number {
  return typeof a === 'number' && typeof b === 'number'
    ? a - b
    : String(a).localeCompare(String(b));
}

function sortKey(namespace: NamespaceObject, key: string): string | number {
  const metrics = (namespace.metrics ?? {}) as Message;
  if (key === 'active_sessions') return Number(metrics.activeSessions ?? 0);
  if (key === 'storage_used_bytes') return Number(metrics.storageUsedBytes ?? 0);
  if (key === 'rps') return Number(metrics.rps ?? 0);
  if (key === 'create_time')
    return Number((namespace.createTime as Message | undefined)?.seconds ?? 0);
  return String(namespace[key] ?? '');
}

export function namespaceHandlers({ world, mutations }: Deps): Handlers {
  const { namespaces } = world;
  /** Open sessions counted from the sessions this server holds (when it holds any there). */
  const withLiveMetrics = (namespace: NamespaceObject): NamespaceObject => {
    let open = 0;
    let seen = false;
    for (const session of world.sessions.values()) {
      if (session.namespace !== namespace.name) continue;
      seen = true;
      if (session.status !== 'SESSION_STATUS_TERMINATED') open++;
    }
    if (!seen) return namespace;
    return {
      ...namespace,
      metrics: { ...((namespace.metrics ?? {}) as Message), activeSessions: open },
    };
  };
  const namespaceOf = (name: string) =>
    namespaces.get(name) ?? notFound(TYPE, name, `namespace ${name}`);

  return {
    unary: {
      ListNamespaces(request) {
        const orderBy = String(request.orderBy ?? '').trim() || 'name';
        const [key = '', direction, ...rest] = orderBy.split(/\s+/);
        if (
          !ORDER_FIELDS.includes(key) ||
          (direction !== undefined && direction !== 'desc') ||
          rest.length > 0
        ) {
          invalid([{ field: 'order_by', description: `cannot order by "${orderBy}"` }]);
        }
        const filter = String(request.filter ?? '').toLowerCase();
        const status = String(request.status ?? 'NAMESPACE_STATUS_UNSPECIFIED');
        const query = JSON.stringify([filter, status, orderBy]);
        const page = parsePage(request, query, { defaultSize: 50, maxSize: 500 });
        const sign = direction === 'desc' ? -1 : 1;
        const matches = [...namespaces.values()]
          .map(withLiveMetrics)
          .filter(
            (n) =>
              (status === 'NAMESPACE_STATUS_UNSPECIFIED' || n.status === status) &&
              (filter === '' ||
                n.name.toLowerCase().includes(filter) ||
                String(n.description ?? '')
                  .toLowerCase()
                  .includes(filter)),
          )
          .sort(
            (a, b) =>
              sign * compare(sortKey(a, key), sortKey(b, key)) || a.name.localeCompare(b.name),
          );
        const result = paginate(matches, page, query);
        return {
          namespaces: result.items,
          nextPageToken: result.nextPageToken,
          previousPageToken: result.previousPageToken,
          totalSize: result.totalSize,
        };
      },
      GetNamespace: (request) => ({
        namespace: withLiveMetrics(namespaceOf(String(request.name))),
      }),
      CreateNamespace: (request, context) => {
        const input = (request.namespace ?? {}) as Message;
        const name = String(input.name ?? '');
        return mutations.run(request, context, {
          resource: `namespaces/${name}`,
          namespace: name,
          announces: { kind: 'RESOURCE_KIND_NAMESPACE', id: name, change: 'CHANGE_TYPE_CREATED' },
          act() {
            if (namespaces.has(name)) {
              refuse(grpc.status.ALREADY_EXISTS, `namespace ${name} already exists`, [
                { type: 'ResourceInfo', value: { resource_type: TYPE, resource_name: name } },
              ]);
            }
            const namespace: NamespaceObject = {
              ...input,
              name,
              status:
                input.status === 'NAMESPACE_STATUS_UNSPECIFIED'
                  ? 'NAMESPACE_STATUS_ACTIVE'
                  : input.status,
              createTime: timestamp(),
              updateTime: timestamp(),
              createdBy: context.actor,
              updatedBy: context.actor,
              version: '1',
            };
            namespaces.set(name, namespace);
            return { namespace };
          },
        });
      },
      UpdateNamespace: (request, context) => {
        const input = (request.namespace ?? {}) as Message;
        const name = String(input.name ?? '');
        return mutations.run(request, context, {
          resource: `namespaces/${name}`,
          namespace: name,
          announces: { kind: 'RESOURCE_KIND_NAMESPACE', id: name, change: 'CHANGE_TYPE_UPDATED' },
          act() {
            const current = namespaceOf(name);
            if (String(input.version) !== current.version) {
              staleVersion(
                `${TYPE}/${current.name}`,
                `namespace ${current.name}`,
                current.version,
                String(input.version),
              );
            }
            const updated: NamespaceObject = {
              ...current,
              description: input.description,
              quota: input.quota,
              config: input.config,
              ...(input.status !== 'NAMESPACE_STATUS_UNSPECIFIED' ? { status: input.status } : {}),
              version: String(BigInt(current.version) + 1n),
              updateTime: timestamp(),
              updatedBy: context.actor,
            };
            namespaces.set(current.name, updated);
            return { namespace: updated };
          },
        });
      },
      DeleteNamespace: (request, context) => {
        const name = String(request.name);
        return mutations.run(request, context, {
          resource: `namespaces/${name}`,
          namespace: name,
          announces: { kind: 'RESOURCE_KIND_NAMESPACE', id: name, change: 'CHANGE_TYPE_DELETED' },
          act() {
            namespaces.delete(namespaceOf(name).name);
            return {};
          },
        });
      },
    },
  };
}
