import { type CallOptions, Code, ConnectError } from '@connectrpc/connect';
import type { FastifyRequest } from 'fastify';
import type { Namespace } from '../../gen/prism/admin/v1/namespace_pb.js';

export interface NameParams {
  name: string;
}

/** Reads one namespace; a missing one is NOT_FOUND, which the error handler turns into a 404. */
export async function getNamespace(request: FastifyRequest, name: string): Promise<Namespace> {
  const options = request.method === 'GET' ? request.rpc() : postRpc(request);
  const { namespace } = await request.server.controlPlane.getNamespace({ name }, options);
  if (!namespace) throw new ConnectError(`namespace ${name} not found`, Code.NotFound);
  return namespace;
}

/** True for failures that mean the control plane was not reached or did not answer. */
export function unreachable(err: unknown): boolean {
  return (
    err instanceof ConnectError &&
    (err.code === Code.Unavailable || err.code === Code.DeadlineExceeded)
  );
}

/**
 * Call options for the calls a form post makes. They leave out the request's abort signal:
 * Fastify aborts it when the incoming request closes, and Node closes a request as soon as its
 * body has been read — which a form post's always is — so every call would be cancelled at
 * once. Besides, a change the operator submitted should get the control plane's answer even
 * if the browser stops waiting; the deadline still bounds it.
 */
export function postRpc(request: FastifyRequest): CallOptions {
  const { signal: _ignored, ...options } = request.rpc();
  return options;
}
