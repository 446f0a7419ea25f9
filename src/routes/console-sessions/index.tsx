import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  CONSOLE_SESSIONS_ID,
  ConsoleSessionsTable,
} from '../../../components/console-sessions/ConsoleSessionsTable.js';
import { noticeQuery } from '../../forms/notices.js';
import type { HtmlReply, Sent } from '../../plugins/page.js';
import { endSession } from '../../plugins/session.js';
import { isSessionHandle, sessionHandle } from '../../sessions/index.js';
import { type ConsoleSessionNotice, consoleSessionsView } from '../../views/console-sessions.js';
import { CONSOLE_SESSIONS_ROLE } from '../../views/permissions.js';
import { get, post } from '../register.js';
import { routes } from '../table.js';

async function sendSessions(
  request: FastifyRequest,
  reply: HtmlReply,
  notice: unknown,
): Promise<Sent> {
  const view = consoleSessionsView(await request.server.sessions.list(), {
    currentId: request.consoleSession?.id,
    notice,
  });
  // The list's address, also when this answers a revocation (a POST to the session's URL): the
  // region fetches and follows the list (its only query, the notice, is one-time).
  const live = routes.consoleSessions.list.href();
  const table = () => (
    <ConsoleSessionsTable view={view} csrfToken={request.csrfToken()} live={live} />
  );
  const own = request.consoleSession ? sessionHandle(request.consoleSession.id) : undefined;
  return reply.page({
    area: 'console-sessions',
    title: 'Console sessions',
    subtitle:
      'Who is signed in to this console, on every replica. Revoking a session signs its operator out on their next request.',
    // Outside the region: which row is the viewer's own, for the region's live renders.
    body: () => <div data-own-session={own}>{table()}</div>,
    fragment: { id: CONSOLE_SESSIONS_ID, render: table, live: true },
  });
}

/**
 * Console sessions (admins only): the live sessions in the store, and revocation. A revoked
 * session is deleted from the store, so every replica refuses its cookie from then on.
 */
export default async function consoleSessionRoutes(app: FastifyInstance) {
  const adminsOnly = {
    preHandler: app.requireRole(CONSOLE_SESSIONS_ROLE, 'console sessions'),
  };

  get(
    app,
    routes.consoleSessions.list,
    { ...adminsOnly, query: noticeQuery },
    async function listConsoleSessions(request, reply) {
      return sendSessions(request, reply, request.query.notice);
    },
  );

  post(
    app,
    routes.consoleSessions.revoke,
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
          return reply.navigate(routes.auth.signedOut.href());
        }
        await app.sessions.delete(target.id);
        notice = 'revoked';
      }
      if (request.wantsFragment(CONSOLE_SESSIONS_ID)) return sendSessions(request, reply, notice);
      return reply.seeOther(routes.consoleSessions.list.href({ notice }));
    },
  );
}
