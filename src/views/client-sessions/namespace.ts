import type { ListClientSessionsResponse } from '../../gen/prism/admin/v1/client_session_pb.js';
import { SessionStatus } from '../../gen/prism/admin/v1/client_session_pb.js';
import type { Url } from '../../html/url.js';
import { routes } from '../../routes/table.js';
import { formatNumber } from '../format.js';
import { type SessionRow, sessionRow } from './list.js';
import { sessionStatusInfo } from './status.js';

/** How many of a namespace's newest sessions its detail page shows. */
export const NAMESPACE_SESSIONS_SHOWN = 5;

/** A namespace's sessions on its detail page: the newest few, counts, and where to see all. */
export interface NamespaceSessionsView {
  rows: SessionRow[];
  total: string;
  counts: { label: string; count: string; href: Url | undefined }[];
  allHref: Url;
  /** "Terminate all idle": set when there are idle sessions and the operator may terminate. */
  terminateIdleHref: Url | undefined;
  idleCount: number;
  /** Why the sessions could not be read (the rest of the page is still shown). */
  unavailable: string | undefined;
}

export function namespaceSessionsView(
  namespace: string,
  response: ListClientSessionsResponse,
  canTerminate: boolean,
  now: Date,
): NamespaceSessionsView {
  const idle = response.statusCounts.find((c) => c.status === SessionStatus.IDLE)?.count ?? 0;
  return {
    rows: response.clientSessions.map((s) => sessionRow(s, now)),
    total: formatNumber(response.totalSize),
    counts: response.statusCounts.map((c) => {
      const info = sessionStatusInfo(c.status);
      return {
        label: info.label,
        count: formatNumber(c.count),
        href: info.slug ? routes.sessions.list.href({ namespace, status: info.slug }) : undefined,
      };
    }),
    allHref: routes.sessions.list.href({ namespace }),
    terminateIdleHref:
      canTerminate && idle > 0
        ? routes.sessions.bulkTerminate.href({ namespace, status: 'idle' })
        : undefined,
    idleCount: idle,
    unavailable: undefined,
  };
}

export function unavailableSessionsView(namespace: string, reason: string): NamespaceSessionsView {
  return {
    rows: [],
    total: '',
    counts: [],
    allHref: routes.sessions.list.href({ namespace }),
    terminateIdleHref: undefined,
    idleCount: 0,
    unavailable: reason,
  };
}
