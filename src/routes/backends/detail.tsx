import { durationFromMs } from '@bufbuild/protobuf/wkt';
import type { FastifyInstance } from 'fastify';
import { BackendDetailView } from '../../../components/backends/BackendDetailView.js';
import {
  BACKEND_SERIES,
  backendDetail,
  METRICS_WINDOW_MINUTES,
  type MetricsPart,
  metricsPart,
  metricsResource,
} from '../../views/backends/detail.js';
import { shortError } from '../../views/errors.js';
import { get } from '../register.js';
import { routes } from '../table.js';

export default async function backendDetailRoutes(app: FastifyInstance) {
  get(app, routes.backends.detail, {}, async function showBackend(request, reply) {
    const { name } = request.params;
    const opts = request.rpc();
    // Independent reads, together. The status is the page: NOT_FOUND (404) and an unreachable
    // control plane go to the error handler. The metrics are only the charts: when they fail
    // the page still shows the instances, with "no data" where the charts would be. A backend's
    // answer carries each instance's series too (the sparklines in the instance rows).
    const [status, metrics] = await Promise.all([
      app.controlPlane.getBackendStatus({ name }, opts),
      app.controlPlane
        .getMetrics(
          {
            resource: metricsResource(name),
            names: BACKEND_SERIES.map((s) => s.name),
            window: durationFromMs(METRICS_WINDOW_MINUTES * 60_000),
          },
          opts,
        )
        .then(
          (response): MetricsPart => metricsPart(response),
          (err: unknown): MetricsPart => {
            request.log.warn({ err }, 'backend: the metrics call failed');
            return { ok: false, error: shortError(err) };
          },
        ),
    ]);
    const backend = status.backend;
    if (!backend) throw new Error(`the control plane sent no backend for ${name}`);
    const detail = backendDetail(backend, metrics);
    return reply.page({
      area: 'backends',
      title: backend.name,
      subtitle: 'Backend',
      crumbs: [{ label: backend.name }],
      body: () => <BackendDetailView detail={detail} />,
    });
  });
}
