import type { FastifyInstance } from 'fastify';
import { ConfigurationDetailActions } from '../../../components/client-configurations/ConfigurationActions.js';
import { ConfigurationDetailView } from '../../../components/client-configurations/ConfigurationDetailView.js';
import { Notice } from '../../../components/ui/Alert.js';
import { RequestReceipt } from '../../../components/ui/RequestReceipt.js';
import { noticeQuery } from '../../forms/notices.js';
import { hasRole } from '../../plugins/operator.js';
import { configurationDetail } from '../../views/client-configurations/detail.js';
import { configurationNotices } from '../../views/client-configurations/notices.js';
import { AUDIT_LOG_ROLE, permissionsFor } from '../../views/permissions.js';
import { get } from '../register.js';
import { routes } from '../table.js';
import { getConfiguration } from './read.js';

export default async function detailRoutes(app: FastifyInstance) {
  get(
    app,
    routes.clientConfigurations.detail,
    { query: noticeQuery },
    async function showClientConfiguration(request, reply) {
      // NOT_FOUND and an unreachable control plane are thrown to the error handler.
      const detail = configurationDetail(await getConfiguration(request, request.params.name));
      const notice = configurationNotices.text(request.query.notice, ['created', 'updated']);
      const role = request.operator?.role;
      const canReadAudit = hasRole(role, AUDIT_LOG_ROLE);
      return reply.page({
        area: 'client-configurations',
        title: detail.name,
        subtitle: 'Client configuration',
        crumbs: [{ label: detail.name }],
        actions: () => <ConfigurationDetailActions detail={detail} can={permissionsFor(role)} />,
        body: () => (
          <>
            <Notice text={notice}>
              <RequestReceipt requestId={request.query.request} canReadAudit={canReadAudit} />
            </Notice>
            <ConfigurationDetailView detail={detail} canReadAudit={canReadAudit} />
          </>
        ),
      });
    },
  );
}
