import type { ServiceImpl } from '@connectrpc/connect';
import type { AdminService } from '../../../gen/prism/admin/v1/admin_service_pb.js';
import type { DrainManager } from '../drain.js';
import type { MutationRunner } from '../mutations.js';
import type { ControlPlaneState } from '../state.js';

/** What every area of the service implementation works with. */
export interface ServiceDeps {
  readonly state: ControlPlaneState;
  readonly mutations: MutationRunner;
  readonly drains: DrainManager;
}

export type AdminServiceImpl = ServiceImpl<typeof AdminService>;

/** The handlers of some RPCs of AdminService. */
export type Handlers<K extends keyof AdminServiceImpl> = Pick<AdminServiceImpl, K>;
