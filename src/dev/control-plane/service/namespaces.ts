// Namespaces: List, Get, Create, Update, Delete.
// Over 300 lines because it is the whole of one resource's five calls, each with its checks,
// audit and idempotency as a grpc-go server would do them; the other resources follow its shape.

import { clone, create } from '@bufbuild/protobuf';
import { timestampMs } from '@bufbuild/protobuf/wkt';
import { SessionStatus } from '../../../gen/prism/admin/v1/client_session_pb.js';
import {
  type Namespace,
  NamespaceQuotaSchema,
  NamespaceSchema,
  NamespaceStatus,
} from '../../../gen/prism/admin/v1/namespace_pb.js';
import { ChangeType, ResourceKind } from '../../../gen/prism/admin/v1/watch_pb.js';
import { namespaceResource } from '../metrics.js';
import { paginate, parsePageRequest } from '../paging.js';
import type { ControlPlaneState } from '../state.js';
import {
  alreadyExists,
  invalidArgument,
  notFound,
  staleVersion,
  Violations,
} from '../validation.js';
import type { Handlers, ServiceDeps } from './deps.js';

const ORDER_FIELDS = [
  'name',
  'status',
  'create_time',
  'active_sessions',
  'storage_used_bytes',
  'rps',
] as const;
type OrderField = (typeof ORDER_FIELDS)[number];

/** The fields UpdateNamespace may change; an empty update_mask means all of them. */
const UPDATABLE_PATHS = [
  'description',
  'status',
  'quota',
  'quota.max_sessions',
  'quota.max_storage_bytes',
  'quota.max_rps',
  'config',
] as const;
type UpdatablePath = (typeof UPDATABLE_PATHS)[number];
const DEFAULT_UPDATE_PATHS: readonly UpdatablePath[] = ['description', 'status', 'quota', 'config'];

export function namespaceHandlers({
  state,
  mutations,
}: ServiceDeps): Handlers<
  'listNamespaces' | 'getNamespace' | 'createNamespace' | 'updateNamespace' | 'deleteNamespace'
> {
  return {
    listNamespaces(request) {
      const violations = new Violations();
      const order = parseOrderBy(violations, request.orderBy);
      violations.enumValue('status', request.status, NamespaceStatus, false);
      const page = parsePageRequest(violations, request.pageSize, request.pageToken, {
        method: 'ListNamespaces',
        filter: request.filter.trim().toLowerCase(),
        status: request.status,
        orderBy: order ? `${order.field}${order.descending ? ' desc' : ''}` : '',
      });
      violations.throwIfAny();

      const needle = request.filter.trim().toLowerCase();
      const matches = [...state.namespaces.values()].filter(
        (ns) =>
          (request.status === NamespaceStatus.UNSPECIFIED || ns.status === request.status) &&
          (needle === '' ||
            ns.name.toLowerCase().includes(needle) ||
            ns.description.toLowerCase().includes(needle)),
      );
      matches.sort(compareNamespaces(order ?? { field: 'name', descending: false }));
      const result = paginate(matches, page);
      return {
        namespaces: result.items.map((ns) => clone(NamespaceSchema, ns)),
        nextPageToken: result.nextPageToken,
        previousPageToken: result.previousPageToken,
        totalSize: result.totalSize,
      };
    },

    getNamespace(request) {
      const namespace = state.namespaces.get(request.name);
      if (!namespace) throw notFound(`namespace ${request.name}`);
      return { namespace: clone(NamespaceSchema, namespace) };
    },

    createNamespace(request, context) {
      const input = request.namespace;
      const name = input?.name ?? '';
      return mutations.run(context, {
        requestId: request.requestId,
        reason: request.reason,
        resource: `namespaces/${name}`,
        namespace: name,
        validate(violations) {
          if (!input) {
            violations.add('namespace', 'is required');
            return;
          }
          violations.name('namespace.name', input.name, 'namespace');
          // Unset status means ACTIVE on create.
          validateNamespaceFields(violations, input, DEFAULT_UPDATE_PATHS, false);
        },
        apply(actor) {
          if (!input) throw invalidArgument([{ field: 'namespace', description: 'is required' }]);
          if (state.namespaces.has(name)) throw alreadyExists(`namespace ${name}`);
          const now = state.timestamp();
          const partition = state.partitionOf(name);
          // Output-only fields of the input (metrics, placement, times, version) are ignored.
          const namespace = create(NamespaceSchema, {
            name,
            description: input.description,
            status:
              input.status === NamespaceStatus.UNSPECIFIED ? NamespaceStatus.ACTIVE : input.status,
            quota: input.quota ? clone(NamespaceQuotaSchema, input.quota) : {},
            metrics: { activeSessions: 0, storageUsedBytes: 0n, rps: 0 },
            config: { ...input.config },
            assignedProxy: state.proxyForPartition(partition)?.id ?? '',
            partition,
            createTime: now,
            createdBy: actor,
            updateTime: now,
            updatedBy: actor,
            version: 1n,
          });
          state.namespaces.set(name, namespace);
          state.refreshPlacementCounts();
          state.commitRaft();
          state.emit(ResourceKind.NAMESPACE, name, ChangeType.CREATED, name);
          if (namespace.assignedProxy !== '') {
            state.emit(ResourceKind.PROXY, namespace.assignedProxy, ChangeType.UPDATED);
          }
          return { namespace: clone(NamespaceSchema, namespace) };
        },
      });
    },

    updateNamespace(request, context) {
      const input = request.namespace;
      const name = input?.name ?? '';
      return mutations.run(context, {
        requestId: request.requestId,
        reason: request.reason,
        resource: `namespaces/${name}`,
        namespace: name,
        validate(violations) {
          if (!input) {
            violations.add('namespace', 'is required');
            return;
          }
          if (name === '') violations.add('namespace.name', 'is required');
          const masked = request.updateMask?.paths ?? [];
          const paths = parseUpdateMask(violations, masked);
          // Without a mask an unset status keeps the current one; naming it means setting it.
          validateNamespaceFields(violations, input, paths, masked.length > 0);
        },
        apply(actor) {
          const current = state.namespaces.get(name);
          if (!input || !current) throw notFound(`namespace ${name}`);
          if (input.version !== current.version) {
            throw staleVersion(`namespace ${name}`, current.version, input.version);
          }
          const paths = parseUpdateMask(new Violations(), request.updateMask?.paths ?? []);
          applyUpdate(current, input, paths);
          current.version += 1n;
          current.updateTime = state.timestamp();
          current.updatedBy = actor;
          state.commitRaft();
          state.emit(ResourceKind.NAMESPACE, name, ChangeType.UPDATED, name);
          return { namespace: clone(NamespaceSchema, current) };
        },
      });
    },

    deleteNamespace(request, context) {
      const name = request.name;
      return mutations.run(context, {
        requestId: request.requestId,
        reason: request.reason,
        resource: `namespaces/${name}`,
        namespace: name,
        validate(violations) {
          if (name === '') violations.add('name', 'is required');
          violations.notNegative('version', request.version);
        },
        apply() {
          const current = state.namespaces.get(name);
          if (!current) throw notFound(`namespace ${name}`);
          if (request.version !== 0n && request.version !== current.version) {
            throw staleVersion(`namespace ${name}`, current.version, request.version);
          }
          deleteNamespaceCascade(state, current);
          return {};
        },
      });
    },
  };
}

function parseOrderBy(
  violations: Violations,
  orderBy: string,
): { field: OrderField; descending: boolean } | undefined {
  const words = orderBy.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return undefined;
  const [field, direction, ...rest] = words;
  const known = ORDER_FIELDS.find((f) => f === field);
  if (!known || (direction !== undefined && direction !== 'desc') || rest.length > 0) {
    violations.add(
      'order_by',
      `must be one of ${ORDER_FIELDS.join(', ')}, optionally followed by " desc"`,
    );
    return undefined;
  }
  return { field: known, descending: direction === 'desc' };
}

function compareNamespaces(order: { field: OrderField; descending: boolean }) {
  const key = (ns: Namespace): number | string => {
    switch (order.field) {
      case 'name':
        return ns.name;
      case 'status':
        return ns.status;
      case 'create_time':
        return ns.createTime ? timestampMs(ns.createTime) : 0;
      case 'active_sessions':
        return ns.metrics?.activeSessions ?? 0;
      case 'storage_used_bytes':
        return Number(ns.metrics?.storageUsedBytes ?? 0n);
      case 'rps':
        return ns.metrics?.rps ?? 0;
    }
  };
  const sign = order.descending ? -1 : 1;
  return (a: Namespace, b: Namespace): number => {
    const ka = key(a);
    const kb = key(b);
    const primary = ka < kb ? -1 : ka > kb ? 1 : 0;
    // Ties are broken by name, always ascending, so pages are stable.
    return primary !== 0 ? primary * sign : a.name.localeCompare(b.name);
  };
}

/** Accepts snake_case (as in the proto) and lowerCamelCase (as in JSON) paths. */
function parseUpdateMask(violations: Violations, paths: readonly string[]): UpdatablePath[] {
  if (paths.length === 0) return [...DEFAULT_UPDATE_PATHS];
  const result: UpdatablePath[] = [];
  for (const raw of paths) {
    const path = raw.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const known = UPDATABLE_PATHS.find((p) => p === path);
    if (known) result.push(known);
    else {
      violations.add(
        'update_mask',
        `cannot update "${raw}": updatable fields are ${UPDATABLE_PATHS.join(', ')}`,
      );
    }
  }
  return result;
}

function validateNamespaceFields(
  violations: Violations,
  input: Namespace,
  paths: readonly UpdatablePath[],
  statusRequired: boolean,
): void {
  const has = (path: UpdatablePath) => paths.includes(path);
  if (has('description')) violations.description('namespace.description', input.description);
  if (has('status')) {
    violations.enumValue('namespace.status', input.status, NamespaceStatus, statusRequired);
  }
  const quota = input.quota;
  if (quota) {
    if (has('quota') || has('quota.max_sessions')) {
      violations.notNegative('namespace.quota.max_sessions', quota.maxSessions);
    }
    if (has('quota') || has('quota.max_storage_bytes')) {
      violations.notNegative('namespace.quota.max_storage_bytes', quota.maxStorageBytes);
    }
    if (has('quota') || has('quota.max_rps')) {
      violations.notNegative('namespace.quota.max_rps', quota.maxRps);
    }
  }
  if (has('config')) violations.stringMap('namespace.config', input.config);
}

function applyUpdate(target: Namespace, input: Namespace, paths: readonly UpdatablePath[]): void {
  target.quota ??= create(NamespaceQuotaSchema);
  const quota = target.quota;
  for (const path of paths) {
    switch (path) {
      case 'description':
        target.description = input.description;
        break;
      case 'status':
        // An unset status in a full update keeps the current one.
        if (input.status !== NamespaceStatus.UNSPECIFIED) target.status = input.status;
        break;
      case 'quota':
        quota.maxSessions = input.quota?.maxSessions ?? 0;
        quota.maxStorageBytes = input.quota?.maxStorageBytes ?? 0n;
        quota.maxRps = input.quota?.maxRps ?? 0;
        break;
      case 'quota.max_sessions':
        quota.maxSessions = input.quota?.maxSessions ?? 0;
        break;
      case 'quota.max_storage_bytes':
        quota.maxStorageBytes = input.quota?.maxStorageBytes ?? 0n;
        break;
      case 'quota.max_rps':
        quota.maxRps = input.quota?.maxRps ?? 0;
        break;
      case 'config':
        target.config = { ...input.config };
        break;
    }
  }
}

/**
 * Deleting a namespace closes its sessions and removes its client configurations and pattern
 * assignments, as prism-admin does; each of those changes is announced to Watch streams.
 */
function deleteNamespaceCascade(state: ControlPlaneState, namespace: Namespace): void {
  const name = namespace.name;
  const now = state.timestamp();
  for (const session of state.openSessions(name)) {
    session.status = SessionStatus.TERMINATED;
    session.expireTime = now;
    if (session.metrics) session.metrics.rps = 0;
    state.emit(ResourceKind.CLIENT_SESSION, session.id, ChangeType.UPDATED, name);
  }
  for (const config of [...state.clientConfigurations.values()]) {
    if (config.namespace !== name) continue;
    state.clientConfigurations.delete(config.name);
    state.emit(ResourceKind.CLIENT_CONFIGURATION, config.name, ChangeType.DELETED, name);
  }
  for (const pattern of [...state.patterns.values()]) {
    if (pattern.namespace !== name) continue;
    state.patterns.delete(pattern.id);
    state.emit(ResourceKind.PATTERN, pattern.id, ChangeType.DELETED, name);
  }
  state.namespaces.delete(name);
  state.metrics.drop(namespaceResource(name));
  state.refreshPlacementCounts();
  state.commitRaft();
  state.emit(ResourceKind.NAMESPACE, name, ChangeType.DELETED, name);
  if (namespace.assignedProxy !== '') {
    state.emit(ResourceKind.PROXY, namespace.assignedProxy, ChangeType.UPDATED);
  }
}
