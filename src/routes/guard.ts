import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { hasRole, type Role } from '../plugins/operator.js';

/**
 * preHandlers of a route that needs at least `needed`: a refusal is logged (who, with which
 * role, on which route, needing what), then `app.requireRole` answers it with the 403 page or
 * fragment. Either way the handler never runs, so nothing reaches the control plane.
 */
export function guard(
  app: FastifyInstance,
  needed: Role,
  action: string,
): preHandlerAsyncHookHandler[] {
  async function logRefusal(request: FastifyRequest) {
    if (hasRole(request.operator?.role, needed)) return;
    request.log.warn(
      {
        operator: request.operator?.username,
        role: request.operator?.role,
        route: `${request.method} ${request.routeOptions.url}`,
        action,
        needed,
      },
      'refused: the role does not allow this',
    );
  }
  return [logRefusal, app.requireRole(needed)];
}
