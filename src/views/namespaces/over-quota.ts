import type { Namespace } from '../../gen/prism/admin/v1/namespace_pb.js';
import { percentOf } from '../quantities.js';

/** Which quotas the live values exceed (a 0 limit is unlimited, never exceeded). */
export function overQuota(ns: Namespace): string[] {
  const quota = ns.quota;
  const metrics = ns.metrics;
  const over = (used: number | bigint, limit: number | bigint) =>
    (percentOf(used, limit) ?? 0) > 100;
  return [
    over(metrics?.activeSessions ?? 0, quota?.maxSessions ?? 0) ? 'sessions' : '',
    over(metrics?.storageUsedBytes ?? 0n, quota?.maxStorageBytes ?? 0n) ? 'storage' : '',
    over(metrics?.rps ?? 0, quota?.maxRps ?? 0) ? 'requests/s' : '',
  ].filter(Boolean);
}
