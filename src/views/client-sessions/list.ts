import {
  type ClientSession,
  type ListClientSessionsResponse,
  SessionStatus,
} from '../../gen/prism/admin/v1/client_session_pb.js';
import type { Url } from '../../html/url.js';
import { routes } from '../../routes/table.js';
import { formatBytes, formatNumber, formatRate } from '../format.js';
import type { SortHeader } from '../list-query.js';
import { defineList, type ListView } from '../list-view.js';
import {
  DEFAULT_SORT,
  type SessionListQuery,
  SORT_KEYS,
  type SortKey,
  sessionListHref,
} from './query.js';
import { type SessionStatusInfo, sessionStatusInfo } from './status.js';
import { type TimeText, timeText } from './time.js';

/* The client session list's answer → rows, sort headers and counts per status. */

export interface SessionRow {
  id: string;
  href: Url;
  clientId: string;
  clientAddress: string;
  namespace: string;
  namespaceHref: Url | undefined;
  status: SessionStatusInfo;
  /** Whether terminating it makes sense (it is not terminated already). */
  open: boolean;
  started: TimeText;
  lastActivity: TimeText;
  requests: string;
  bytes: string;
  bytesTitle: string;
  rps: string;
  proxy: string;
}

export function sessionRow(session: ClientSession, now: Date): SessionRow {
  const m = session.metrics;
  const bytesIn = m?.bytesIn ?? 0n;
  const bytesOut = m?.bytesOut ?? 0n;
  return {
    id: session.id,
    href: routes.sessions.detail.href({ id: session.id }),
    clientId: session.clientId,
    clientAddress: session.clientAddress,
    namespace: session.namespace,
    namespaceHref: session.namespace
      ? routes.namespaces.detail.href({ name: session.namespace })
      : undefined,
    status: sessionStatusInfo(session.status),
    open: session.status !== SessionStatus.TERMINATED,
    started: timeText(session.startTime, now),
    lastActivity: timeText(session.lastActivityTime, now),
    requests: formatNumber(m?.requestCount ?? 0n),
    bytes: formatBytes(bytesIn + bytesOut),
    bytesTitle: `${formatBytes(bytesIn)} in, ${formatBytes(bytesOut)} out`,
    rps: formatRate(m?.rps ?? 0),
    proxy: session.proxy,
  };
}

export type { SortHeader };

const sortLabels: Record<SortKey, string> = {
  started: 'Started',
  activity: 'Last activity',
  requests: 'Requests',
  bytes: 'Bytes',
};

const sessionList = defineList<SessionListQuery, SortKey>({
  keys: SORT_KEYS,
  labels: sortLabels,
  defaultSort: DEFAULT_SORT,
  // Every column starts with the biggest or newest first.
  firstDescending: () => true,
  href: sessionListHref,
});

export interface StatusCountLink {
  label: string;
  count: string;
  tone: SessionStatusInfo['tone'];
  /** The list filtered to this status; undefined for a status the console cannot filter by. */
  href: Url | undefined;
  current: boolean;
}

export type SessionListView = ListView<SessionListQuery, SessionRow, SortKey> & {
  /** Per status for the current filters, ignoring the status filter; first "All". */
  counts: StatusCountLink[];
};

function countLinks(
  query: SessionListQuery,
  response: ListClientSessionsResponse | undefined,
): StatusCountLink[] {
  if (!response) return [];
  const all = response.statusCounts.reduce((sum, c) => sum + c.count, 0);
  return [
    {
      label: 'All',
      count: formatNumber(all),
      tone: 'slate',
      href: sessionListHref(query, { status: undefined, page: undefined }),
      current: query.status === undefined,
    },
    ...response.statusCounts.map((c) => {
      const info = sessionStatusInfo(c.status);
      return {
        label: info.label,
        count: formatNumber(c.count),
        tone: info.tone,
        href: info.slug
          ? sessionListHref(query, { status: info.slug, page: undefined })
          : undefined,
        current: info.slug !== undefined && info.slug === query.status,
      };
    }),
  ];
}

export function sessionListView(
  query: SessionListQuery,
  response: ListClientSessionsResponse,
  now: Date,
): SessionListView {
  return {
    ...sessionList.view(
      query,
      response.clientSessions.map((s) => sessionRow(s, now)),
      response,
    ),
    counts: countLinks(query, response),
  };
}

export function refusedSessionListView(
  query: SessionListQuery,
  problems: string[],
): SessionListView {
  return { ...sessionList.refused(query, problems), counts: [] };
}
