// The demo control plane: a real gRPC server implementing the whole AdminService over
// in-memory state, with a traffic simulator. Started by the demo (`npm start`, `npm run dev`)
// and by tests only — never by `serve` mode.

import { AdminService } from '../../gen/prism/admin/v1/admin_service_pb.js';
import { authInterceptor, type ControlPlaneAuth } from './auth.js';
import { DrainManager } from './drain.js';
import { type FaultSettings, faultInterceptor, noFaults } from './faults.js';
import { identifyCaller } from './identity.js';
import { Random } from './random.js';
import { seedState } from './seed.js';
import { ControlPlaneServer } from './server.js';
import { createAdminService } from './service/index.js';
import { Simulator } from './simulator.js';
import { ControlPlaneState } from './state.js';

export type { ControlPlaneAuth } from './auth.js';
export type { FaultSettings } from './faults.js';
export {
  ACTOR_HEADER,
  ANONYMOUS,
  type CallerIdentity,
  type IdentifyCaller,
  identifyCaller,
} from './identity.js';
export {
  type AdminMethodName,
  DEFAULT_ROLE_CLAIM,
  DEFAULT_ROLE_MAPPING,
  type Role,
  RPC_ACCESS,
  type RpcAccess,
  requiredRole,
  roleAllows,
  roleFromClaim,
} from './roles.js';
export {
  type AuditEntryInit,
  ControlPlaneState,
  type RaftStatus,
  type StateChange,
} from './state.js';

export interface DemoControlPlane {
  /** For example 'http://127.0.0.1:45123' (no trailing slash). */
  readonly url: string;
  /** The in-memory state; tests may read it (namespaces, audit entries, ...). */
  readonly state: ControlPlaneState;
  /** Mutable: tests flip these at run time. */
  readonly faults: FaultSettings;
  /** Closes the listener and every open HTTP/2 session and stream; pauses the simulator. */
  stop(): Promise<void>;
  /** Listens again on the same port after stop(); the state is kept. */
  start(): Promise<void>;
}

export interface ControlPlaneOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Run the traffic simulator; default true. */
  simulate?: boolean;
  /** Simulator period; default 1000 ms. */
  tickMs?: number;
  /** Seed of all generated data; default 42. */
  seed?: number;
  /** The clock for every timestamp; default the real one. (Token expiry uses the real clock.) */
  now?: () => Date;
  /**
   * Verify every call's bearer token and check its role. Without it nothing is verified: the
   * actor is the token's unverified name, else x-prism-actor, else anonymous; all calls allowed.
   */
  auth?: ControlPlaneAuth;
}

export async function startControlPlane(
  options: ControlPlaneOptions = {},
): Promise<DemoControlPlane> {
  const seed = options.seed ?? 42;
  const tickMs = options.tickMs ?? 1000;
  if (!(tickMs > 0)) throw new RangeError(`tickMs must be positive, got ${tickMs}`);
  const state = new ControlPlaneState(options.now);
  seedState(state, seed);

  const faults = noFaults();
  const drains = new DrainManager(state, new Random(seed + 1));
  const service = createAdminService({ state, drains });
  const server = new ControlPlaneServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    routes: (router) => router.service(AdminService, service),
    // Faults first (outermost): an unreachable or slow control plane is so for every caller.
    interceptors: [
      faultInterceptor(faults, new Random(seed + 2)),
      authInterceptor(options.auth, identifyCaller),
    ],
  });
  const simulator =
    (options.simulate ?? true) ? new Simulator(state, drains, { tickMs, seed }) : undefined;

  await server.start();
  simulator?.start();

  return {
    get url() {
      return server.url;
    },
    state,
    faults,
    async stop() {
      simulator?.stop();
      drains.stopAll();
      await server.stop();
    },
    async start() {
      await server.start();
      simulator?.start();
    },
  };
}
