import type { FastifyInstance } from 'fastify';
import { livePage } from '../../../components/layout/live.js';
import { NewNamespaceAction } from '../../../components/namespaces/NamespaceActions.js';
import { NamespaceFilters, SEARCH_ID } from '../../../components/namespaces/NamespaceFilters.js';
import { NamespaceResults, RESULTS_ID } from '../../../components/namespaces/NamespaceResults.js';
import { Notice } from '../../../components/ui/Alert.js';
import { RequestReceipt } from '../../../components/ui/RequestReceipt.js';
import { fromResultsRegion } from '../../html/canonical-query.js';
import { hasRole } from '../../plugins/operator.js';
import {
  listQueryInput,
  listRequest,
  namespaceListView,
  parseListQuery,
  refusedListView,
} from '../../views/namespaces/list.js';
import { namespaceNotices } from '../../views/namespaces/notices.js';
import { AUDIT_LOG_ROLE, permissionsFor } from '../../views/permissions.js';
import { canonicalListQuery, loadList } from '../list-page.js';
import { get } from '../register.js';
import { routes } from '../table.js';

export default async function listRoutes(app: FastifyInstance) {
  get(
    app,
    routes.namespaces.list,
    { query: listQueryInput },
    async function listNamespaces(request, reply) {
      const redirect = canonicalListQuery(request, reply, RESULTS_ID, [SEARCH_ID]);
      if (redirect) return redirect;
      const parsed = parseListQuery(request.query);
      const { query } = parsed;
      const view = await loadList(
        reply,
        parsed,
        async (q) =>
          namespaceListView(
            q,
            await app.controlPlane.listNamespaces(listRequest(q), request.rpc()),
          ),
        refusedListView,
      );
      const notice = namespaceNotices.text(request.query.notice, ['deleted']);
      const can = permissionsFor(request.operator?.role);
      const results = () => (
        <NamespaceResults
          view={view}
          can={can}
          focus={fromResultsRegion(request)}
          live={livePage(request)}
        />
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
        fragment: { id: RESULTS_ID, render: results, live: true },
      });
    },
  );
}
