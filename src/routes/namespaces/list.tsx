import { Code, ConnectError } from '@connectrpc/connect';
import type { FastifyInstance } from 'fastify';
import { NewNamespaceAction } from '../../../components/namespaces/NamespaceActions.js';
import { NamespaceFilters } from '../../../components/namespaces/NamespaceFilters.js';
import { NamespaceResults, RESULTS_ID } from '../../../components/namespaces/NamespaceResults.js';
import { Alert } from '../../../components/ui/Alert.js';
import { BadRequestSchema } from '../../gen/prism/admin/v1/errors_pb.js';
import {
  listRequest,
  type NamespaceListView,
  namespaceListView,
  noticeText,
  parseListQuery,
  refusedListView,
} from '../../views/namespaces.js';
import { permissionsFor } from '../../views/permissions.js';
import { paths } from '../paths.js';
import { sendPageOrFragment } from './page.js';

/** What the control plane said about a refused list query, in words for the operator. */
function refusal(err: ConnectError): string[] {
  const violations = err.findDetails(BadRequestSchema).flatMap((d) => d.fieldViolations);
  const said = violations.length
    ? violations.map((v) => `${v.field.replace('_', ' ')} ${v.description}`)
    : [err.rawMessage];
  return [
    ...said.map((s) => `The control plane refused this list: ${s}.`),
    'A page link stays valid only with the same search, status and order; start again from the first page.',
  ];
}

export default async function listRoutes(app: FastifyInstance) {
  app.get(paths.namespaces.list(), async function listNamespaces(request, reply) {
    const { query, problems } = parseListQuery(request.query);
    let view: NamespaceListView;
    if (problems.length > 0) {
      view = refusedListView(query, problems);
      reply.code(400);
    } else {
      try {
        const response = await app.controlPlane.listNamespaces(listRequest(query), request.rpc());
        view = namespaceListView(query, response);
      } catch (err) {
        // A stale or edited page token is the operator's URL, not a fault: say so in the page.
        if (!(err instanceof ConnectError) || err.code !== Code.InvalidArgument) throw err;
        view = refusedListView(query, refusal(err));
        reply.code(400);
      }
    }

    const notice = noticeText((request.query as Record<string, unknown>).notice, ['deleted']);
    const can = permissionsFor(request.operator?.role);
    const results = () => <NamespaceResults view={view} can={can} />;
    return sendPageOrFragment(request, reply, RESULTS_ID, results, () => ({
      title: 'Namespaces',
      subtitle: 'Tenants of the Prism cluster: their status, quotas and live usage.',
      actions: <NewNamespaceAction can={can} />,
      children: (
        <>
          {notice ? (
            <Alert tone="success" title={notice} testId="notice">
              {''}
            </Alert>
          ) : (
            ''
          )}
          <NamespaceFilters query={query} />
          {results()}
        </>
      ),
    }));
  });
}
