import { Code, ConnectError } from '@connectrpc/connect';
import type { FastifyInstance } from 'fastify';
import { NewNamespaceAction } from '../../../components/namespaces/NamespaceActions.js';
import { NamespaceFilters, SEARCH_ID } from '../../../components/namespaces/NamespaceFilters.js';
import { NamespaceResults, RESULTS_ID } from '../../../components/namespaces/NamespaceResults.js';
import { Notice } from '../../../components/ui/Alert.js';
import { RequestReceipt } from '../../../components/ui/RequestReceipt.js';
import { BadRequestSchema } from '../../gen/google/rpc/error_details_pb.js';
import { canonicalQuery, fromResultsRegion, htmxTrigger } from '../../html/canonical-query.js';
import { hasRole } from '../../plugins/operator.js';
import {
  listQueryInput,
  listRequest,
  type NamespaceListView,
  namespaceListView,
  parseListQuery,
  refusedListView,
} from '../../views/namespaces/list.js';
import { namespaceNotices } from '../../views/namespaces/notices.js';
import { AUDIT_LOG_ROLE, permissionsFor } from '../../views/permissions.js';
import { get } from '../register.js';
import { routes } from '../table.js';

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
  get(
    app,
    routes.namespaces.list,
    { query: listQueryInput },
    async function listNamespaces(request, reply) {
      // No empty parameters in the address; a pause in typing replaces it, a choice pushes it.
      const redirect = canonicalQuery(
        request,
        reply,
        RESULTS_ID,
        htmxTrigger(request) === SEARCH_ID ? 'replace' : 'push',
      );
      if (redirect) return redirect;
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

      const notice = namespaceNotices.text(request.query.notice, ['deleted']);
      const can = permissionsFor(request.operator?.role);
      const results = () => (
        <NamespaceResults view={view} can={can} focus={fromResultsRegion(request)} />
      );
      return reply.page({
        area: 'namespaces',
        title: 'Namespaces',
        subtitle: 'Tenants of the Prism cluster: their status, quotas and live usage.',
        actions: () => <NewNamespaceAction can={can} />,
        body: () => (
          <>
            <Notice text={notice}>
              <RequestReceipt
                requestId={request.query.request}
                canReadAudit={hasRole(request.operator?.role, AUDIT_LOG_ROLE)}
              />
            </Notice>
            <NamespaceFilters query={query} />
            {results()}
          </>
        ),
        fragment: { id: RESULTS_ID, render: results },
      });
    },
  );
}
