import type { Namespace } from '../../gen/prism/admin/v1/namespace_pb.js';
import type { Url } from '../../html/url.js';
import { routes } from '../../routes/table.js';
import { formatBytes, formatNumber, formatRate, formatTime } from '../format.js';
import { type QuotaUsage, usage } from '../quantities.js';
import { type StatusInfo, statusInfo } from './status.js';

export interface NamespaceDetail {
  name: string;
  description: string;
  status: StatusInfo;
  usage: QuotaUsage[];
  config: { key: string; value: string }[];
  assignedProxy: string;
  partition: string;
  created: string;
  createdBy: string;
  updated: string;
  updatedBy: string;
  version: string;
  editHref: Url;
  deleteHref: Url;
}

export function namespaceDetail(ns: Namespace): NamespaceDetail {
  const quota = ns.quota;
  const metrics = ns.metrics;
  return {
    name: ns.name,
    description: ns.description,
    status: statusInfo(ns.status),
    usage: [
      usage('Sessions', metrics?.activeSessions ?? 0, quota?.maxSessions ?? 0, formatNumber),
      usage('Storage', metrics?.storageUsedBytes ?? 0n, quota?.maxStorageBytes ?? 0n, formatBytes),
      usage('Requests per second', metrics?.rps ?? 0, quota?.maxRps ?? 0, (v) =>
        formatRate(Number(v)),
      ),
    ],
    config: Object.entries(ns.config)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => ({ key, value })),
    assignedProxy: ns.assignedProxy,
    partition: String(ns.partition),
    created: formatTime(ns.createTime),
    createdBy: ns.createdBy,
    updated: formatTime(ns.updateTime),
    updatedBy: ns.updatedBy,
    version: ns.version.toString(),
    editHref: routes.namespaces.edit.href({ name: ns.name }),
    deleteHref: routes.namespaces.delete.href({ name: ns.name }),
  };
}
