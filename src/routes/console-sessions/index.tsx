import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  CONSOLE_SESSIONS_ID,
  ConsoleSessionsTable,
} from '../../../components/console-sessions/ConsoleSessionsTable.js';
import { Layout } from '../../../components/layout/Layout.js';
import { PageHeader } from '../../../components/ui/PageHeader.js';
import { endSession } from '../../plugins/session.js';
import {
  type ConsoleSessionNotice,
  consoleSessionsView,
  isSessionHandle,
  sessionHandle,
} from '../../views/console-sessions.js';
import { CONSOLE_SESSIONS_ROLE } from '../../views/permissions.js';
import { paths } from '../paths.js';

interface HandleParams {
  handle: string;
}

async function sendSessions(
  request: FastifyRequest,
  reply: FastifyReply,
  notice: unknown,
): Promise<FastifyReply> {
  const view = consoleSessionsView(await request.server.sessions.list(), {
    currentId: request.consoleSession?.id,
    notice,
  });
  const table = <ConsoleSessionsTable view={view} csrfToken={request.csrfToken()} />;
  reply.header('cache-control', 'no-store');
  if (request.wantsFragment(CONSOLE_SESSIONS_ID)) return reply.html(table);
  return reply.html(
    <Layout
      title="Console sessions"
      area="console-sessions"
      assets={request.server.assets}
      operator={request.operator}
      csrfToken={request.csrfToken()}
    >
      <PageHeader
        title="Console sessions"
        subtitle="Who is signed in to this console, on every replica. Revoking a session signs its operator out on their next request."
      />
      {table}
    </Layout>,
  );
}

/**
 * Console sessions (admins only): the live sessions in the store, and revocation. A revoked
 * session is deleted from the store, so every replica refuses its cookie from then on.
 */
export default async function consoleSessionRoutes(app: FastifyInstance) {
  const adminsOnly = {
    preHandler: app.requireRole(CONSOLE_SESSIONS_ROLE, 'console sessions'),
  };

  app.get<{ Querystring: { notice?: unknown } }>(
    paths.consoleSessions.list(),
    adminsOnly,
    async function listConsoleSessions(request, reply) {
      return sendSessions(request, reply, request.query.notice);
    },
  );

  app.post<{ Params: HandleParams }>(
    '/console-sessions/:handle/revoke',
    adminsOnly,
    async function revokeConsoleSession(request, reply) {
      const { handle } = request.params;
      const target = isSessionHandle(handle)
        ? (await app.sessions.list()).find((session) => sessionHandle(session.id) === handle)
        : undefined;
      let notice: ConsoleSessionNotice = 'gone';
      if (target) {
        const own = target.id === request.consoleSession?.id;
        request.log.info(
          { revoked: target.username, session: handle, by: request.operator?.username, own },
          'console session revoked',
        );
        if (own) {
          await endSession(request);
          reply.header('cache-control', 'no-store');
          if (request.htmx.request) {
            return reply.header('hx-redirect', paths.auth.signedOut()).send('');
          }
          return reply.redirect(paths.auth.signedOut(), 303);
        }
        await app.sessions.delete(target.id);
        notice = 'revoked';
      }
      if (request.wantsFragment(CONSOLE_SESSIONS_ID)) return sendSessions(request, reply, notice);
      return reply.seeOther(paths.consoleSessions.list({ notice }));
    },
  );
}
