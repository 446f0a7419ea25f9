import type { CallOptions } from '@connectrpc/connect';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { MaintenanceStatus } from '../gen/prism/admin/v1/operations_pb.js';

/*
 * The maintenance state for the banner on every signed-in page, without a control-plane call
 * per page: one per replica every few seconds at most. A miss fetches with the operator's own
 * token (every role may read GetMaintenanceStatus); misses at the same time share that one call.
 * This replica's own SetMaintenanceMode puts its answer in at once, so the page after the 303
 * shows it. A failed fetch shows no banner and never fails the page: it is logged, and tried
 * again after a short back-off (longer while it keeps failing). Other replicas see a change
 * within the freshness window.
 */

export interface MaintenanceCacheOptions {
  /** How long a fetched state is used; default 5000 ms. */
  freshMs?: number;
  /** The wait before trying again after a failure, doubled up to `maxBackoffMs`; default 1000. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** The banner's call gives up sooner than a page's: default min(1000, the transport's). */
  timeoutMs?: number;
  now?: () => number;
}

type Fetch = (options: CallOptions) => Promise<MaintenanceStatus | undefined>;

/** The per-replica cache; exported for tests of its timing. */
export class MaintenanceCache {
  private value: MaintenanceStatus | undefined;
  /** When `value` (or the failure) stops being used. */
  private until = 0;
  private inFlight: Promise<MaintenanceStatus | undefined> | undefined;
  /** Bumped by every write: an answer to a fetch started before it is stale. */
  private generation = 0;
  private backoff: number;
  private readonly freshMs: number;
  private readonly minBackoff: number;
  private readonly maxBackoff: number;
  private readonly now: () => number;

  constructor(
    private readonly fetch: Fetch,
    private readonly log: FastifyBaseLogger,
    options: MaintenanceCacheOptions = {},
  ) {
    this.freshMs = options.freshMs ?? 5000;
    this.minBackoff = options.backoffMs ?? 1000;
    this.maxBackoff = options.maxBackoffMs ?? 10_000;
    this.backoff = this.minBackoff;
    this.now = options.now ?? Date.now;
  }

  /** The current state: cached, or fetched once for everyone waiting now. Never rejects. */
  get(options: () => CallOptions): Promise<MaintenanceStatus | undefined> {
    if (this.now() < this.until) return Promise.resolve(this.value);
    if (this.inFlight) return this.inFlight;
    const generation = this.generation;
    const call = this.fetch(options()).then(
      (status) => {
        if (generation === this.generation) {
          this.value = status;
          this.until = this.now() + this.freshMs;
          this.backoff = this.minBackoff;
        }
        return generation === this.generation ? status : this.value;
      },
      (err: unknown) => {
        if (generation === this.generation) {
          this.log.warn(
            { err, retryInMs: this.backoff },
            'maintenance status unavailable: pages show no banner until it is read again',
          );
          this.value = undefined;
          this.until = this.now() + this.backoff;
          this.backoff = Math.min(this.backoff * 2, this.maxBackoff);
        }
        return generation === this.generation ? undefined : this.value;
      },
    );
    const shared = call.finally(() => {
      if (this.inFlight === shared) this.inFlight = undefined;
    });
    this.inFlight = shared;
    return shared;
  }

  /** What this replica's own SetMaintenanceMode answered: used at once (read your writes). */
  set(status: MaintenanceStatus | undefined): void {
    this.generation += 1;
    this.inFlight = undefined;
    this.value = status;
    this.until = status ? this.now() + this.freshMs : 0;
    this.backoff = this.minBackoff;
  }

  /** Forget it: the next page reads it again (a write whose outcome is unknown). */
  invalidate(): void {
    this.generation += 1;
    this.inFlight = undefined;
    this.until = 0;
  }
}

const kMaintenance = Symbol('maintenance status of this request');

declare module 'fastify' {
  interface FastifyInstance {
    /** This replica's maintenance state cache (see src/plugins/maintenance.ts). */
    maintenanceCache: MaintenanceCache;
  }
  interface FastifyRequest {
    /** The maintenance state for this page's banner; undefined when off, unknown or signed out. */
    maintenance(): Promise<MaintenanceStatus | undefined>;
    [kMaintenance]: Promise<MaintenanceStatus | undefined> | undefined;
  }
}

/**
 * A page that read the state itself (the maintenance page) shows that in its banner too, and
 * this replica's cache takes it: the state is the same everywhere on the page.
 */
export function sawMaintenance(
  request: FastifyRequest,
  status: MaintenanceStatus | undefined,
): void {
  request.server.maintenanceCache.set(status);
  request[kMaintenance] = Promise.resolve(status);
}

export default fp(
  async (app: FastifyInstance, options: MaintenanceCacheOptions) => {
    const timeoutMs = options.timeoutMs ?? Math.min(1000, app.config.controlPlane.timeoutMs);
    const cache = new MaintenanceCache(
      async (callOptions) => (await app.controlPlane.getMaintenanceStatus({}, callOptions)).status,
      app.log,
      options,
    );
    app.decorate('maintenanceCache', cache);
    app.decorateRequest(kMaintenance, undefined);
    app.decorateRequest('maintenance', function (this: FastifyRequest) {
      if (!this.operator) return Promise.resolve(undefined);
      // Once per request: the page reads what was started for it (see the hook below).
      this[kMaintenance] ??= cache.get(() => {
        // The operator's token and request id, but not the browser's disconnect signal: the
        // call is shared, and one browser going away must not fail it for the others.
        const { signal: _signal, ...callOptions } = this.rpc();
        return { ...callOptions, timeoutMs };
      });
      return this[kMaintenance];
    });
    // A page that may need it starts reading it now, beside its own calls, so a slow control
    // plane costs a page the slower of the two, not both. (A fragment — htmx aiming at an
    // element — has no banner. Whatever is started here is one cached read at most.)
    app.addHook('preHandler', async (request) => {
      if (request.method === 'GET' && request.operator && !request.htmx.target) {
        void request.maintenance();
      }
    });
  },
  // After auth: its preHandler fills request.operator, which the hook above reads.
  { name: 'maintenance', dependencies: ['control-plane', 'operator', 'htmx', 'auth'] },
);
