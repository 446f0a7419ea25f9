import type { Random } from './random.js';
import type { ControlPlaneState } from './state.js';

// Short in-memory time series for GetMetrics (sparklines). Each resource ("" for the cluster,
// "namespaces/{name}", "backends/{name}") has a few named series; points older than the
// retention window are dropped as new ones arrive, so memory stays bounded however long the
// demo runs.

export const METRIC_RETENTION_MS = 15 * 60 * 1000;

export interface MetricPoint {
  readonly timeMs: number;
  readonly value: number;
}

export interface MetricSeries {
  readonly name: string;
  readonly unit: string;
  readonly points: MetricPoint[];
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

  /** Appends one point; creates the series on first use. */
  record(resource: string, name: string, unit: string, timeMs: number, value: number): void {
    let series = this.resources.get(resource);
    if (!series) {
      series = new Map();
      this.resources.set(resource, series);
    }
    let one = series.get(name);
    if (!one) {
      one = { name, unit, points: [] };
      series.set(name, one);
    }
    one.points.push({ timeMs, value });
    const cutoff = timeMs - METRIC_RETENTION_MS;
    while (one.points.length > 0 && (one.points[0]?.timeMs ?? cutoff) < cutoff) one.points.shift();
  }

  has(resource: string): boolean {
    return this.resources.has(resource);
  }

  series(resource: string): MetricSeries[] {
    return [...(this.resources.get(resource)?.values() ?? [])];
  }

  lastValue(resource: string, name: string): number | undefined {
    const points = this.resources.get(resource)?.get(name)?.points;
    return points?.[points.length - 1]?.value;
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
    for (const series of store.series(resource)) {
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

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
