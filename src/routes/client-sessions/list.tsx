import type { FastifyInstance } from 'fastify';
import {
  SESSION_RESULTS_ID,
  SessionFilters,
  TYPED_FILTER_IDS,
} from '../../../components/client-sessions/SessionFilters.js';
import { SessionResults } from '../../../components/client-sessions/SessionResults.js';
import { livePage } from '../../../components/layout/live.js';
import { fromResultsRegion } from '../../html/canonical-query.js';
import { hasRole } from '../../plugins/operator.js';
import { refusedSessionListView, sessionListView } from '../../views/client-sessions/list.js';
import {
  parseSessionQuery,
  sessionListRequest,
  sessionQueryInput,
} from '../../views/client-sessions/query.js';
import { TERMINATE_SESSIONS_ROLE } from '../../views/client-sessions/terminate.js';
import { canonicalListQuery, loadList } from '../list-page.js';
import { get } from '../register.js';
import { routes } from '../table.js';

export default async function listRoutes(app: FastifyInstance) {
  get(
    app,
    routes.sessions.list,
    { query: sessionQueryInput },
    async function listClientSessions(request, reply) {
      const redirect = canonicalListQuery(request, reply, SESSION_RESULTS_ID, TYPED_FILTER_IDS);
      if (redirect) return redirect;
      const parsed = parseSessionQuery(request.query);
      const view = await loadList(
        reply,
        parsed,
        async (q) =>
          sessionListView(
            q,
            await app.controlPlane.listClientSessions(sessionListRequest(q), request.rpc()),
            new Date(),
          ),
        refusedSessionListView,
      );
      const results = () => (
        <SessionResults
          view={view}
          canTerminate={hasRole(request.operator?.role, TERMINATE_SESSIONS_ROLE)}
          csrfToken={request.csrfToken()}
          bulkAction={routes.sessions.bulkTerminate.href()}
          focus={fromResultsRegion(request)}
          live={livePage(request)}
        />
      );
      return reply.page({
        area: 'sessions',
        title: 'Client sessions',
        subtitle:
          'Clients connected to the cluster through its proxies: who, since when, how busy.',
        body: () => (
          <>
            <SessionFilters query={parsed.query} />
            {results()}
          </>
        ),
        fragment: { id: SESSION_RESULTS_ID, render: results, live: true },
      });
    },
  );
}
