import { Code, ConnectError } from '@connectrpc/connect';
import type { FastifyRequest } from 'fastify';
import type { Namespace } from '../../gen/prism/admin/v1/namespace_pb.js';

/** Reads one namespace; a missing one is NOT_FOUND, which the error handler turns into a 404. */
export async function getNamespace(request: FastifyRequest, name: string): Promise<Namespace> {
  const { namespace } = await request.server.controlPlane.getNamespace({ name }, request.rpc());
  if (!namespace) throw new ConnectError(`namespace ${name} not found`, Code.NotFound);
  return namespace;
}
