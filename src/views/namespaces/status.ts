import type { BadgeTone } from '../../../components/ui/Badge.js';
import { NamespaceStatus } from '../../gen/prism/admin/v1/namespace_pb.js';

/** How a status is written in URLs and forms. */
export const STATUS_SLUGS = ['active', 'read-only', 'suspended'] as const;
export type StatusSlug = (typeof STATUS_SLUGS)[number];

export interface StatusInfo {
  slug: StatusSlug | undefined;
  label: string;
  tone: BadgeTone;
}

export const namespaceStatus: Record<NamespaceStatus, StatusInfo> = {
  [NamespaceStatus.UNSPECIFIED]: { slug: undefined, label: 'Unknown', tone: 'slate' },
  [NamespaceStatus.ACTIVE]: { slug: 'active', label: 'Active', tone: 'green' },
  [NamespaceStatus.READ_ONLY]: { slug: 'read-only', label: 'Read-only', tone: 'amber' },
  [NamespaceStatus.SUSPENDED]: { slug: 'suspended', label: 'Suspended', tone: 'red' },
};

/** A status as shown; one this console does not know (a newer control plane's) reads Unknown. */
export function statusInfo(status: NamespaceStatus): StatusInfo {
  return namespaceStatus[status] ?? namespaceStatus[NamespaceStatus.UNSPECIFIED];
}

export const statusBySlug: Record<StatusSlug, NamespaceStatus> = {
  active: NamespaceStatus.ACTIVE,
  'read-only': NamespaceStatus.READ_ONLY,
  suspended: NamespaceStatus.SUSPENDED,
};

/** The choices of a status select, in display order. */
export const statusOptions: readonly { value: StatusSlug; label: string }[] = STATUS_SLUGS.map(
  (slug) => ({ value: slug, label: namespaceStatus[statusBySlug[slug]].label }),
);

export function statusLabel(slug: string): string {
  return statusOptions.find((option) => option.value === slug)?.label ?? slug;
}
