import type { FastifyRequest } from 'fastify';
import { hasRole } from '../../plugins/operator.js';
import {
  NAMESPACE_SESSIONS_SHOWN,
  type NamespaceSessionsView,
  namespaceSessionsView,
  unavailableSessionsView,
} from '../../views/client-sessions/namespace.js';
import { TERMINATE_SESSIONS_ROLE } from '../../views/client-sessions/terminate.js';
import { describeError } from '../../views/errors.js';

/**
 * A namespace's newest sessions and counts, for its detail page. A failure is said in the
 * section (the namespace itself was read): the rest of the page stays useful.
 */
export async function readNamespaceSessions(
  request: FastifyRequest,
  namespace: string,
): Promise<NamespaceSessionsView> {
  try {
    const response = await request.server.controlPlane.listClientSessions(
      { namespace, pageSize: NAMESPACE_SESSIONS_SHOWN },
      request.rpc(),
    );
    const canTerminate = hasRole(request.operator?.role, TERMINATE_SESSIONS_ROLE);
    return namespaceSessionsView(namespace, response, canTerminate, new Date());
  } catch (err) {
    const described = describeError(err);
    if (described.serverFault) request.log.warn({ err }, 'namespace sessions: read failed');
    return unavailableSessionsView(
      namespace,
      `Its client sessions could not be read: ${described.message}`,
    );
  }
}
