import type { FastifyRequest } from 'fastify';
import {
  NAMESPACE_CONFIGURATIONS_SHOWN,
  type NamespaceConfigurationsView,
  namespaceConfigurationsView,
  unavailableConfigurationsView,
} from '../../views/client-configurations/namespace.js';
import { describeError } from '../../views/errors.js';
import { permissionsFor } from '../../views/permissions.js';

/**
 * A namespace's client configurations, for its detail page. A failure is said in the section
 * (the namespace itself was read), so the rest of the page stays useful.
 */
export async function readNamespaceConfigurations(
  request: FastifyRequest,
  namespace: string,
): Promise<NamespaceConfigurationsView> {
  const create = permissionsFor(request.operator?.role).createClientConfiguration;
  try {
    const response = await request.server.controlPlane.listClientConfigurations(
      { namespace, pageSize: NAMESPACE_CONFIGURATIONS_SHOWN },
      request.rpc(),
    );
    return namespaceConfigurationsView(namespace, response, create);
  } catch (err) {
    const described = describeError(err);
    if (described.serverFault) request.log.warn({ err }, 'namespace configurations: read failed');
    return unavailableConfigurationsView(
      namespace,
      `Its client configurations could not be read: ${described.message}`,
      create,
    );
  }
}
