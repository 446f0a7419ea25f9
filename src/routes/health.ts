import type { FastifyInstance } from 'fastify';
import { paths } from './paths.js';

export default async function healthRoutes(app: FastifyInstance) {
  // Alive: the process answers. Never depends on anything else, so a control-plane outage
  // does not get every console replica restarted.
  app.get(paths.healthz(), async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });

  // Ready: this replica can serve pages, which needs the control plane. Fails first on shutdown.
  app.get(paths.readyz(), async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (app.shuttingDown) return reply.code(503).send({ status: 'shutting down' });
    try {
      await app.controlPlane.getClusterStatus({}, { ...request.rpc(), timeoutMs: 1000 });
      return { status: 'ready', controlPlane: 'reachable' };
    } catch (err) {
      request.log.warn({ err }, 'readiness: control plane unreachable');
      return reply.code(503).send({ status: 'not ready', controlPlane: 'unreachable' });
    }
  });
}
