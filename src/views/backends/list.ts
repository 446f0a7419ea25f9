import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { BadgeTone } from '../../../components/ui/Badge.js';
import type { Backend, BackendInstance } from '../../gen/prism/admin/v1/backend_pb.js';
import { BackendHealth } from '../../gen/prism/admin/v1/backend_pb.js';
import { backendHealthInfo } from '../dashboard.js';
import { formatAgo, formatTime } from '../format.js';

/**
 * A health check older than this is shown "stale": the control plane checks every few seconds,
 * so two minutes without a check means the checker itself is stuck or cut off.
 */
export const STALE_CHECK_MS = 2 * 60 * 1000;

export interface HealthView {
  /** `healthy`, `degraded`, `unhealthy`, `unknown`, or `Unknown (9)` for a newer value. */
  label: string;
  tone: BadgeTone;
  /** `healthy`…, or `unknown` for unset and unknown values: for tests and styling hooks. */
  slug: string;
}

const slugs: Partial<Record<BackendHealth, string>> = {
  [BackendHealth.HEALTHY]: 'healthy',
  [BackendHealth.DEGRADED]: 'degraded',
  [BackendHealth.UNHEALTHY]: 'unhealthy',
};

export function healthView(health: BackendHealth): HealthView {
  const info = backendHealthInfo(health);
  return { ...info, slug: slugs[health] ?? 'unknown' };
}

export interface LastCheck {
  /** `12s ago`, `never`. */
  ago: string;
  /** The exact time, for a tooltip: `2026-01-02 03:04:05 UTC`, `—` when never. */
  exact: string;
  /** Older than STALE_CHECK_MS (a check time ahead of the clock is not stale). */
  stale: boolean;
}

export function lastCheck(backend: Backend, now = new Date()): LastCheck {
  const ts = backend.lastCheckTime;
  const ago = formatAgo(ts, now);
  const exact = formatTime(ts);
  let stale = false;
  if (ts && exact !== '—' && !exact.startsWith('after')) {
    const at = exact.startsWith('before') ? Number.NEGATIVE_INFINITY : timestampDate(ts).getTime();
    stale = now.getTime() - at > STALE_CHECK_MS;
  }
  return { ago, exact, stale };
}

export interface BackendRow {
  name: string;
  type: string;
  health: HealthView;
  message: string;
  lastCheck: LastCheck;
  healthyInstances: number;
  totalInstances: number;
}

export function isHealthyInstance(instance: BackendInstance): boolean {
  return instance.health === BackendHealth.HEALTHY;
}

export function backendRow(backend: Backend, now = new Date()): BackendRow {
  return {
    name: backend.name,
    type: backend.type || 'unknown',
    health: healthView(backend.health),
    message: backend.healthMessage,
    lastCheck: lastCheck(backend, now),
    healthyInstances: backend.instances.filter(isHealthyInstance).length,
    totalInstances: backend.instances.length,
  };
}

/** `?health=`: `problem` (anything not healthy), or one health's slug. */
export const HEALTH_FILTERS = ['problem', 'healthy', 'degraded', 'unhealthy', 'unknown'] as const;
export type HealthFilter = (typeof HEALTH_FILTERS)[number];

export function healthFilter(value: string | undefined): HealthFilter | undefined {
  return HEALTH_FILTERS.find((f) => f === value);
}

const filterLabels: Record<HealthFilter, string> = {
  problem: 'not healthy',
  healthy: 'healthy',
  degraded: 'degraded',
  unhealthy: 'unhealthy',
  unknown: 'of unknown health',
};

export interface BackendFilterView {
  value: HealthFilter;
  /** `not healthy`, `degraded`: what the rows shown are. */
  label: string;
  /** Rows before filtering. */
  of: number;
}

export interface BackendListView {
  rows: BackendRow[];
  /** The control plane's count; may exceed rows when it kept some pages back. */
  total: number;
  /** Set when the list shows only backends of one health (a dashboard card's link). */
  filter?: BackendFilterView | undefined;
}

function matches(row: BackendRow, filter: HealthFilter): boolean {
  return filter === 'problem' ? row.health.slug !== 'healthy' : row.health.slug === filter;
}

export function backendListView(
  backends: readonly Backend[],
  totalSize: number,
  now = new Date(),
  filter: HealthFilter | undefined = undefined,
): BackendListView {
  const rows = backends.map((b) => backendRow(b, now));
  return {
    rows: filter ? rows.filter((row) => matches(row, filter)) : rows,
    total: Math.max(totalSize, backends.length),
    filter: filter ? { value: filter, label: filterLabels[filter], of: rows.length } : undefined,
  };
}
