import type { MessageInitShape } from '@bufbuild/protobuf';
import { z } from 'zod';
import { defineForm, type FieldOf } from '../../forms/contract.js';
import {
  type ListClientSessionsRequestSchema,
  SessionStatus,
} from '../../gen/prism/admin/v1/client_session_pb.js';
import type { Url } from '../../html/url.js';
import { routes } from '../../routes/table.js';
import { SESSION_STATUS_SLUGS, type SessionStatusSlug, sessionStatusBySlug } from './status.js';

/* The client session list's query string: what it may hold, how it is read, and the control-plane request it makes. */

export const SORT_KEYS = ['started', 'activity', 'requests', 'bytes'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface Sort {
  key: SortKey;
  descending: boolean;
}

const orderByField: Record<SortKey, string> = {
  started: 'start_time',
  activity: 'last_activity_time',
  requests: 'request_count',
  bytes: 'bytes',
};

/** Newest, most recent and busiest first: what an operator looking for a client wants. */
const DEFAULT_SORT: Sort = { key: 'started', descending: true };
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export function sortParam(sort: Sort): string {
  return `${sort.descending ? '-' : ''}${sort.key}`;
}

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

/** One query-string value as typed (the first of repeated ones); never fails. */
const text = z
  .unknown()
  .optional()
  .transform((value): string | undefined => {
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' ? first : undefined;
  });

/** The list's query string as Fastify validates it: strings only; parseSessionQuery judges them. */
export const sessionQueryInput = z.object({
  namespace: text,
  status: text,
  q: text,
  idle: text,
  sort: text,
  page: text,
  size: text,
});
export type SessionQueryInput = z.output<typeof sessionQueryInput>;

const SIZE_MESSAGE = `The page size must be a whole number from 1 to ${MAX_PAGE_SIZE}.`;
const SORT = /^(-?)(started|activity|requests|bytes)$/;

const check = {
  namespace: z.string().trim().max(63, 'The namespace name is too long.'),
  status: z.enum(SESSION_STATUS_SLUGS, {
    error: `Unknown status; use one of ${SESSION_STATUS_SLUGS.join(', ')}.`,
  }),
  q: z.string().trim().max(200, 'The search is too long.'),
  idle: z.enum(IDLE_KEYS as [IdleChoice, ...IdleChoice[]], {
    error: `Unknown idle time; use one of ${IDLE_KEYS.join(', ')}.`,
  }),
  sort: z
    .string()
    .regex(
      SORT,
      'Unknown sort order; use started, activity, requests or bytes, with a leading "-" for descending.',
    )
    .transform((s): Sort => {
      const [, minus, key] = SORT.exec(s) ?? [];
      return {
        key: SORT_KEYS.find((k) => k === key) ?? DEFAULT_SORT.key,
        descending: minus === '-',
      };
    }),
  page: z.string().max(1024, 'The page token is too long.'),
  size: z
    .string()
    .regex(/^\d+$/, SIZE_MESSAGE)
    .transform(Number)
    .pipe(z.number().min(1, SIZE_MESSAGE).max(MAX_PAGE_SIZE, SIZE_MESSAGE)),
};

/** Reads the query string; a bad value is reported and replaced by its default. */
export function parseSessionQuery(raw: SessionQueryInput): {
  query: SessionListQuery;
  problems: string[];
} {
  const problems: string[] = [];
  const read = <T>(schema: z.ZodType<T>, value: string | undefined, fallback: T): T => {
    if (value === undefined || value === '') return fallback;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    problems.push(parsed.error.issues[0]?.message ?? 'Invalid value.');
    return fallback;
  };
  const query: SessionListQuery = {
    namespace: read(check.namespace, raw.namespace, ''),
    status: read<SessionStatusSlug | undefined>(check.status, raw.status, undefined),
    q: read(check.q, raw.q, ''),
    idle: read<IdleChoice | undefined>(check.idle, raw.idle, undefined),
    sort: read(check.sort, raw.sort, DEFAULT_SORT),
    page: read<string | undefined>(check.page, raw.page, undefined),
    size: read(check.size, raw.size, DEFAULT_PAGE_SIZE),
  };
  return { query, problems };
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
    orderBy: `${orderByField[query.sort.key]}${query.sort.descending ? ' desc' : ''}`,
    pageSize: query.size,
    pageToken: query.page ?? '',
  };
}

/** A list URL for this query with some parts changed; defaults are left out. */
export function sessionListHref(
  query: SessionListQuery,
  change: Partial<Pick<SessionListQuery, 'sort' | 'page' | 'status'>> = {},
): Url {
  const sort = change.sort ?? query.sort;
  const isDefaultSort =
    sort.key === DEFAULT_SORT.key && sort.descending === DEFAULT_SORT.descending;
  return routes.sessions.list.href({
    namespace: query.namespace,
    status: 'status' in change ? change.status : query.status,
    q: query.q,
    idle: query.idle,
    sort: isDefaultSort ? undefined : sortParam(sort),
    page: 'page' in change ? change.page : query.page,
    size: query.size === DEFAULT_PAGE_SIZE ? undefined : query.size,
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
