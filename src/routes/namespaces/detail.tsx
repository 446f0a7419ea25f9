import type { FastifyInstance } from 'fastify';
import { AuditTrailLink } from '../../../components/audit/AuditTrailLink.js';
import { livePage } from '../../../components/layout/live.js';
import { NamespaceDetailActions } from '../../../components/namespaces/NamespaceActions.js';
import {
  NAMESPACE_DETAIL_ID,
  NamespaceDetailView,
} from '../../../components/namespaces/NamespaceDetailView.js';
import { Notice } from '../../../components/ui/Alert.js';
import { RequestReceipt } from '../../../components/ui/RequestReceipt.js';
import { noticeQuery } from '../../forms/notices.js';
import { hasRole } from '../../plugins/operator.js';
import { namespaceDetail } from '../../views/namespaces/detail.js';
import { namespaceNotices } from '../../views/namespaces/notices.js';
import { AUDIT_LOG_ROLE, permissionsFor } from '../../views/permissions.js';
import { readNamespaceConfigurations } from '../client-configurations/namespace.js';
import { readNamespaceSessions } from '../client-sessions/namespace.js';
import { get } from '../register.js';
import { routes } from '../table.js';
import { getNamespace } from './read.js';

export default async function detailRoutes(app: FastifyInstance) {
  get(
    app,
    routes.namespaces.detail,
    { query: noticeQuery },
    async function showNamespace(request, reply) {
      // NOT_FOUND and an unreachable control plane are thrown to the error handler.
      const detail = namespaceDetail(await getNamespace(request, request.params.name));
      // Its sessions and client configurations, together; each says in its section if it failed.
      const [sessions, configurations] = await Promise.all([
        readNamespaceSessions(request, detail.name),
        readNamespaceConfigurations(request, detail.name),
      ]);
      const notice = namespaceNotices.text(request.query.notice, ['created', 'updated']);
      const canReadAudit = hasRole(request.operator?.role, AUDIT_LOG_ROLE);
      const view = () => (
        <NamespaceDetailView
          detail={detail}
          sessions={sessions}
          configurations={configurations}
          live={livePage(request)}
        />
      );
      return reply.page({
        area: 'namespaces',
        title: detail.name,
        subtitle: 'Namespace',
        crumbs: [{ label: detail.name }],
        actions: () => (
          <NamespaceDetailActions detail={detail} can={permissionsFor(request.operator?.role)} />
        ),
        body: () => (
          <>
            <Notice text={notice}>
              <RequestReceipt requestId={request.query.request} canReadAudit={canReadAudit} />
            </Notice>
            {view()}
            <AuditTrailLink
              resource={`namespaces/${detail.name}`}
              namespace={detail.name}
              canReadAudit={canReadAudit}
            />
          </>
        ),
        // Usage moves every second: the detail is a live region.
        fragment: { id: NAMESPACE_DETAIL_ID, render: view, live: true },
      });
    },
  );
}
