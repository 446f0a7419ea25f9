import type { Namespace } from '../../gen/prism/admin/v1/namespace_pb.js';
import { percentOf } from '../quantities.js';

/**
 * Whether `used` exceeds `limit`. At module level, not a closure made in overQuota: under
 * esbuild's keepNames (the bundle's, tsx's) every named closure is given its name with
 * Object.defineProperty each time it is made, here once per row of every namespaces page
 * (measured: 2.5 % of the console's CPU on the 50-row page).
 */
function over(used: number | bigint, limit: number | bigint): boolean {
  return (percentOf(used, limit) ?? 0) > 100;
}

/** Which quotas the live values exceed (a 0 limit is unlimited, never exceeded). */
export function overQuota(ns: Namespace): string[] {
  const quota = ns.quota;
  const metrics = ns.metrics;
  return [
    over(metrics?.activeSessions ?? 0, quota?.maxSessions ?? 0) ? 'sessions' : '',
    over(metrics?.storageUsedBytes ?? 0n, quota?.maxStorageBytes ?? 0n) ? 'storage' : '',
    over(metrics?.rps ?? 0, quota?.maxRps ?? 0) ? 'requests/s' : '',
  ].filter(Boolean);
}
