import type { FastifyInstance } from 'fastify';
import bulkRoutes from './bulk.js';
import detailRoutes from './detail.js';
import listRoutes from './list.js';
import terminateRoutes from './terminate.js';

/**
 * Client sessions: the list (filters, counts per status, sort, pages), a session's detail, and
 * terminating one or several (operators and admins). Every form posts without JavaScript.
 */
export default async function clientSessionRoutes(app: FastifyInstance) {
  await app.register(listRoutes);
  await app.register(bulkRoutes);
  await app.register(detailRoutes);
  await app.register(terminateRoutes);
}
