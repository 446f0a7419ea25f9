import type { FastifyInstance } from 'fastify';
import { routes } from './table.js';

/** How long readiness waits for the session store: well inside the probe's own timeout. */
export const READINESS_STORE_TIMEOUT_MS = 500;

export default async function healthRoutes(app: FastifyInstance) {
  // Alive: the process answers. Never depends on anything else, so an outage upstream does not
  // get every console replica restarted.
  app.get(routes.healthz.pattern, { config: { public: true } }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });

  // Ready: this replica can serve operators — its configuration loaded (it would not run
  // otherwise), not shutting down, its session store answering. Deliberately not the control
  // plane nor the identity provider: every replica shares them, so a slow one would take every
  // replica out of the Service at once, and each probe would cost them a call. Their health
  // shows in pages and in /metrics instead.
  app.get(routes.readyz.pattern, { config: { public: true } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (app.shuttingDown) return reply.code(503).send({ status: 'shutting down' });
    const sessionStore = await reachable(app, READINESS_STORE_TIMEOUT_MS).catch((err) => {
      request.log.warn({ err }, 'readiness: session store unreachable');
      return 'unreachable' as const;
    });
    const ready = sessionStore === 'reachable';
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not ready', configuration: 'loaded', sessionStore });
  });
}

async function reachable(app: FastifyInstance, timeoutMs: number): Promise<'reachable'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the session store did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([app.sessions.ping(), late]);
    return 'reachable';
  } finally {
    clearTimeout(timer);
  }
}
