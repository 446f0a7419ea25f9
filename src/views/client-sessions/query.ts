import type { MessageInitShape } from '@bufbuild/protobuf';
import { z } from 'zod';
import { defineForm, type FieldOf } from '../../forms/contract.js';
import {
  type ListClientSessionsRequestSchema,
  SessionStatus,
} from '../../gen/prism/admin/v1/client_session_pb.js';
import type { Url } from '../../html/url.js';
import { routes } from '../../routes/table.js';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  orderBy,
  pageSizeSchema,
  pageTokenSchema,
  queryText,
  readQuery,
  type Sort as SortOf,
  sortParam,
  sortSchema,
} from '../list-query.js';
import { type ListChange, pagingParams } from '../list-view.js';
import { SESSION_STATUS_SLUGS, type SessionStatusSlug, sessionStatusBySlug } from './status.js';

/* The client session list's query string: what it may hold, how it is read, and the control-plane request it makes. */

export const SORT_KEYS = ['started', 'activity', 'requests', 'bytes'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export type Sort = SortOf<SortKey>;

const orderByField: Record<SortKey, string> = {
  started: 'start_time',
  activity: 'last_activity_time',
  requests: 'request_count',
  bytes: 'bytes',
};

/** Newest, most recent and busiest first: what an operator looking for a client wants. */
const DEFAULT_SORT: Sort = { key: 'started', descending: true };

export { DEFAULT_PAGE_SIZE, DEFAULT_SORT, MAX_PAGE_SIZE, sortParam };

/** "Idle longer than" choices, as written in the URL, with their length in seconds. */
export const IDLE_CHOICES = {
  '5m': { seconds: 300, label: 'over 5 minutes' },
  '15m': { seconds: 900, label: 'over 15 minutes' },
  '1h': { seconds: 3600, label: 'over 1 hour' },
  '1d': { seconds: 86_400, label: 'over 1 day' },
} as const;
export type IdleChoice = keyof typeof IDLE_CHOICES;
const IDLE_KEYS = Object.keys(IDLE_CHOICES) as IdleChoice[];

export interface SessionListQuery {
  namespace: string;
  status: SessionStatusSlug | undefined;
  q: string;
  idle: IdleChoice | undefined;
  sort: Sort;
  page: string | undefined;
  size: number;
}

/** The list's query string as Fastify validates it: strings only; parseSessionQuery judges them. */
export const sessionQueryInput = z.object({
  namespace: queryText,
  status: queryText,
  q: queryText,
  idle: queryText,
  sort: queryText,
  page: queryText,
  size: queryText,
});
export type SessionQueryInput = z.output<typeof sessionQueryInput>;

const check = {
  namespace: z.string().trim().max(63, 'The namespace name is too long.'),
  status: z.enum(SESSION_STATUS_SLUGS, {
    error: `Unknown status; use one of ${SESSION_STATUS_SLUGS.join(', ')}.`,
  }),
  q: z.string().trim().max(200, 'The search is too long.'),
  idle: z.enum(IDLE_KEYS as [IdleChoice, ...IdleChoice[]], {
    error: `Unknown idle time; use one of ${IDLE_KEYS.join(', ')}.`,
  }),
  sort: sortSchema(SORT_KEYS, DEFAULT_SORT),
  page: pageTokenSchema,
  size: pageSizeSchema(MAX_PAGE_SIZE),
};

/** Reads the query string; a bad value is reported and replaced by its default. */
export function parseSessionQuery(raw: SessionQueryInput): {
  query: SessionListQuery;
  problems: string[];
} {
  return readQuery(
    (read): SessionListQuery => ({
      namespace: read(check.namespace, raw.namespace, ''),
      status: read<SessionStatusSlug | undefined>(check.status, raw.status, undefined),
      q: read(check.q, raw.q, ''),
      idle: read<IdleChoice | undefined>(check.idle, raw.idle, undefined),
      sort: read(check.sort, raw.sort, DEFAULT_SORT),
      page: read<string | undefined>(check.page, raw.page, undefined),
      size: read(check.size, raw.size, DEFAULT_PAGE_SIZE),
    }),
  );
}

/** The control-plane request for a list query. */
export function sessionListRequest(
  query: Pick<SessionListQuery, 'namespace' | 'status' | 'q' | 'idle' | 'sort'> & {
    page?: string | undefined;
    size: number;
  },
): MessageInitShape<typeof ListClientSessionsRequestSchema> {
  return {
    namespace: query.namespace,
    status: query.status ? sessionStatusBySlug[query.status] : SessionStatus.UNSPECIFIED,
    filter: query.q,
    ...(query.idle
      ? { idleLongerThan: { seconds: BigInt(IDLE_CHOICES[query.idle].seconds), nanos: 0 } }
      : {}),
    orderBy: orderBy(query.sort, orderByField),
    pageSize: query.size,
    pageToken: query.page ?? '',
  };
}

/** A list URL for this query with some parts changed; defaults are left out. */
export function sessionListHref(
  query: SessionListQuery,
  change: ListChange<SortKey> & Partial<Pick<SessionListQuery, 'status'>> = {},
): Url {
  return routes.sessions.list.href({
    namespace: query.namespace,
    status: 'status' in change ? change.status : query.status,
    q: query.q,
    idle: query.idle,
    ...pagingParams(query, change, DEFAULT_SORT),
  });
}

/** The filter form's fields: the GET form names and the query string above are one contract. */
export const sessionFilters = defineForm({
  labels: {
    q: 'Client id or address',
    namespace: 'Namespace',
    status: 'Status',
    idle: 'Idle',
    size: 'Per page',
  },
  hidden: ['sort'],
});
sessionQueryInput.shape satisfies Record<FieldOf<typeof sessionFilters>, unknown>;
