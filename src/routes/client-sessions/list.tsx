import { Code, ConnectError } from '@connectrpc/connect';
import type { FastifyInstance } from 'fastify';
import {
  SESSION_RESULTS_ID,
  SessionFilters,
  TYPED_FILTER_IDS,
} from '../../../components/client-sessions/SessionFilters.js';
import { SessionResults } from '../../../components/client-sessions/SessionResults.js';
import { BadRequestSchema } from '../../gen/google/rpc/error_details_pb.js';
import { canonicalQuery, fromResultsRegion, htmxTrigger } from '../../html/canonical-query.js';
import { hasRole } from '../../plugins/operator.js';
import {
  refusedSessionListView,
  type SessionListView,
  sessionListView,
} from '../../views/client-sessions/list.js';
import {
  parseSessionQuery,
  sessionListRequest,
  sessionQueryInput,
} from '../../views/client-sessions/query.js';
import { TERMINATE_SESSIONS_ROLE } from '../../views/client-sessions/terminate.js';
import { get } from '../register.js';
import { routes } from '../table.js';

/** What the control plane said about a refused list query, in words for the operator. */
function refusal(err: ConnectError): string[] {
  const violations = err.findDetails(BadRequestSchema).flatMap((d) => d.fieldViolations);
  const said = violations.length
    ? violations.map((v) => `${v.field.replaceAll('_', ' ')} ${v.description}`)
    : [err.rawMessage];
  return [
    ...said.map((s) => `The control plane refused this list: ${s}.`),
    'A page link stays valid only with the same filters and order; start again from the first page.',
  ];
}

export default async function listRoutes(app: FastifyInstance) {
  get(
    app,
    routes.sessions.list,
    { query: sessionQueryInput },
    async function listClientSessions(request, reply) {
      // No empty parameters in the address; a pause in typing replaces it, a choice pushes it.
      const trigger = htmxTrigger(request);
      const redirect = canonicalQuery(
        request,
        reply,
        SESSION_RESULTS_ID,
        trigger !== undefined && TYPED_FILTER_IDS.includes(trigger) ? 'replace' : 'push',
      );
      if (redirect) return redirect;
      const { query, problems } = parseSessionQuery(request.query);
      let view: SessionListView;
      if (problems.length > 0) {
        view = refusedSessionListView(query, problems);
        reply.code(400);
      } else {
        try {
          const response = await app.controlPlane.listClientSessions(
            sessionListRequest(query),
            request.rpc(),
          );
          view = sessionListView(query, response, new Date());
        } catch (err) {
          // A stale or edited page token is the operator's URL, not a fault: say so in the page.
          if (!(err instanceof ConnectError) || err.code !== Code.InvalidArgument) throw err;
          view = refusedSessionListView(query, refusal(err));
          reply.code(400);
        }
      }
      const results = () => (
        <SessionResults
          view={view}
          canTerminate={hasRole(request.operator?.role, TERMINATE_SESSIONS_ROLE)}
          csrfToken={request.csrfToken()}
          bulkAction={routes.sessions.bulkTerminate.href()}
          focus={fromResultsRegion(request)}
        />
      );
      return reply.page({
        area: 'sessions',
        title: 'Client sessions',
        subtitle:
          'Clients connected to the cluster through its proxies: who, since when, how busy.',
        body: () => (
          <>
            <SessionFilters query={query} />
            {results()}
          </>
        ),
        fragment: { id: SESSION_RESULTS_ID, render: results },
      });
    },
  );
}
