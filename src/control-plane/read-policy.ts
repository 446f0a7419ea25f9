// What each AdminService RPC's answer depends on (or what a write changes), for the read cache
// (src/control-plane/read-cache.ts): kept answers are dropped when the watch announces a change
// of one of these kinds.

import type { AdminService } from '../gen/prism/admin/v1/admin_service_pb.js';
import { ResourceKind as K, type ResourceKind } from '../gen/prism/admin/v1/watch_pb.js';

type AdminMethodName = keyof typeof AdminService.method;

/** What a method's answer depends on, or what a write changes. */
export type Policy =
  | { readonly read: readonly ResourceKind[] | 'all' }
  /** Shared while in flight, never kept: what it shows is not announced by the watch. */
  | { readonly read: 'coalesce' }
  /** Always the operator's own call (audit log: the role rules restrict it; streams). */
  | 'direct'
  | { readonly write: readonly ResourceKind[] | 'all' };

const reads = (...kinds: ResourceKind[]): Policy => ({ read: kinds });
const writes = (...kinds: ResourceKind[]): Policy => ({ write: kinds });
const NAMESPACE_PARTS = [K.NAMESPACE, K.CLIENT_SESSION, K.CLIENT_CONFIGURATION, K.PATTERN, K.PROXY];

/** Every RPC classified: a new one does not compile until it is. Generous on purpose. */
export const CACHE_POLICY: { readonly [M in AdminMethodName]: Policy } = {
  listNamespaces: reads(K.NAMESPACE, K.CLIENT_SESSION, K.PROXY),
  getNamespace: reads(K.NAMESPACE, K.CLIENT_SESSION, K.PROXY),
  createNamespace: writes(K.NAMESPACE),
  updateNamespace: writes(K.NAMESPACE),
  deleteNamespace: writes(...NAMESPACE_PARTS),
  listClientConfigurations: reads(K.CLIENT_CONFIGURATION, K.NAMESPACE, K.PATTERN),
  getClientConfiguration: reads(K.CLIENT_CONFIGURATION, K.NAMESPACE, K.PATTERN),
  createClientConfiguration: writes(K.CLIENT_CONFIGURATION),
  updateClientConfiguration: writes(K.CLIENT_CONFIGURATION),
  deleteClientConfiguration: writes(K.CLIENT_CONFIGURATION),
  listClientSessions: reads(K.CLIENT_SESSION, K.NAMESPACE),
  getClientSession: reads(K.CLIENT_SESSION, K.NAMESPACE),
  terminateClientSession: writes(K.CLIENT_SESSION, K.NAMESPACE),
  listBackends: reads(K.BACKEND),
  getBackendStatus: reads(K.BACKEND),
  getClusterStatus: reads(K.CLUSTER, K.PROXY, K.LAUNCHER, K.BACKEND),
  listProxies: reads(K.PROXY),
  listLaunchers: reads(K.LAUNCHER),
  listPatterns: reads(K.PATTERN),
  getMaintenanceStatus: reads(K.MAINTENANCE),
  setMaintenanceMode: writes(K.MAINTENANCE),
  drainConnections: writes(K.CLIENT_SESSION, K.NAMESPACE),
  // Operations and metrics move without watch events.
  listOperations: { read: 'coalesce' },
  getOperation: { read: 'coalesce' },
  watchOperation: 'direct',
  cancelOperation: { write: 'all' },
  getMetrics: { read: 'coalesce' },
  getAuditLog: 'direct',
  watch: 'direct',
};

/** A method of another service (never in this console): depends on everything. */
const UNKNOWN: Policy = { read: 'all' };

export function policyOf(name: string): Policy {
  const camel = name.charAt(0).toLowerCase() + name.slice(1);
  return Object.hasOwn(CACHE_POLICY, camel) ? CACHE_POLICY[camel as AdminMethodName] : UNKNOWN;
}

export const depends = (
  kinds: readonly ResourceKind[] | 'all',
  changed: ReadonlySet<ResourceKind> | 'all',
) => kinds === 'all' || changed === 'all' || kinds.some((kind) => changed.has(kind));
