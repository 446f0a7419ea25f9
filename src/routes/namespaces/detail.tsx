import type { FastifyInstance } from 'fastify';
import { NamespaceDetailActions } from '../../../components/namespaces/NamespaceActions.js';
import { NamespaceDetailView } from '../../../components/namespaces/NamespaceDetailView.js';
import { Notice } from '../../../components/ui/Alert.js';
import { noticeQuery } from '../../forms/notices.js';
import { namespaceDetail } from '../../views/namespaces/detail.js';
import { namespaceNotices } from '../../views/namespaces/notices.js';
import { permissionsFor } from '../../views/permissions.js';
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
      const sessions = await readNamespaceSessions(request, detail.name);
      const notice = namespaceNotices.text(request.query.notice, ['created', 'updated']);
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
            <Notice text={notice} />
            <NamespaceDetailView detail={detail} sessions={sessions} />
          </>
        ),
      });
    },
  );
}
