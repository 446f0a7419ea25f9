import type { CallOptions } from '@connectrpc/connect';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ClusterStatusView } from '../../../components/cluster/ClusterStatusView.js';
import type { PatternAssignment } from '../../gen/prism/admin/v1/cluster_pb.js';
import {
  type ClusterView,
  filterRows,
  launcherRows,
  type Part,
  patternRows,
  proxyRows,
  raftSection,
} from '../../views/cluster/status.js';
import { shortError } from '../../views/errors.js';
import { get } from '../register.js';
import { routes } from '../table.js';

/** Enough pages for any cluster this page is meant for; past it the page says how many it shows. */
const MAX_PATTERN_PAGES = 10;

/** Every pattern assignment, page by page (the control plane pages them), up to the cap. */
async function allPatterns(
  app: FastifyInstance,
  opts: CallOptions,
): Promise<{ patterns: PatternAssignment[]; total: number }> {
  const patterns: PatternAssignment[] = [];
  let pageToken = '';
  let total = 0;
  for (let page = 0; page < MAX_PATTERN_PAGES; page++) {
    const answer = await app.controlPlane.listPatterns({ pageSize: 500, pageToken }, opts);
    patterns.push(...answer.patterns);
    total = answer.totalSize;
    pageToken = answer.nextPageToken;
    if (!pageToken) break;
  }
  return { patterns, total: Math.max(total, patterns.length) };
}

/** One query value as typed (the first of repeated ones); never fails. */
const text = z
  .unknown()
  .optional()
  .transform((value): string | undefined => {
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' ? first : undefined;
  });

/** `?proxies=down`, `?launchers=down`; any other value shows the whole section. */
const clusterQuery = z.object({ proxies: text, launchers: text });
const down = (value: string | undefined) => (value === 'down' ? 'down' : undefined);

export default async function clusterRoutes(app: FastifyInstance) {
  get(
    app,
    routes.cluster.status,
    { query: clusterQuery },
    async function showCluster(request, reply) {
      const cp = app.controlPlane;
      const opts = request.rpc();
      const settle = async <T,>(call: Promise<T>): Promise<Part<T>> => {
        try {
          return { ok: true, value: await call };
        } catch (err) {
          request.log.warn({ err }, 'cluster: a control-plane call failed');
          return { ok: false, error: shortError(err) };
        }
      };
      // Independent reads, so they go out together: the page costs the slowest call, not the sum.
      const [raft, proxies, launchers, patterns] = await Promise.all([
        settle(cp.getClusterStatus({}, opts)),
        settle(cp.listProxies({}, opts)),
        settle(cp.listLaunchers({}, opts)),
        settle(allPatterns(app, opts)),
      ]);
      const now = new Date();
      const all = routes.cluster.status.href();
      const shownProxies = filterRows(
        proxies.ok ? { ok: true, value: proxyRows(proxies.value.proxies, now) } : proxies,
        down(request.query.proxies),
        all,
      );
      const shownLaunchers = filterRows(
        launchers.ok
          ? {
              ok: true,
              value: launcherRows(
                launchers.value.launchers,
                patterns.ok ? patterns.value.patterns : undefined,
                now,
              ),
            }
          : launchers,
        down(request.query.launchers),
        all,
      );
      const view: ClusterView = {
        raft: raft.ok ? { ok: true, value: raftSection(raft.value, now) } : raft,
        proxies: shownProxies.part,
        proxyFilter: shownProxies.filter,
        launchers: shownLaunchers.part,
        launcherFilter: shownLaunchers.filter,
        patterns: patterns.ok
          ? {
              ok: true,
              value: {
                rows: patternRows(patterns.value.patterns, now),
                total: patterns.value.total,
              },
            }
          : patterns,
      };
      return reply.page({
        area: 'cluster',
        title: 'Cluster',
        subtitle:
          'The Raft group of the control plane, its proxies, launchers and pattern assignments.',
        body: () => <ClusterStatusView view={view} />,
      });
    },
  );
}
