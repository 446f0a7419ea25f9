import { Code, ConnectError } from '@connectrpc/connect';
import type { FastifyInstance } from 'fastify';
import { DASHBOARD_ID, DashboardContent } from '../../../components/dashboard/DashboardContent.js';
import { livePage } from '../../../components/layout/live.js';
import { SessionStatus } from '../../gen/prism/admin/v1/client_session_pb.js';
import { NamespaceStatus } from '../../gen/prism/admin/v1/namespace_pb.js';
import { sawMaintenance } from '../../plugins/maintenance.js';
import {
  backendBadges,
  clusterCard,
  type DashboardView,
  type Part,
  upTotal,
} from '../../views/dashboard.js';
import { shortError } from '../../views/errors.js';
import { get } from '../register.js';
import { routes } from '../table.js';

/** Why the whole page is stale, when every call failed the same way; undefined otherwise. */
function controlPlaneProblem(
  failures: unknown[],
  calls: number,
): DashboardView['controlPlaneProblem'] {
  if (failures.length < calls) return undefined;
  const codes = failures.map((err) => (err instanceof ConnectError ? err.code : undefined));
  if (codes.every((code) => code === Code.DeadlineExceeded)) return 'slow';
  if (codes.every((code) => code === Code.Unavailable || code === Code.DeadlineExceeded)) {
    return 'unreachable';
  }
  return undefined;
}

/** The control-plane calls one dashboard makes. */
const CALLS = 9;

/** One card's value from two calls: available when both answered. */
function both<A, B, R>(a: Part<A>, b: Part<B>, combine: (a: A, b: B) => R): Part<R> {
  if (!a.ok) return a;
  if (!b.ok) return b;
  return { ok: true, value: combine(a.value, b.value) };
}

export default async function dashboardRoutes(app: FastifyInstance) {
  get(app, routes.dashboard, {}, async function showDashboard(request, reply) {
    const cp = app.controlPlane;
    const opts = request.rpc();
    const failures: unknown[] = [];
    const part = async <T, R>(call: Promise<T>, map: (value: T) => R): Promise<Part<R>> => {
      try {
        return { ok: true, value: map(await call) };
      } catch (err) {
        failures.push(err);
        return { ok: false, error: shortError(err) };
      }
    };
    // Independent reads, so they go out together: the page costs the slowest call, not the sum.
    const [
      cluster,
      proxies,
      launchers,
      backends,
      namespaces,
      suspended,
      sessions,
      active,
      maintenance,
    ] = await Promise.all([
      part(cp.getClusterStatus({}, opts), (s) => clusterCard(s)),
      part(cp.listProxies({}, opts), (r) => upTotal(r.proxies)),
      part(cp.listLaunchers({}, opts), (r) => upTotal(r.launchers)),
      part(cp.listBackends({ pageSize: 100 }, opts), (r) => backendBadges(r.backends)),
      part(cp.listNamespaces({ pageSize: 1 }, opts), (r) => r.totalSize),
      part(
        cp.listNamespaces({ pageSize: 1, status: NamespaceStatus.SUSPENDED }, opts),
        (r) => r.totalSize,
      ),
      part(cp.listClientSessions({ pageSize: 1 }, opts), (r) => r.totalSize),
      part(
        cp.listClientSessions({ pageSize: 1, status: SessionStatus.ACTIVE }, opts),
        (r) => r.totalSize,
      ),
      // Read afresh on every render, and given to this replica's cache (src/plugins/maintenance.ts):
      // the layout's banner is then current on the dashboard, and on the pages after it.
      part(cp.getMaintenanceStatus({}, opts), (r) => r.status),
    ]);
    const view: DashboardView = {
      cluster,
      proxies,
      launchers,
      backends,
      namespaces: both(namespaces, suspended, (total, count) => ({ total, suspended: count })),
      sessions: both(sessions, active, (total, count) => ({ total, active: count })),
      controlPlaneProblem: controlPlaneProblem(failures, CALLS),
    };
    for (const err of failures) request.log.warn({ err }, 'dashboard: a control-plane call failed');

    if (maintenance.ok) sawMaintenance(request, maintenance.value);
    const content = () => <DashboardContent view={view} live={livePage(request)} />;
    return reply.page({
      area: 'dashboard',
      title: 'Dashboard',
      subtitle: 'The cluster at a glance.',
      body: content,
      // A live region; the maintenance banner is one of its own (src/plugins/page.tsx).
      fragment: { id: DASHBOARD_ID, render: content, live: true },
    });
  });
}
