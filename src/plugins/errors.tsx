import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ErrorView } from '../../components/layout/ErrorPage.js';
import { Layout } from '../../components/layout/Layout.js';
import { describeError, type ErrorDescription } from '../views/errors.js';

/** The page the operator was on, to offer "Try again": only ever a local path. */
function retryHref(request: FastifyRequest): string | undefined {
  if (request.method === 'GET') return request.url;
  const current = request.headers['hx-current-url'];
  if (typeof current !== 'string') return undefined;
  try {
    const url = new URL(current);
    return url.host === request.host ? `${url.pathname}${url.search}` : undefined;
  } catch {
    return undefined;
  }
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  described: ErrorDescription,
): Promise<FastifyReply> {
  const view = (
    <ErrorView title={described.title} message={described.message} retryHref={retryHref(request)} />
  );
  reply.code(described.status).header('cache-control', 'no-store');
  if (request.htmx.request) {
    // Whatever element asked, the error goes to the page's alert region, so a failed refresh
    // never wipes the content the operator is looking at.
    reply.header('hx-retarget', '#alerts').header('hx-reswap', 'innerHTML');
    return reply.html(view);
  }
  return reply.html(
    <Layout
      title={described.title}
      area={undefined}
      assets={request.server.assets}
      operator={request.operator}
      csrfToken={request.csrfToken()}
    >
      {view}
    </Layout>,
  );
}

export default fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler(async (err: FastifyError, request, reply) => {
      const described = describeError(err);
      if (described.serverFault) request.log.error({ err }, described.title);
      else request.log.info({ err: { message: err.message, code: err.code } }, described.title);
      return sendError(request, reply, described);
    });
    app.setNotFoundHandler(async (request, reply) =>
      sendError(request, reply, {
        status: 404,
        title: 'Page not found',
        message: `There is no page at ${request.url}.`,
        serverFault: false,
      }),
    );
  },
  { name: 'errors', dependencies: ['htmx', 'static', 'operator'] },
);
