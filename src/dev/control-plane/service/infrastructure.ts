// Read-only views of the cluster: backends, Raft, proxies, launchers, pattern assignments and
// the metric time series.

import { clone } from '@bufbuild/protobuf';
import { durationMs, timestampFromMs } from '@bufbuild/protobuf/wkt';
import { BackendSchema } from '../../../gen/prism/admin/v1/backend_pb.js';
import {
  LauncherSchema,
  PatternAssignmentSchema,
  ProxySchema,
  RaftMemberSchema,
} from '../../../gen/prism/admin/v1/cluster_pb.js';
import { instanceSeriesAnswer, METRIC_RETENTION_MS, SERIES_UNITS } from '../metrics.js';
import { paginate, parsePageRequest } from '../paging.js';
import type { ControlPlaneState } from '../state.js';
import { invalidField, notFound, Violations } from '../validation.js';
import type { Handlers, ServiceDeps } from './deps.js';

export function infrastructureHandlers({
  state,
}: ServiceDeps): Handlers<
  | 'listBackends'
  | 'getBackendStatus'
  | 'getClusterStatus'
  | 'listProxies'
  | 'listLaunchers'
  | 'listPatterns'
  | 'getMetrics'
> {
  return {
    listBackends(request) {
      const violations = new Violations();
      const page = parsePageRequest(violations, request.pageSize, request.pageToken, {
        method: 'ListBackends',
      });
      violations.throwIfAny();
      const all = [...state.backends.values()].sort((a, b) => a.name.localeCompare(b.name));
      const result = paginate(all, page);
      return {
        backends: result.items.map((b) => clone(BackendSchema, b)),
        nextPageToken: result.nextPageToken,
        totalSize: result.totalSize,
      };
    },

    getBackendStatus(request) {
      const backend = state.backends.get(request.name);
      if (!backend) throw notFound(`backend ${request.name}`);
      return { backend: clone(BackendSchema, backend) };
    },

    getClusterStatus() {
      const { leaderId, term, commitIndex, appliedIndex, members } = state.raft;
      return {
        leaderId,
        term,
        commitIndex,
        appliedIndex,
        members: members.map((m) => clone(RaftMemberSchema, m)),
      };
    },

    listProxies() {
      // The same rule as the proxy's namespace_count (refreshPlacementCounts): its assigned ones.
      const assigned = new Map<string, string[]>();
      for (const namespace of state.namespaces.values()) {
        const names = assigned.get(namespace.assignedProxy) ?? [];
        names.push(namespace.name);
        assigned.set(namespace.assignedProxy, names);
      }
      return {
        proxies: [...state.proxies.values()]
          .sort((a, b) => a.id.localeCompare(b.id))
          .map((p) => {
            const proxy = clone(ProxySchema, p);
            proxy.namespaces = (assigned.get(p.id) ?? []).sort((a, b) => a.localeCompare(b));
            return proxy;
          }),
      };
    },

    listLaunchers() {
      return {
        launchers: [...state.launchers.values()]
          .sort((a, b) => a.id.localeCompare(b.id))
          .map((l) => clone(LauncherSchema, l)),
      };
    },

    listPatterns(request) {
      const violations = new Violations();
      const page = parsePageRequest(violations, request.pageSize, request.pageToken, {
        method: 'ListPatterns',
        namespace: request.namespace,
        launcherId: request.launcherId,
      });
      violations.throwIfAny();
      const matches = [...state.patterns.values()]
        .filter(
          (p) =>
            (request.namespace === '' || p.namespace === request.namespace) &&
            (request.launcherId === '' || p.launcherId === request.launcherId),
        )
        .sort((a, b) => a.id.localeCompare(b.id));
      const result = paginate(matches, page);
      return {
        patterns: result.items.map((p) => clone(PatternAssignmentSchema, p)),
        nextPageToken: result.nextPageToken,
        totalSize: result.totalSize,
      };
    },

    getMetrics(request) {
      const kind = metricKind(state, request.resource);
      const known: Record<string, string> = SERIES_UNITS[kind];
      const violations = new Violations();
      const unknown = request.names.filter((name) => !(name in known));
      if (unknown.length > 0) {
        violations.add(
          'names',
          `unknown series ${unknown.join(', ')}; ${request.resource || 'the cluster'} has ${Object.keys(known).join(', ')}`,
        );
      }
      let windowMs = METRIC_RETENTION_MS;
      if (request.window) {
        const asked = durationMs(request.window);
        if (asked <= 0) violations.add('window', 'must be positive (or unset for 15 minutes)');
        // More than the retention is answered with what there is.
        else windowMs = Math.min(asked, METRIC_RETENTION_MS);
      }
      violations.throwIfAny();

      const since = state.now().getTime() - windowMs;
      const names = request.names.length > 0 ? request.names : Object.keys(known);
      const stored = new Map(state.metrics.series(request.resource).map((s) => [s.name, s]));
      return {
        series: [
          ...names.map((name) => ({
            name,
            unit: known[name] ?? '',
            points: (stored.get(name)?.points ?? [])
              .filter((p) => p.timeMs >= since)
              .map((p) => ({ time: timestampFromMs(p.timeMs), value: p.value })),
          })),
          // A backend's instances, each with the same series (metrics.proto: TimeSeries.instance).
          ...instanceSeriesAnswer(state, request.resource, names, since),
        ],
      };
    },
  };
}

/** "" → cluster, "namespaces/{name}", "backends/{name}"; anything else is refused. */
function metricKind(state: ControlPlaneState, resource: string): keyof typeof SERIES_UNITS {
  if (resource === '') return 'cluster';
  const match = /^(namespaces|backends)\/(.+)$/.exec(resource);
  if (!match) {
    throw invalidField(
      'resource',
      'must be "" (the cluster), "namespaces/{name}" or "backends/{name}"',
    );
  }
  const [, collection, name = ''] = match;
  if (collection === 'namespaces') {
    if (!state.namespaces.has(name)) throw notFound(`namespace ${name}`);
    return 'namespace';
  }
  if (!state.backends.has(name)) throw notFound(`backend ${name}`);
  return 'backend';
}
