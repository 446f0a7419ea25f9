// Short in-memory time series for GetMetrics (sparklines). Each resource ("" for the cluster,
// "namespaces/{name}", "backends/{name}") has a few named series; a backend also has the same
// series per instance. Points older than the retention window are dropped as new ones arrive,
// and an instance's series go with the instance, so memory stays bounded however long the demo
// runs.

import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import type { BackendInstance } from '../../gen/prism/admin/v1/backend_pb.js';
import type { TimeSeriesSchema } from '../../gen/prism/admin/v1/metrics_pb.js';
import type { Random } from './random.js';
import type { ControlPlaneState } from './state.js';

export const METRIC_RETENTION_MS = 15 * 60 * 1000;

export interface MetricPoint {
  readonly timeMs: number;
  readonly value: number;
}

export interface MetricSeries {
  readonly name: string;
  readonly unit: string;
  /** "" for the resource as a whole, else the backend instance's id. */
  readonly instance: string;
  readonly points: MetricPoint[];
}

/** Where a series sits in its resource's map: its name, or `{instance}\n{name}`. */
function seriesKey(name: string, instance: string): string {
  return instance === '' ? name : `${instance}\n${name}`;
}

/** The series every resource kind has, with their units. */
export const SERIES_UNITS = {
  cluster: {
    rps: 'requests/s',
    active_sessions: 'sessions',
    p99_latency_ms: 'ms',
    storage_used_bytes: 'bytes',
  },
  namespace: {
    rps: 'requests/s',
    active_sessions: 'sessions',
    p99_latency_ms: 'ms',
    storage_used_bytes: 'bytes',
  },
  backend: {
    rps: 'requests/s',
    p99_latency_ms: 'ms',
    cpu_percent: '%',
    memory_percent: '%',
    pool_active: 'connections',
  },
} as const satisfies Record<string, Record<string, string>>;

export type ResourceKindForMetrics = keyof typeof SERIES_UNITS;

export class MetricStore {
  private readonly resources = new Map<string, Map<string, MetricSeries>>();

  /** Appends one point; creates the series on first use. `instance` "" is the whole resource. */
  record(
    resource: string,
    name: string,
    unit: string,
    timeMs: number,
    value: number,
    instance = '',
  ): void {
    let series = this.resources.get(resource);
    if (!series) {
      series = new Map();
      this.resources.set(resource, series);
    }
    const key = seriesKey(name, instance);
    let one = series.get(key);
    if (!one) {
      one = { name, unit, instance, points: [] };
      series.set(key, one);
    }
    one.points.push({ timeMs, value });
    const cutoff = timeMs - METRIC_RETENTION_MS;
    while (one.points.length > 0 && (one.points[0]?.timeMs ?? cutoff) < cutoff) one.points.shift();
  }

  has(resource: string): boolean {
    return this.resources.has(resource);
  }

  /** The series of the resource as a whole (not those of its instances). */
  series(resource: string): MetricSeries[] {
    return this.allSeries(resource).filter((s) => s.instance === '');
  }

  /** One instance's series of a resource (a backend). */
  instanceSeries(resource: string, instance: string): MetricSeries[] {
    if (instance === '') return [];
    return this.allSeries(resource).filter((s) => s.instance === instance);
  }

  /** Every series of a resource, its own and its instances'. */
  allSeries(resource: string): MetricSeries[] {
    return [...(this.resources.get(resource)?.values() ?? [])];
  }

  lastValue(resource: string, name: string, instance = ''): number | undefined {
    const points = this.resources.get(resource)?.get(seriesKey(name, instance))?.points;
    return points?.[points.length - 1]?.value;
  }

  /** Forgets the series of instances that are gone (keeps the resource's own). */
  retainInstances(resource: string, instances: ReadonlySet<string>): void {
    const series = this.resources.get(resource);
    if (!series) return;
    for (const [key, one] of series) {
      if (one.instance !== '' && !instances.has(one.instance)) series.delete(key);
    }
  }

  /** Forgets a resource that no longer exists (a deleted namespace). */
  drop(resource: string): void {
    this.resources.delete(resource);
  }
}

/**
 * Gives every series that has only its current point a plausible past: a random walk backwards
 * from the current value, one point per step. Sparklines then have a shape right after start.
 */
export function backfillHistory(
  store: MetricStore,
  resources: readonly string[],
  nowMs: number,
  stepMs: number,
  count: number,
  random: Random,
): void {
  for (const resource of resources) {
    for (const series of store.allSeries(resource)) {
      const current = series.points[series.points.length - 1];
      if (!current || series.points.length > 1) continue;
      const past: MetricPoint[] = [];
      let value = current.value;
      // Stored bytes only grow, so going back in time they shrink a little; the rest wander.
      const grows = series.unit === 'bytes';
      for (let i = 1; i <= count; i++) {
        const step = grows ? -random.float(0, 0.002) : random.float(-0.06, 0.06);
        value = Math.max(0, value * (1 + step));
        const timeMs = nowMs - i * stepMs;
        if (timeMs < nowMs - METRIC_RETENTION_MS) break;
        past.push({ timeMs, value: roundTo(value, series.unit) });
      }
      series.points.splice(0, 0, ...past.reverse());
    }
  }
}

function roundTo(value: number, unit: string): number {
  // Counts stay whole numbers; rates and percentages keep two decimals.
  return unit === 'sessions' || unit === 'bytes' || unit === 'connections'
    ? Math.round(value)
    : Math.round(value * 100) / 100;
}

export function namespaceResource(name: string): string {
  return `namespaces/${name}`;
}

export function backendResource(name: string): string {
  return `backends/${name}`;
}

/**
 * Records one point of every series from the current state: per namespace, per backend and
 * for the whole cluster. Latency of a namespace is not part of the Namespace message, so it
 * lives only in its series and walks from the previous point.
 */
export function recordSnapshot(state: ControlPlaneState, timeMs: number, random: Random): void {
  const store = state.metrics;
  const units = SERIES_UNITS;
  let clusterRps = 0;
  let clusterStorage = 0;
  let latencyWeighted = 0;
  for (const namespace of state.namespaces.values()) {
    const resource = namespaceResource(namespace.name);
    const rps = namespace.metrics?.rps ?? 0;
    const storage = Number(namespace.metrics?.storageUsedBytes ?? 0n);
    const previous = store.lastValue(resource, 'p99_latency_ms') ?? random.float(4, 35);
    const latency = rps > 0 ? random.walk(previous, 0.08, 1, 400) : 0;
    store.record(resource, 'rps', units.namespace.rps, timeMs, round2(rps));
    store.record(
      resource,
      'active_sessions',
      units.namespace.active_sessions,
      timeMs,
      namespace.metrics?.activeSessions ?? 0,
    );
    store.record(
      resource,
      'p99_latency_ms',
      units.namespace.p99_latency_ms,
      timeMs,
      round2(latency),
    );
    store.record(
      resource,
      'storage_used_bytes',
      units.namespace.storage_used_bytes,
      timeMs,
      storage,
    );
    clusterRps += rps;
    clusterStorage += storage;
    latencyWeighted += latency * rps;
  }
  for (const backend of state.backends.values()) {
    const resource = backendResource(backend.name);
    const instances = backend.instances;
    recordInstances(store, resource, instances, timeMs);
    const count = Math.max(1, instances.length);
    const sum = (pick: (i: (typeof instances)[number]) => number) =>
      instances.reduce((total, instance) => total + pick(instance), 0);
    store.record(resource, 'rps', units.backend.rps, timeMs, round2(sum((i) => i.rps)));
    store.record(
      resource,
      'p99_latency_ms',
      units.backend.p99_latency_ms,
      timeMs,
      round2(Math.max(0, ...instances.map((i) => i.p99LatencyMs))),
    );
    store.record(
      resource,
      'cpu_percent',
      units.backend.cpu_percent,
      timeMs,
      round2(sum((i) => i.cpuPercent) / count),
    );
    store.record(
      resource,
      'memory_percent',
      units.backend.memory_percent,
      timeMs,
      round2(sum((i) => i.memoryPercent) / count),
    );
    store.record(
      resource,
      'pool_active',
      units.backend.pool_active,
      timeMs,
      sum((i) => i.pool?.active ?? 0),
    );
  }
  store.record('', 'rps', units.cluster.rps, timeMs, round2(clusterRps));
  store.record(
    '',
    'active_sessions',
    units.cluster.active_sessions,
    timeMs,
    state.openSessions().length,
  );
  store.record(
    '',
    'p99_latency_ms',
    units.cluster.p99_latency_ms,
    timeMs,
    round2(clusterRps > 0 ? latencyWeighted / clusterRps : 0),
  );
  store.record('', 'storage_used_bytes', units.cluster.storage_used_bytes, timeMs, clusterStorage);
}

/** Each of an instance's figures, under the backend's series name. */
const INSTANCE_FIGURES: Record<
  keyof typeof SERIES_UNITS.backend,
  (instance: BackendInstance) => number
> = {
  rps: (i) => round2(i.rps),
  p99_latency_ms: (i) => round2(i.p99LatencyMs),
  cpu_percent: (i) => round2(i.cpuPercent),
  memory_percent: (i) => round2(i.memoryPercent),
  pool_active: (i) => i.pool?.active ?? 0,
};

/** Each instance's own figures, under the backend's series names; gone instances forgotten. */
function recordInstances(
  store: MetricStore,
  resource: string,
  instances: readonly BackendInstance[],
  timeMs: number,
): void {
  for (const instance of instances) {
    for (const [name, unit] of Object.entries(SERIES_UNITS.backend)) {
      const pick = INSTANCE_FIGURES[name as keyof typeof INSTANCE_FIGURES];
      store.record(resource, name, unit, timeMs, pick(instance), instance.id);
    }
  }
  store.retainInstances(resource, new Set(instances.map((i) => i.id)));
}

/**
 * GetMetrics' per-instance part for a backend: for each of its current instances (in its
 * order), the asked series of that instance alone, points since `sinceMs`. Nothing for other
 * resources.
 */
export function instanceSeriesAnswer(
  state: ControlPlaneState,
  resource: string,
  names: readonly string[],
  sinceMs: number,
): MessageInitShape<typeof TimeSeriesSchema>[] {
  const match = /^backends\/(.+)$/.exec(resource);
  const backend = match ? state.backends.get(match[1] ?? '') : undefined;
  if (!backend) return [];
  const units: Record<string, string> = SERIES_UNITS.backend;
  return backend.instances.flatMap((instance) => {
    const stored = new Map(
      state.metrics.instanceSeries(resource, instance.id).map((s) => [s.name, s]),
    );
    return names.map((name) => ({
      name,
      unit: units[name] ?? '',
      instance: instance.id,
      points: (stored.get(name)?.points ?? [])
        .filter((p) => p.timeMs >= sinceMs)
        .map((p) => ({ time: timestampFromMs(p.timeMs), value: p.value })),
    }));
  });
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
