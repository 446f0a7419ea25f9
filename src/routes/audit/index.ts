import type { FastifyInstance } from 'fastify';
import exportRoutes from './export.js';
import logRoutes from './log.js';

/** The audit log (admins only): filters, paging back by a time cursor, and the export. */
export default async function auditRoutes(app: FastifyInstance) {
  await app.register(logRoutes);
  await app.register(exportRoutes);
}
