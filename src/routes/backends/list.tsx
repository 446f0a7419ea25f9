import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { BACKEND_RESULTS_ID, BackendResults } from '../../../components/backends/BackendResults.js';
import type { Backend } from '../../gen/prism/admin/v1/backend_pb.js';
import { canonicalQuery } from '../../html/canonical-query.js';
import { backendListView, healthFilter } from '../../views/backends/list.js';
import { get } from '../register.js';
import { routes } from '../table.js';

/** A cluster has a handful of backends; this many pages of them is more than any has. */
const PAGE_SIZE = 100;
const MAX_PAGES = 10;

/** `?health=problem` or a health (src/views/backends/list.ts); never fails. */
const query = z.object({
  health: z
    .unknown()
    .optional()
    .transform((value) => (typeof value === 'string' ? value : undefined)),
});

export default async function backendListRoutes(app: FastifyInstance) {
  get(app, routes.backends.list, { query }, async function listBackends(request, reply) {
    const redirect = canonicalQuery(request, reply, BACKEND_RESULTS_ID, 'push');
    if (redirect) return redirect;
    const backends: Backend[] = [];
    let total = 0;
    let pageToken = '';
    for (let page = 0; page < MAX_PAGES; page++) {
      const response = await app.controlPlane.listBackends(
        { pageSize: PAGE_SIZE, pageToken },
        request.rpc(),
      );
      backends.push(...response.backends);
      total = response.totalSize;
      pageToken = response.nextPageToken;
      if (!pageToken) break;
    }
    // An unknown value shows the whole list, as a link without it would.
    const view = backendListView(backends, total, new Date(), healthFilter(request.query.health));
    const results = () => <BackendResults view={view} />;
    return reply.page({
      area: 'backends',
      title: 'Backends',
      subtitle: 'The storage and messaging engines behind the cluster: their health and instances.',
      body: results,
      fragment: { id: BACKEND_RESULTS_ID, render: results },
    });
  });
}
