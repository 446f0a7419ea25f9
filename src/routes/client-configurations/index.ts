import type { FastifyInstance } from 'fastify';
import createRoutes from './create.js';
import deleteRoutes from './delete.js';
import detailRoutes from './detail.js';
import editRoutes from './edit.js';
import listRoutes from './list.js';

/**
 * Client configurations: list (filters, sort, pages), detail, create, edit and delete. Every
 * form posts without JavaScript and answers with a 303; htmx gets the form fragment or
 * HX-Location. Everyone signed in reads; admins write (checked here and by the control plane).
 */
export default async function clientConfigurationRoutes(app: FastifyInstance) {
  await app.register(listRoutes);
  await app.register(createRoutes);
  await app.register(editRoutes);
  await app.register(detailRoutes);
  await app.register(deleteRoutes);
}
