import type { Namespace } from '../../gen/prism/admin/v1/namespace_pb.js';
import { formatNumber } from '../format.js';

/*
 * Who a maintenance change reaches: the open client sessions and the namespaces they are in.
 * Counted from ListNamespaces' metrics.active_sessions (the control plane's count of each
 * namespace's open sessions), summed over every page, rather than from ListClientSessions'
 * status_counts: those give the total but not how many namespaces it spans.
 */

export interface MaintenanceImpact {
  /** Open client sessions, summed over the namespaces read. */
  sessions: number;
  /** Namespaces with at least one open session. */
  namespaces: number;
  /** Not every namespace was read (more pages than the preview reads): the counts are a floor. */
  partial: boolean;
}

export function emptyImpact(): MaintenanceImpact {
  return { sessions: 0, namespaces: 0, partial: false };
}

/** Adds one page of namespaces; a negative or absurd count is read as none. */
export function addNamespaces(impact: MaintenanceImpact, page: readonly Namespace[]): void {
  for (const namespace of page) {
    const open = namespace.metrics?.activeSessions ?? 0;
    if (!Number.isFinite(open) || open <= 0) continue;
    impact.sessions += open;
    impact.namespaces += 1;
  }
}

const plural = (n: number, one: string, many: string) =>
  `${formatNumber(n)} ${n === 1 ? one : many}`;

/** `123 open client sessions in 7 namespaces`, `at least …` when partial. */
export function impactText(impact: MaintenanceImpact): string {
  const text = `${plural(impact.sessions, 'open client session', 'open client sessions')} in ${plural(impact.namespaces, 'namespace', 'namespaces')}`;
  return impact.partial ? `at least ${text}` : text;
}
