import type { Backend, BackendInstance } from '../../gen/prism/admin/v1/backend_pb.js';
import type { GetMetricsResponse } from '../../gen/prism/admin/v1/metrics_pb.js';
import { formatNumber, UNKNOWN_VALUE } from '../format.js';
import { type BackendRow, backendRow, type HealthView, healthView } from './list.js';

/** The series a backend has (metrics.proto: GetMetrics on `backends/{name}`), in display order. */
export const BACKEND_SERIES = [
  { name: 'rps', label: 'Requests/s', unit: '/s' },
  { name: 'p99_latency_ms', label: 'Latency p99', unit: ' ms' },
  { name: 'cpu_percent', label: 'CPU', unit: '%' },
  { name: 'memory_percent', label: 'Memory', unit: '%' },
  { name: 'pool_active', label: 'Connections in use', unit: '' },
] as const;

/** How far back the charts go. */
export const METRICS_WINDOW_MINUTES = 15;

export function metricsResource(backend: string): string {
  return `backends/${backend}`;
}

/** `12.5`, `1,234`, `0.04`; `unknown` for NaN and ±Infinity. */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return UNKNOWN_VALUE;
  const abs = Math.abs(value);
  const rounded = abs >= 100 ? Math.round(value) : Math.round(value * 100) / 100;
  return formatNumber(rounded);
}

function withUnit(value: number, unit: string): string {
  const text = formatMetric(value);
  return text === UNKNOWN_VALUE ? text : `${text}${unit}`;
}

export interface InstanceRow {
  id: string;
  address: string;
  health: HealthView;
  /** `12/64`: connections in use of the pool's maximum. */
  pool: string;
  /** 0..100 for a meter; undefined when the maximum is unknown. */
  poolPercent: number | undefined;
  cpu: string;
  memory: string;
  rps: string;
  latency: string;
  /**
   * The instance's own trends by series name (INSTANCE_TRENDS); a series the control plane did
   * not send is missing, and all are when the metrics call failed.
   */
  trends: Partial<Record<InstanceTrend, SeriesView>>;
}

/** The instance table's columns that have a per-instance series, in column order. */
export const INSTANCE_TRENDS = [
  'pool_active',
  'cpu_percent',
  'memory_percent',
  'rps',
  'p99_latency_ms',
] as const;

export type InstanceTrend = (typeof INSTANCE_TRENDS)[number];

export function instanceRow(
  instance: BackendInstance,
  series: readonly SeriesView[] | undefined = undefined,
): InstanceRow {
  const active = instance.pool?.active ?? 0;
  const max = instance.pool?.max ?? 0;
  return {
    id: instance.id,
    address: instance.address,
    health: healthView(instance.health),
    pool: instance.pool ? `${formatNumber(active)}/${formatNumber(max)}` : UNKNOWN_VALUE,
    poolPercent: max > 0 ? Math.min(100, Math.max(0, (active / max) * 100)) : undefined,
    cpu: withUnit(instance.cpuPercent, '%'),
    memory: withUnit(instance.memoryPercent, '%'),
    rps: withUnit(instance.rps, '/s'),
    latency: `p50 ${withUnit(instance.p50LatencyMs, ' ms')} · p99 ${withUnit(instance.p99LatencyMs, ' ms')}`,
    trends: Object.fromEntries(
      INSTANCE_TRENDS.flatMap((name) => {
        const one = series?.find((s) => s.name === name);
        return one ? [[name, one]] : [];
      }),
    ),
  };
}

export interface SeriesView {
  name: string;
  label: string;
  unit: string;
  /** The values oldest first, as sent (the chart copes with NaN and the like). */
  values: number[];
}

/**
 * The charts, or why there are none: a failed metrics call spoils the charts only. `instances`
 * holds each instance's own series by instance id (only those the control plane sent).
 */
export type MetricsPart =
  | { ok: true; series: SeriesView[]; instances: Map<string, SeriesView[]> }
  | { ok: false; error: string };

/** The backend-wide series (instance empty), one per known series, empty when not sent. */
export function seriesViews(response: GetMetricsResponse): SeriesView[] {
  return BACKEND_SERIES.map((known) => {
    const sent = response.series.find((s) => s.instance === '' && s.name === known.name);
    return { ...seriesLabels(known), values: (sent?.points ?? []).map((p) => p.value) };
  });
}

/** The per-instance series, by instance id; series of unknown names are left out. */
export function instanceSeriesViews(response: GetMetricsResponse): Map<string, SeriesView[]> {
  const byInstance = new Map<string, SeriesView[]>();
  for (const sent of response.series) {
    if (sent.instance === '') continue;
    const known = BACKEND_SERIES.find((s) => s.name === sent.name);
    if (!known) continue;
    const views = byInstance.get(sent.instance) ?? [];
    if (views.some((v) => v.name === known.name)) continue;
    views.push({ ...seriesLabels(known), values: sent.points.map((p) => p.value) });
    byInstance.set(sent.instance, views);
  }
  return byInstance;
}

/** The whole answer as the page part. */
export function metricsPart(response: GetMetricsResponse): MetricsPart {
  return { ok: true, series: seriesViews(response), instances: instanceSeriesViews(response) };
}

function seriesLabels(known: (typeof BACKEND_SERIES)[number]) {
  return { name: known.name, label: known.label, unit: known.unit };
}

export interface BackendDetailView {
  summary: BackendRow;
  instances: InstanceRow[];
  metrics: MetricsPart;
}

export function backendDetail(
  backend: Backend,
  metrics: MetricsPart,
  now = new Date(),
): BackendDetailView {
  return {
    summary: backendRow(backend, now),
    instances: backend.instances.map((instance) =>
      instanceRow(instance, metrics.ok ? (metrics.instances.get(instance.id) ?? []) : undefined),
    ),
    metrics,
  };
}
