import type { FastifyInstance } from 'fastify';
import { NewConfigurationAction } from '../../../components/client-configurations/ConfigurationActions.js';
import {
  ConfigurationFilters,
  NAMESPACE_FILTER_ID,
  SEARCH_ID,
} from '../../../components/client-configurations/ConfigurationFilters.js';
import {
  ConfigurationResults,
  RESULTS_ID,
} from '../../../components/client-configurations/ConfigurationResults.js';
import { livePage } from '../../../components/layout/live.js';
import { Notice } from '../../../components/ui/Alert.js';
import { RequestReceipt } from '../../../components/ui/RequestReceipt.js';
import { requestIdParam } from '../../forms/notices.js';
import { fromResultsRegion } from '../../html/canonical-query.js';
import { hasRole } from '../../plugins/operator.js';
import type { Choices } from '../../views/client-configurations/choices.js';
import {
  clientConfigurationListView,
  listQueryInput,
  listRequest,
  parseListQuery,
  refusedListView,
} from '../../views/client-configurations/list.js';
import { configurationNotices } from '../../views/client-configurations/notices.js';
import { AUDIT_LOG_ROLE, permissionsFor } from '../../views/permissions.js';
import { canonicalListQuery, loadList } from '../list-page.js';
import { get } from '../register.js';
import { routes } from '../table.js';
import { loadChoices } from './read.js';

export default async function listRoutes(app: FastifyInstance) {
  get(
    app,
    routes.clientConfigurations.list,
    { query: listQueryInput },
    async function listClientConfigurations(request, reply) {
      const redirect = canonicalListQuery(request, reply, RESULTS_ID, [
        SEARCH_ID,
        NAMESPACE_FILTER_ID,
      ]);
      if (redirect) return redirect;
      const parsed = parseListQuery(request.query);
      const { query } = parsed;
      const fragment = request.wantsFragment(RESULTS_ID);
      // The filters' selects are only in the page, not in the results htmx swaps.
      const choicesPromise: Promise<Choices | undefined> = fragment
        ? Promise.resolve(undefined)
        : loadChoices(request);
      const view = await loadList(
        reply,
        parsed,
        async (q) =>
          clientConfigurationListView(
            q,
            await app.controlPlane.listClientConfigurations(listRequest(q), request.rpc()),
          ),
        refusedListView,
      );
      const choices = await choicesPromise;
      const notice = configurationNotices.text(request.query.notice, ['deleted']);
      const role = request.operator?.role;
      const can = permissionsFor(role);
      const results = () => (
        <ConfigurationResults
          view={view}
          can={can}
          focus={fromResultsRegion(request)}
          live={livePage(request)}
        />
      );
      return reply.page({
        area: 'client-configurations',
        title: 'Client configurations',
        subtitle:
          'How clients of each namespace reach their data: access pattern, backend, options.',
        actions: () => <NewConfigurationAction can={can} namespace={query.namespace} />,
        body: () => (
          <>
            <Notice text={notice}>
              <RequestReceipt
                requestId={requestIdParam.parse(request.query.request)}
                canReadAudit={hasRole(role, AUDIT_LOG_ROLE)}
              />
            </Notice>
            {choices ? <ConfigurationFilters query={query} choices={choices} /> : ''}
            {results()}
          </>
        ),
        fragment: { id: RESULTS_ID, render: results, live: true },
      });
    },
  );
}
