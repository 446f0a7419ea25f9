import { Code, ConnectError } from '@connectrpc/connect';
import type { FastifyInstance } from 'fastify';
import { routes } from './table.js';

export default async function healthRoutes(app: FastifyInstance) {
  // Alive: the process answers. Never depends on anything else, so an outage upstream does not
  // get every console replica restarted.
  app.get(routes.healthz.pattern, { config: { public: true } }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });

  // Ready: this replica can serve operators, which needs the control plane and the identity
  // provider. Fails first on shutdown.
  app.get(routes.readyz.pattern, { config: { public: true } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (app.shuttingDown) return reply.code(503).send({ status: 'shutting down' });
    const [controlPlane, identityProvider] = await Promise.all([
      app.controlPlane.getClusterStatus({}, { ...request.rpc(), timeoutMs: 1000 }).then(
        () => 'reachable',
        (err) => {
          // Refusing a call without a token is an answer: the control plane is there.
          const code = ConnectError.from(err).code;
          if (code === Code.Unauthenticated || code === Code.PermissionDenied) return 'reachable';
          request.log.warn({ err }, 'readiness: control plane unreachable');
          return 'unreachable';
        },
      ),
      app.oidcConfiguration().then(
        () => 'reachable',
        (err) => {
          request.log.warn({ err }, 'readiness: identity provider unreachable');
          return 'unreachable';
        },
      ),
    ]);
    const ready = controlPlane === 'reachable' && identityProvider === 'reachable';
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not ready', controlPlane, identityProvider });
  });
}
