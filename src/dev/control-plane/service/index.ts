// The whole AdminService implementation, assembled from its areas. Typing it as the full
// ServiceImpl makes the compiler refuse a missing RPC.

import type { DrainManager } from '../drain.js';
import { MutationRunner } from '../mutations.js';
import type { ControlPlaneState } from '../state.js';
import { auditAndWatchHandlers } from './audit-and-watch.js';
import { clientConfigurationHandlers } from './client-configurations.js';
import { clientSessionHandlers } from './client-sessions.js';
import type { AdminServiceImpl, ServiceDeps } from './deps.js';
import { infrastructureHandlers } from './infrastructure.js';
import { namespaceHandlers } from './namespaces.js';
import { operationHandlers } from './operations.js';

export interface AdminServiceOptions {
  readonly state: ControlPlaneState;
  readonly drains: DrainManager;
}

export function createAdminService(options: AdminServiceOptions): AdminServiceImpl {
  const deps: ServiceDeps = {
    state: options.state,
    drains: options.drains,
    mutations: new MutationRunner(options.state),
  };
  return {
    ...namespaceHandlers(deps),
    ...clientConfigurationHandlers(deps),
    ...clientSessionHandlers(deps),
    ...infrastructureHandlers(deps),
    ...operationHandlers(deps),
    ...auditAndWatchHandlers(deps),
  };
}
