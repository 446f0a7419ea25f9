import { hasRole, type Role } from '../plugins/operator.js';

/*
 * What each action the console offers needs, and whether an operator may use it. The console
 * checks on the server before it calls the control plane (which checks again with the operator's
 * own token), and shows an action the role may not use as disabled, naming the role it needs.
 */

/**
 * The least role of each control-plane mutation the console offers, as the control plane
 * requires it (the role rules of DESIGN.md). Keyed by the RPC's generated name;
 * test/views/permissions.test.ts keeps it in step with the demo control plane's table.
 */
export const NEEDS = {
  createNamespace: 'admin',
  updateNamespace: 'admin',
  deleteNamespace: 'admin',
  createClientConfiguration: 'admin',
  updateClientConfiguration: 'admin',
  deleteClientConfiguration: 'admin',
  setMaintenanceMode: 'operator',
  drainConnections: 'operator',
  cancelOperation: 'operator',
} as const satisfies Record<string, Role>;

export type GuardedAction = keyof typeof NEEDS;

/** The audit log: who did what is itself sensitive (the control plane's rule for GetAuditLog). */
export const AUDIT_LOG_ROLE: Role = 'admin';

/** Seeing who is signed in and revoking their sessions: the console's own, for admins only. */
export const CONSOLE_SESSIONS_ROLE: Role = 'admin';

export interface Permission {
  allowed: boolean;
  /** The least role that may use it, shown when it is not allowed. */
  needs: Role;
}

export type Permissions = { readonly [A in GuardedAction]: Permission };

/** What an operator with `role` may do; nothing when signed out. */
export function permissionsFor(role: Role | undefined): Permissions {
  const entries = Object.entries(NEEDS).map(([action, needs]) => [
    action,
    { allowed: hasRole(role, needs), needs },
  ]);
  return Object.fromEntries(entries) as Permissions;
}
