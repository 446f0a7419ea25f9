import type { FastifyInstance } from 'fastify';
import { AUDIT_RESULTS_ID, AuditFilters } from '../../../components/audit/AuditFilters.js';
import { ListProblems } from '../../../components/ui/Table.js';
import { canonicalQuery } from '../../html/canonical-query.js';
import { auditQueryInput, auditRequest, readAuditQuery } from '../../views/audit/query.js';
import { AUDIT_LOG_ROLE } from '../../views/permissions.js';
import { get } from '../register.js';
import { routes } from '../table.js';
import { auditFailure, auditResults, type OpenedAuditLog, openAuditLog } from './results.js';

const TITLE = 'Audit log';
const SUBTITLE =
  'Every change made through the control plane, who made it, why, and whether it worked — newest first.';

/**
 * The audit log (admins only). The page is streamed: once the control plane's first batch is in
 * (so a refusal or an outage is an error page with its status), the layout, the filters, the
 * table head and those rows go out at once, then the rows of each batch as it arrives. An htmx filter change gets the
 * results region alone, streamed the same way (htmx swaps it once complete; the console still
 * holds no more than a batch at a time).
 */
export default async function auditLogRoutes(app: FastifyInstance) {
  get(
    app,
    routes.audit.log,
    {
      preHandler: app.requireRole(AUDIT_LOG_ROLE, 'the audit log'),
      query: auditQueryInput,
    },
    async function auditLog(request, reply) {
      const redirect = canonicalQuery(request, reply, AUDIT_RESULTS_ID, 'push');
      if (redirect) return redirect;
      const { filters, problems } = readAuditQuery(request.query);
      if (problems.length > 0) {
        reply.code(400);
        const refused = () => (
          <div id={AUDIT_RESULTS_ID}>
            <ListProblems
              problems={problems}
              resetHref={routes.audit.log.href()}
              resetLabel="Show the newest entries"
            />
          </div>
        );
        return reply.page({
          area: 'audit',
          title: TITLE,
          subtitle: SUBTITLE,
          body: () => (
            <>
              <AuditFilters filters={filters} />
              {refused()}
            </>
          ),
          fragment: { id: AUDIT_RESULTS_ID, render: refused },
        });
      }
      let opened: OpenedAuditLog;
      try {
        const stream = app.controlPlane.getAuditLog(
          auditRequest(filters, filters.size, new Date()),
          request.rpc(),
        );
        opened = await openAuditLog(stream, app.config.controlPlane.timeoutMs);
      } catch (err) {
        return reply.errorPage(auditFailure(err, filters));
      }
      const results = auditResults(request, filters, opened);
      if (request.wantsFragment(AUDIT_RESULTS_ID)) return reply.streamFragment(results);
      return reply.streamPage({
        area: 'audit',
        title: TITLE,
        subtitle: SUBTITLE,
        body: (async function* () {
          yield await (<AuditFilters filters={filters} />);
          yield* results;
        })(),
      });
    },
  );
}
