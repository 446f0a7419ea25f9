import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { describeError } from '../views/errors.js';

/** Errors and unknown paths answer through the page renderer (reply.errorPage). */
export default fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler(async (err: FastifyError, request, reply) => {
      const described = describeError(err);
      if (described.serverFault) request.log.error({ err }, described.title);
      else request.log.info({ err: { message: err.message, code: err.code } }, described.title);
      return reply.errorPage(described);
    });
    app.setNotFoundHandler(async (_request, reply) =>
      reply.errorPage({
        status: 404,
        title: 'Page not found',
        // The address is not repeated: it is the requester's text, not the console's.
        message: 'There is no page at this address. Check the link, or start from the dashboard.',
        serverFault: false,
      }),
    );
  },
  { name: 'errors', dependencies: ['page'] },
);
