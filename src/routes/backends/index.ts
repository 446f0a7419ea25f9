import type { FastifyInstance } from 'fastify';
import detailRoutes from './detail.js';
import listRoutes from './list.js';

/** The backends area: read-only pages, open to every console role. */
export default async function backendRoutes(app: FastifyInstance) {
  await app.register(listRoutes);
  await app.register(detailRoutes);
}
