import { formatNumber } from '../format.js';

/*
 * What a drain would close, shown before it starts. Per namespace this is the namespace's
 * active_sessions (every session that still holds a connection: active, idle or expiring —
 * exactly what DrainConnections targets); for one namespace the total is the exact count from
 * ListClientSessions' status_counts (everything but terminated). The numbers are as of the
 * preview: sessions come and go until the drain starts, and the drain's own page shows the count
 * it really started with (total_by_namespace).
 */

export interface DrainImpact {
  rows: { namespace: string; sessions: string }[];
  /** Sessions the drain would close. */
  total: number;
  totalText: string;
}

export function drainImpact(
  perNamespace: readonly { namespace: string; sessions: number }[],
  total: number | undefined,
): DrainImpact {
  const clean = (n: number) => (Number.isSafeInteger(n) && n > 0 ? n : 0);
  const rows = perNamespace
    .map((row) => ({ namespace: row.namespace, sessions: clean(row.sessions) }))
    .sort((a, b) => b.sessions - a.sessions || a.namespace.localeCompare(b.namespace));
  const sum = total ?? rows.reduce((acc, row) => acc + row.sessions, 0);
  return {
    rows: rows.map((row) => ({ namespace: row.namespace, sessions: formatNumber(row.sessions) })),
    total: clean(sum),
    totalText: formatNumber(clean(sum)),
  };
}
