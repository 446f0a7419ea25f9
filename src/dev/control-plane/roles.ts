// Who may call what: the role rules of DESIGN.md as one table over the RPCs of AdminService.
// Typing it over the service's method names makes a new RPC fail to compile until it is
// classified here, so nothing is ever open by omission.

import type { DescMethod } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { AdminService } from '../../gen/prism/admin/v1/admin_service_pb.js';
import type { Role } from '../../plugins/operator.js';

import { roleFromClaim as consoleRoleFromClaim, hasRole } from '../../plugins/operator.js';

export type { Role } from '../../plugins/operator.js';

/** The RPCs of AdminService by their generated (camelCase) names, e.g. 'createNamespace'. */
export type AdminMethodName = keyof typeof AdminService.method;

export interface RpcAccess {
  /** The least role that may call it. */
  readonly role: Role;
  /**
   * Changes state. A refused mutation is audited as DENIED (by the mutation runner, which knows
   * the resource, reason and request id); a refused read is not, because nothing happened.
   */
  readonly mutation: boolean;
}

const read = (role: Role): RpcAccess => ({ role, mutation: false });
const write = (role: Role): RpcAccess => ({ role, mutation: true });

/**
 * Viewers read (every RPC marked NO_SIDE_EFFECTS, plus Watch); operators also terminate
 * sessions, set maintenance mode and drain; admins do everything else, and read the audit log.
 */
export const RPC_ACCESS: { readonly [K in AdminMethodName]: RpcAccess } = {
  listNamespaces: read('viewer'),
  getNamespace: read('viewer'),
  createNamespace: write('admin'),
  updateNamespace: write('admin'),
  deleteNamespace: write('admin'),

  listClientConfigurations: read('viewer'),
  getClientConfiguration: read('viewer'),
  createClientConfiguration: write('admin'),
  updateClientConfiguration: write('admin'),
  deleteClientConfiguration: write('admin'),

  listClientSessions: read('viewer'),
  getClientSession: read('viewer'),
  terminateClientSession: write('operator'),

  listBackends: read('viewer'),
  getBackendStatus: read('viewer'),
  getClusterStatus: read('viewer'),
  listProxies: read('viewer'),
  listLaunchers: read('viewer'),
  listPatterns: read('viewer'),

  getMaintenanceStatus: read('viewer'),
  setMaintenanceMode: write('operator'),
  drainConnections: write('operator'),
  listOperations: read('viewer'),
  getOperation: read('viewer'),
  watchOperation: read('viewer'),
  cancelOperation: write('operator'),

  getMetrics: read('viewer'),
  // Who did what is itself sensitive: admins only.
  getAuditLog: read('admin'),
  watch: read('viewer'),
};

/** The access rule of an RPC, by generated name or descriptor (which must be AdminService's). */
export function rpcAccess(method: AdminMethodName | DescMethod): RpcAccess {
  const name = typeof method === 'string' ? method : adminMethodName(method);
  const access = Object.hasOwn(RPC_ACCESS, name) ? RPC_ACCESS[name as AdminMethodName] : undefined;
  if (!access) {
    // Only reachable with a method of another service: refuse rather than guess.
    throw new ConnectError(`no role rule for ${name}`, Code.Internal);
  }
  return access;
}

/** The least role that may call the RPC, e.g. requiredRole('setMaintenanceMode') = 'operator'. */
export function requiredRole(method: AdminMethodName | DescMethod): Role {
  return rpcAccess(method).role;
}

function adminMethodName(method: DescMethod): string {
  return method.parent.typeName === AdminService.typeName
    ? method.localName
    : `${method.parent.typeName}/${method.name}`;
}

/** Whether `role` may do what `required` may (admin ⊇ operator ⊇ viewer). */
export function roleAllows(role: Role, required: Role): boolean {
  return hasRole(role, required);
}

export const DEFAULT_ROLE_CLAIM = 'groups';

export const DEFAULT_ROLE_MAPPING: Readonly<Record<string, Role>> = {
  'prism-admins': 'admin',
  'prism-operators': 'operator',
  'prism-viewers': 'viewer',
};

/** The role a token's claim grants: the console's own rule, with the demo's default mapping. */
export function roleFromClaim(
  value: unknown,
  mapping: Readonly<Record<string, Role>> = DEFAULT_ROLE_MAPPING,
): Role | undefined {
  return consoleRoleFromClaim(value, mapping);
}
