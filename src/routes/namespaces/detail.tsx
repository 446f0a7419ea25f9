import type { FastifyInstance } from 'fastify';
import { NamespaceDetailActions } from '../../../components/namespaces/NamespaceActions.js';
import { NamespaceDetailView } from '../../../components/namespaces/NamespaceDetailView.js';
import { Alert } from '../../../components/ui/Alert.js';
import { namespaceDetail, noticeText } from '../../views/namespaces.js';
import { permissionsFor } from '../../views/permissions.js';
import { sendPage } from './page.js';
import { getNamespace, type NameParams } from './read.js';

export default async function detailRoutes(app: FastifyInstance) {
  app.get<{ Params: NameParams; Querystring: { notice?: unknown } }>(
    '/namespaces/:name',
    async function showNamespace(request, reply) {
      // NOT_FOUND and an unreachable control plane are thrown to the error handler.
      const detail = namespaceDetail(await getNamespace(request, request.params.name));
      const notice = noticeText(request.query.notice, ['created', 'updated']);
      return sendPage(request, reply, {
        title: detail.name,
        subtitle: 'Namespace',
        crumbs: [{ label: detail.name }],
        actions: (
          <NamespaceDetailActions detail={detail} can={permissionsFor(request.operator?.role)} />
        ),
        children: (
          <>
            {notice ? (
              <Alert tone="success" title={notice} testId="notice">
                {''}
              </Alert>
            ) : (
              ''
            )}
            <NamespaceDetailView detail={detail} />
          </>
        ),
      });
    },
  );
}
