import { Code, ConnectError } from '@connectrpc/connect';
import type { FastifyRequest } from 'fastify';
import { SessionStatus } from '../../gen/prism/admin/v1/client_session_pb.js';
import type { Operation } from '../../gen/prism/admin/v1/operations_pb.js';
import { isUnreachable } from '../../views/errors.js';
import { ALL_NAMESPACES } from '../../views/operations/drain-form.js';
import { type DrainImpact, drainImpact } from '../../views/operations/impact.js';

/** Reads one operation; a missing one is NOT_FOUND, which the error handler turns into a 404. */
export async function getOperation(request: FastifyRequest, id: string): Promise<Operation> {
  const { operation } = await request.server.controlPlane.getOperation({ id }, request.rpc());
  if (!operation) throw new ConnectError(`operation ${id} not found`, Code.NotFound);
  return operation;
}

/** The operation for a re-rendered form, if the control plane can be reached to read it. */
export async function readOperationForForm(
  request: FastifyRequest,
  id: string,
): Promise<Operation | undefined> {
  try {
    return await getOperation(request, id);
  } catch (err) {
    if (isUnreachable(err)) return undefined;
    throw err;
  }
}

/** Enough pages for any cluster the console is meant for; beyond, the list is cut. */
const MAX_NAMESPACE_PAGES = 20;

/** Every namespace with its open sessions, by name; undefined when the list cannot be read. */
export async function readNamespaceSessions(
  request: FastifyRequest,
): Promise<{ namespace: string; sessions: number }[] | undefined> {
  const out: { namespace: string; sessions: number }[] = [];
  let pageToken = '';
  try {
    for (let page = 0; page < MAX_NAMESPACE_PAGES; page++) {
      const answer = await request.server.controlPlane.listNamespaces(
        { pageSize: 500, pageToken, orderBy: 'name' },
        request.rpc(),
      );
      for (const ns of answer.namespaces) {
        out.push({ namespace: ns.name, sessions: ns.metrics?.activeSessions ?? 0 });
      }
      pageToken = answer.nextPageToken;
      if (pageToken === '') break;
    }
  } catch (err) {
    if (isUnreachable(err)) return undefined;
    throw err;
  }
  return out;
}

/**
 * What a drain of `target` would close (see src/views/operations/impact.ts for what is
 * counted): per namespace the namespaces' active_sessions; for one namespace the total is
 * ListClientSessions' status_counts of every status but terminated, the exact figure.
 */
export async function readDrainImpact(
  request: FastifyRequest,
  target: string,
  perNamespace: readonly { namespace: string; sessions: number }[],
): Promise<DrainImpact> {
  const rows =
    target === ALL_NAMESPACES
      ? perNamespace.filter((row) => row.sessions > 0)
      : perNamespace.filter((row) => row.namespace === target);
  const { statusCounts } = await request.server.controlPlane.listClientSessions(
    { pageSize: 1, ...(target === ALL_NAMESPACES ? {} : { namespace: target }) },
    request.rpc(),
  );
  const open = statusCounts
    .filter((c) => c.status !== SessionStatus.TERMINATED)
    .reduce((sum, c) => sum + (Number.isSafeInteger(c.count) && c.count > 0 ? c.count : 0), 0);
  const exactRows = target === ALL_NAMESPACES ? rows : [{ namespace: target, sessions: open }];
  return drainImpact(exactRows, open);
}
