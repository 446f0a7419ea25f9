import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { routes } from '../routes/table.js';
import type { SessionStore } from '../sessions/index.js';
import type { ControlPlaneMetrics } from './control-plane.js';

/*
 * Prometheus metrics at /metrics: HTTP requests by route pattern, control-plane calls (from an
 * interceptor of the one transport), session-store calls, open event streams and the process
 * defaults. Every label has a bounded set of values — route patterns, never raw paths — so a
 * scanner trying a thousand addresses adds one "unmatched" series, not a thousand.
 *
 * /metrics needs no sign-in (Prometheus scrapes it), so it must not be reachable from outside:
 * the Ingress does not route it (see README, Configuration).
 */

/** The label of requests no route matched (404s): one series whatever the path. */
export const UNMATCHED_ROUTE = 'unmatched';

export interface ConsoleMetrics {
  /**
   * This console's own metrics (the process defaults are kept apart): several consoles in one
   * process (tests) never collide.
   */
  readonly registry: Registry;
  /** Handed to the control-plane transport, whose interceptor reports each call. */
  readonly controlPlane: ControlPlaneMetrics;
  /** One finished session-store call. */
  observeSessionStore(operation: string, outcome: 'ok' | 'error', seconds: number): void;
  /** Handed to the replica's Watch (src/live/watcher.ts). */
  readonly watch: { reconnected(): void };
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ConsoleMetrics;
  }
}

/** Seconds; up to the unary deadline's range. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** A session store answers in well under a millisecond (memory) or a few (Redis). */
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** The Node.js process defaults, once per process however many consoles it runs (tests). */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

function createMetrics(app: FastifyInstance): ConsoleMetrics & {
  http: Histogram<'method' | 'route' | 'status_code'>;
} {
  const registry = new Registry();
  const http = new Histogram({
    name: 'prism_console_http_request_duration_seconds',
    help: 'HTTP requests served, by route pattern ("unmatched" for no route), method and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const calls = new Counter({
    name: 'prism_console_control_plane_calls_total',
    help: 'Control-plane calls, retries included, by method and outcome ("ok" or the gRPC code)',
    labelNames: ['method', 'code'] as const,
    registers: [registry],
  });
  const callDuration = new Histogram({
    name: 'prism_console_control_plane_call_duration_seconds',
    help: 'Control-plane call duration (a stream until it ends), by method and outcome',
    labelNames: ['method', 'code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const storeDuration = new Histogram({
    name: 'prism_console_session_store_call_duration_seconds',
    help: 'Session store calls (memory or Redis), by operation and outcome',
    labelNames: ['operation', 'outcome'] as const,
    buckets: STORE_BUCKETS,
    registers: [registry],
  });
  new Gauge({
    name: 'prism_console_sse_open_streams',
    help: 'Event streams (server-sent events) open to browsers',
    registers: [registry],
    collect() {
      this.set(app.hasDecorator('openEventStreams') ? app.openEventStreams() : 0);
    },
  });
  // The replica's one Watch (app.changes, src/plugins/live.ts): none without a service client.
  const feed = () => (app.hasDecorator('changes') ? app.changes : undefined);
  new Gauge({
    name: 'prism_console_watch_up',
    help: 'Whether the Watch stream is open and caught up (1), or broken or absent (0)',
    registers: [registry],
    collect() {
      this.set(feed()?.live ? 1 : 0);
    },
  });
  new Gauge({
    name: 'prism_console_watch_lag_seconds',
    help: 'Between the newest change the Watch delivered and its arrival',
    registers: [registry],
    collect() {
      this.set((feed()?.lagMs ?? 0) / 1000);
    },
  });
  const watchReconnects = new Counter({
    name: 'prism_console_watch_reconnects_total',
    help: 'Times the Watch stream was opened again after a break',
    registers: [registry],
  });
  return {
    registry,
    http,
    watch: { reconnected: () => watchReconnects.inc() },
    controlPlane: {
      observeCall(method, code, seconds) {
        calls.inc({ method, code });
        callDuration.observe({ method, code }, seconds);
      },
    },
    observeSessionStore(operation, outcome, seconds) {
      storeDuration.observe({ operation, outcome }, seconds);
    },
  };
}

const instrumented = new WeakSet<SessionStore>();
/** What is timed; `ping` (readiness) where the store has it. */
const STORE_OPERATIONS = ['create', 'get', 'touch', 'update', 'delete', 'list', 'ping'];

/**
 * Times every call of the session store (app.sessions), in place: the session plugin and its
 * hooks hold this same object. A store shared by several consoles in one process (tests) is
 * counted by the first one only.
 */
export function instrumentSessionStore(store: SessionStore, metrics: ConsoleMetrics): void {
  if (instrumented.has(store)) return;
  instrumented.add(store);
  const methods = store as unknown as Record<string, unknown>;
  for (const operation of STORE_OPERATIONS) {
    const method = methods[operation];
    if (typeof method !== 'function') continue;
    const call = method.bind(store) as (...args: unknown[]) => Promise<unknown>;
    const timed = async (...args: unknown[]) => {
      const started = performance.now();
      let outcome: 'ok' | 'error' = 'error';
      try {
        const result = await call(...args);
        outcome = 'ok';
        return result;
      } finally {
        metrics.observeSessionStore(operation, outcome, (performance.now() - started) / 1000);
      }
    };
    Object.assign(store, { [operation]: timed });
  }
}

export default fp(
  async (app: FastifyInstance) => {
    const metrics = createMetrics(app);
    app.decorate('metrics', metrics);

    app.addHook('onResponse', async (request, reply) => {
      metrics.http.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? UNMATCHED_ROUTE,
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });

    // For Prometheus, not browsers: no sign-in, no page renderer; scrapes logged at warn only.
    app.get(
      routes.metrics.pattern,
      { config: { public: true }, logLevel: 'warn' },
      async (_request, reply) => {
        const all = Registry.merge([processMetrics(), metrics.registry]);
        reply.header('cache-control', 'no-store').type(all.contentType);
        return all.metrics();
      },
    );
  },
  { name: 'metrics' },
);
