import { Code, ConnectError } from '@connectrpc/connect';
import type { FastifyRequest } from 'fastify';
import type { ClientSession } from '../../gen/prism/admin/v1/client_session_pb.js';
import { isUnreachable } from '../../views/errors.js';

/** Reads one session; a missing one is NOT_FOUND, which the error handler turns into a 404. */
export async function getClientSession(
  request: FastifyRequest,
  id: string,
): Promise<ClientSession> {
  const { clientSession } = await request.server.controlPlane.getClientSession(
    { id },
    request.rpc(),
  );
  if (!clientSession) throw new ConnectError(`client session ${id} not found`, Code.NotFound);
  return clientSession;
}

/** The session for a re-rendered form, if the control plane can be reached to read it. */
export async function readForForm(
  request: FastifyRequest,
  id: string,
): Promise<ClientSession | undefined> {
  try {
    return await getClientSession(request, id);
  } catch (err) {
    if (isUnreachable(err)) return undefined;
    throw err;
  }
}
