import type { FastifyInstance } from 'fastify';
import { OperationDetailView } from '../../../components/operations/OperationDetailView.js';
import { LIVE_ID, OperationLive } from '../../../components/operations/OperationLive.js';
import { Notice } from '../../../components/ui/Alert.js';
import { RequestReceipt } from '../../../components/ui/RequestReceipt.js';
import { noticeQuery } from '../../forms/notices.js';
import { hasRole } from '../../plugins/operator.js';
import { OPERATION_NOTICES, operationNotices } from '../../views/operations/cancel-form.js';
import { operationView } from '../../views/operations/operation.js';
import { AUDIT_LOG_ROLE, NEEDS } from '../../views/permissions.js';
import { get } from '../register.js';
import { routes } from '../table.js';
import { getOperation } from './read.js';

/** Without JavaScript a running operation's page reloads itself this often. */
export const REFRESH_SECONDS = 2;

export default async function detailRoutes(app: FastifyInstance) {
  get(
    app,
    routes.operations.detail,
    { query: noticeQuery },
    async function showOperation(request, reply) {
      // NOT_FOUND and an unreachable control plane are thrown to the error handler.
      const view = operationView(await getOperation(request, request.params.id), new Date());
      const role = request.operator?.role;
      const mayCancel = hasRole(role, NEEDS.cancelOperation);
      const notice = operationNotices.text(request.query.notice, OPERATION_NOTICES);
      return reply.page({
        area: 'operations',
        title: `${view.kind} of ${view.target === 'All namespaces' ? 'all namespaces' : view.target}`,
        subtitle: `Operation ${view.id}`,
        crumbs: [{ label: view.id }],
        // Without JavaScript: reload until done (the live region does it with JavaScript).
        refreshSeconds: view.done ? undefined : REFRESH_SECONDS,
        ownStream: true,
        body: () => (
          <>
            <Notice text={notice}>
              <RequestReceipt
                requestId={request.query.request}
                canReadAudit={hasRole(role, AUDIT_LOG_ROLE)}
              />
            </Notice>
            <OperationDetailView
              view={view}
              mayCancel={mayCancel}
              canReadAudit={hasRole(role, AUDIT_LOG_ROLE)}
            />
          </>
        ),
        fragment: {
          id: LIVE_ID,
          render: () => <OperationLive view={view} mayCancel={mayCancel} />,
        },
      });
    },
  );
}
