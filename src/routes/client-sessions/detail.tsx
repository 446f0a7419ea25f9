import type { FastifyInstance } from 'fastify';
import { AuditTrailLink } from '../../../components/audit/AuditTrailLink.js';
import {
  SESSION_DETAIL_ID,
  SessionDetailView,
} from '../../../components/client-sessions/SessionDetailView.js';
import { livePage } from '../../../components/layout/live.js';
import { Notice } from '../../../components/ui/Alert.js';
import { buttonClass } from '../../../components/ui/buttons.js';
import { RequestReceipt } from '../../../components/ui/RequestReceipt.js';
import { noticeQuery } from '../../forms/notices.js';
import { hasRole } from '../../plugins/operator.js';
import { sessionDetail } from '../../views/client-sessions/detail.js';
import { sessionNotices, TERMINATE_SESSIONS_ROLE } from '../../views/client-sessions/terminate.js';
import { AUDIT_LOG_ROLE } from '../../views/permissions.js';
import { get } from '../register.js';
import { routes } from '../table.js';
import { getClientSession } from './read.js';

export default async function detailRoutes(app: FastifyInstance) {
  get(
    app,
    routes.sessions.detail,
    { query: noticeQuery },
    async function showClientSession(request, reply) {
      // NOT_FOUND and an unreachable control plane are thrown to the error handler.
      const detail = sessionDetail(await getClientSession(request, request.params.id), new Date());
      const notice = sessionNotices.text(request.query.notice, ['terminated', 'expiring']);
      const mayTerminate = hasRole(request.operator?.role, TERMINATE_SESSIONS_ROLE);
      const canReadAudit = hasRole(request.operator?.role, AUDIT_LOG_ROLE);
      const view = () => <SessionDetailView detail={detail} live={livePage(request)} />;
      return reply.page({
        area: 'sessions',
        title: detail.clientId || detail.id,
        subtitle: `Client session ${detail.id}`,
        crumbs: [{ label: detail.id }],
        actions: () =>
          mayTerminate && detail.open ? (
            <a href={detail.terminateHref} class={buttonClass.danger} data-testid="terminate">
              Terminate
            </a>
          ) : (
            ''
          ),
        body: () => (
          <>
            <Notice text={notice}>
              <RequestReceipt requestId={request.query.request} canReadAudit={canReadAudit} />
            </Notice>
            {view()}
            <AuditTrailLink resource={`sessions/${detail.id}`} canReadAudit={canReadAudit} />
          </>
        ),
        // Its counters and activity move: the detail is a live region.
        fragment: { id: SESSION_DETAIL_ID, render: view, live: true },
      });
    },
  );
}
