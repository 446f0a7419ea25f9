import { Code, ConnectError } from '@connectrpc/connect';
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
import { Notice } from '../../../components/ui/Alert.js';
import { RequestReceipt } from '../../../components/ui/RequestReceipt.js';
import { requestIdParam } from '../../forms/notices.js';
import { BadRequestSchema } from '../../gen/google/rpc/error_details_pb.js';
import { canonicalQuery, fromResultsRegion, htmxTrigger } from '../../html/canonical-query.js';
import { hasRole } from '../../plugins/operator.js';
import type { Choices } from '../../views/client-configurations/choices.js';
import {
  type ClientConfigurationListView,
  clientConfigurationListView,
  listQueryInput,
  listRequest,
  parseListQuery,
  refusedListView,
} from '../../views/client-configurations/list.js';
import { configurationNotices } from '../../views/client-configurations/notices.js';
import { AUDIT_LOG_ROLE, permissionsFor } from '../../views/permissions.js';
import { get } from '../register.js';
import { routes } from '../table.js';
import { loadChoices } from './read.js';

function refusal(err: ConnectError): string[] {
  const violations = err.findDetails(BadRequestSchema).flatMap((d) => d.fieldViolations);
  const said = violations.length
    ? violations.map((v) => `${v.field.replace('_', ' ')} ${v.description}`)
    : [err.rawMessage];
  return [
    ...said.map((s) => `The control plane refused this list: ${s}.`),
    'A page link stays valid only with the same filters and order; start again from the first page.',
  ];
}

export default async function listRoutes(app: FastifyInstance) {
  get(
    app,
    routes.clientConfigurations.list,
    { query: listQueryInput },
    async function listClientConfigurations(request, reply) {
      const trigger = htmxTrigger(request);
      const typing = trigger === SEARCH_ID || trigger === NAMESPACE_FILTER_ID;
      const redirect = canonicalQuery(request, reply, RESULTS_ID, typing ? 'replace' : 'push');
      if (redirect) return redirect;
      const { query, problems } = parseListQuery(request.query);
      const fragment = request.wantsFragment(RESULTS_ID);
      // The filters' selects are only in the page, not in the results htmx swaps.
      const choicesPromise: Promise<Choices | undefined> = fragment
        ? Promise.resolve(undefined)
        : loadChoices(request);
      let view: ClientConfigurationListView;
      if (problems.length > 0) {
        view = refusedListView(query, problems);
        reply.code(400);
      } else {
        try {
          const response = await app.controlPlane.listClientConfigurations(
            listRequest(query),
            request.rpc(),
          );
          view = clientConfigurationListView(query, response);
        } catch (err) {
          if (!(err instanceof ConnectError) || err.code !== Code.InvalidArgument) throw err;
          view = refusedListView(query, refusal(err));
          reply.code(400);
        }
      }
      const choices = await choicesPromise;
      const notice = configurationNotices.text(request.query.notice, ['deleted']);
      const role = request.operator?.role;
      const can = permissionsFor(role);
      const results = () => (
        <ConfigurationResults view={view} can={can} focus={fromResultsRegion(request)} />
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
        fragment: { id: RESULTS_ID, render: results },
      });
    },
  );
}
