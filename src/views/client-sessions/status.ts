import type { BadgeTone } from '../../../components/ui/Badge.js';
import { SessionStatus } from '../../gen/prism/admin/v1/client_session_pb.js';
import { fromEnumMap, unknownEnumLabel } from '../enums.js';

/** How a session status is written in URLs. */
export const SESSION_STATUS_SLUGS = ['active', 'idle', 'expiring', 'terminated'] as const;
export type SessionStatusSlug = (typeof SESSION_STATUS_SLUGS)[number];

export interface SessionStatusInfo {
  slug: SessionStatusSlug | undefined;
  label: string;
  tone: BadgeTone;
}

const sessionStatus: Record<SessionStatus, SessionStatusInfo> = {
  [SessionStatus.UNSPECIFIED]: { slug: undefined, label: 'Unknown', tone: 'slate' },
  [SessionStatus.ACTIVE]: { slug: 'active', label: 'Active', tone: 'green' },
  [SessionStatus.IDLE]: { slug: 'idle', label: 'Idle', tone: 'sky' },
  [SessionStatus.EXPIRING]: { slug: 'expiring', label: 'Expiring', tone: 'amber' },
  [SessionStatus.TERMINATED]: { slug: 'terminated', label: 'Terminated', tone: 'slate' },
};

/** A status as shown; one this console does not know (a newer control plane's) reads "Unknown (7)". */
export function sessionStatusInfo(status: SessionStatus): SessionStatusInfo {
  return fromEnumMap(sessionStatus, status, (value) => ({
    slug: undefined,
    label: unknownEnumLabel(value),
    tone: 'slate',
  }));
}

export const sessionStatusBySlug: Record<SessionStatusSlug, SessionStatus> = {
  active: SessionStatus.ACTIVE,
  idle: SessionStatus.IDLE,
  expiring: SessionStatus.EXPIRING,
  terminated: SessionStatus.TERMINATED,
};

/** The choices of a status select, in display order. */
export const sessionStatusOptions: readonly { value: SessionStatusSlug; label: string }[] =
  SESSION_STATUS_SLUGS.map((slug) => ({
    value: slug,
    label: sessionStatus[sessionStatusBySlug[slug]].label,
  }));
