import type { FastifyInstance } from 'fastify';
import cancelRoutes from './cancel.js';
import detailRoutes from './detail.js';
import drainRoutes from './drain.js';
import eventRoutes from './events.js';
import listRoutes from './list.js';

/**
 * Operations: the list of drains (running and recent) with the maintenance state, starting a
 * drain (operators and admins), one operation's live progress, and cancelling it. The
 * maintenance page registers itself (./maintenance.tsx). Every form posts without JavaScript.
 */
export default async function operationRoutes(app: FastifyInstance) {
  await app.register(listRoutes);
  await app.register(drainRoutes);
  await app.register(detailRoutes);
  await app.register(eventRoutes);
  await app.register(cancelRoutes);
}
