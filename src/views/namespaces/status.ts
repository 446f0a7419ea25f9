import type { BadgeTone } from '../../../components/ui/Badge.js';
import { NamespaceStatus } from '../../gen/prism/admin/v1/namespace_pb.js';
import { fromEnumMap, unknownEnumLabel } from '../enums.js';

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

/** A status as shown; one this console does not know (a newer control plane's) reads "Unknown (7)". */
export function statusInfo(status: NamespaceStatus): StatusInfo {
  return fromEnumMap(namespaceStatus, status, (value) => ({
    slug: undefined,
    label: unknownEnumLabel(value),
    tone: 'slate',
  }));
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

/*
 * In the edit form a status without a slug (unset, or a newer control plane's value) is written
 * `unknown-<number>`, so the select can show it, selected, and a form sent back unchanged says
 * so. The console never sets such a status: it can only be kept (src/views/namespaces/form.ts).
 */
const UNKNOWN_VALUE = /^unknown-(\d{1,10})$/;

/** How a status is written in the form: its slug, or `unknown-7`. */
export function statusFormValue(status: NamespaceStatus): string {
  return statusInfo(status).slug ?? `unknown-${status}`;
}

/** The status a form value names, or undefined when it names none. */
export function statusFromFormValue(value: string): NamespaceStatus | undefined {
  const slug = STATUS_SLUGS.find((s) => s === value);
  if (slug) return statusBySlug[slug];
  const unknown = UNKNOWN_VALUE.exec(value);
  if (!unknown) return undefined;
  // A number the console has no slug for, carried back as it was read (an int32 on the wire).
  const number = Number(unknown[1]);
  if (number > 2 ** 31 - 1) return undefined;
  const status = number as NamespaceStatus;
  // A status with a slug is only ever written by its slug: one way to say each value.
  return isSettableStatus(status) ? undefined : status;
}

/** Whether the console offers this status: unset and unknown ones are only ever kept. */
export function isSettableStatus(status: NamespaceStatus): boolean {
  return STATUS_SLUGS.some((slug) => statusBySlug[slug] === status);
}

/**
 * The status select's choices for a form whose value is `value`: the console's own, and the
 * current unknown status when that is the value, so it is shown selected instead of the
 * browser silently picking the first choice.
 */
export function statusChoices(value: string): readonly { value: string; label: string }[] {
  const status = statusFromFormValue(value);
  if (status === undefined || isSettableStatus(status)) return statusOptions;
  return [...statusOptions, { value, label: statusInfo(status).label }];
}

/** A form value as shown (the conflict panel): a label, or the value itself if it is none. */
export function statusLabel(value: string): string {
  const status = statusFromFormValue(value);
  return status === undefined ? value : statusInfo(status).label;
}
