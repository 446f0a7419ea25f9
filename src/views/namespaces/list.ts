import type { MessageInitShape } from '@bufbuild/protobuf';
import { z } from 'zod';
import { defineForm, type FieldOf } from '../../forms/contract.js';
import {
  type ListNamespacesRequestSchema,
  type ListNamespacesResponse,
  type Namespace,
  NamespaceStatus,
} from '../../gen/prism/admin/v1/namespace_pb.js';
import type { Url } from '../../html/url.js';
import { routes } from '../../routes/table.js';
import { formatAgo, formatBytes, formatNumber, formatRate, formatTime } from '../format.js';
import { limitText } from '../quantities.js';
import { overQuota } from './over-quota.js';
import {
  STATUS_SLUGS,
  type StatusInfo,
  type StatusSlug,
  statusBySlug,
  statusInfo,
} from './status.js';

/* The namespace list: its query string → a control-plane request, and the answer → rows. */

export const SORT_KEYS = ['name', 'status', 'created', 'sessions', 'storage', 'rps'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface Sort {
  key: SortKey;
  descending: boolean;
}

const orderByField: Record<SortKey, string> = {
  name: 'name',
  status: 'status',
  created: 'create_time',
  sessions: 'active_sessions',
  storage: 'storage_used_bytes',
  rps: 'rps',
};

/** Newest and busiest first are what an operator looks for; names read A to Z. */
const firstDirectionDescending: Record<SortKey, boolean> = {
  name: false,
  status: false,
  created: true,
  sessions: true,
  storage: true,
  rps: true,
};

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
const DEFAULT_SORT: Sort = { key: 'name', descending: false };

export function sortParam(sort: Sort): string {
  return `${sort.descending ? '-' : ''}${sort.key}`;
}

export interface ListQuery {
  q: string;
  status: StatusSlug | undefined;
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

/**
 * The list's query string as Fastify validates it (src/routes/register.ts): strings only, so a
 * bad value is reported in the page by parseListQuery instead of a bare 400.
 */
export const listQueryInput = z.object({
  q: text,
  status: text,
  sort: text,
  page: text,
  size: text,
  notice: text,
});
export type ListQueryInput = z.output<typeof listQueryInput>;

const SIZE_MESSAGE = `The page size must be a whole number from 1 to ${MAX_PAGE_SIZE}.`;
const SORT = /^(-?)(name|status|created|sessions|storage|rps)$/;

const check = {
  q: z.string().trim().max(200, 'The search is too long.'),
  status: z.enum(STATUS_SLUGS, { error: `Unknown status; use one of ${STATUS_SLUGS.join(', ')}.` }),
  sort: z
    .string()
    .regex(
      SORT,
      'Unknown sort order; use name, status, created, sessions, storage or rps, with a leading "-" for descending.',
    )
    .transform((s): Sort => {
      const [, minus, key] = SORT.exec(s) ?? [];
      const sortKey = SORT_KEYS.find((k) => k === key) ?? DEFAULT_SORT.key;
      return { key: sortKey, descending: minus === '-' };
    }),
  page: z.string().max(1024, 'The page token is too long.'),
  size: z
    .string()
    .regex(/^\d+$/, SIZE_MESSAGE)
    .transform(Number)
    .pipe(z.number().min(1, SIZE_MESSAGE).max(MAX_PAGE_SIZE, SIZE_MESSAGE)),
};

/**
 * Reads the list's query string. A bad value is reported and replaced by its default, so the
 * page can still offer its filters; the route decides not to query with a half-understood URL.
 */
export function parseListQuery(raw: ListQueryInput): { query: ListQuery; problems: string[] } {
  const problems: string[] = [];
  const read = <T>(schema: z.ZodType<T>, value: string | undefined, fallback: T): T => {
    if (value === undefined || value === '') return fallback;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    problems.push(parsed.error.issues[0]?.message ?? 'Invalid value.');
    return fallback;
  };
  const query: ListQuery = {
    q: read(check.q, raw.q, ''),
    status: read<StatusSlug | undefined>(
      check.status,
      raw.status === 'all' ? undefined : raw.status,
      undefined,
    ),
    sort: read(check.sort, raw.sort, DEFAULT_SORT),
    page: read<string | undefined>(check.page, raw.page, undefined),
    size: read(check.size, raw.size, DEFAULT_PAGE_SIZE),
  };
  return { query, problems };
}

/** The control-plane request for a list query. */
export function listRequest(
  query: ListQuery,
): MessageInitShape<typeof ListNamespacesRequestSchema> {
  return {
    pageSize: query.size,
    pageToken: query.page ?? '',
    filter: query.q,
    orderBy: `${orderByField[query.sort.key]}${query.sort.descending ? ' desc' : ''}`,
    status: query.status ? statusBySlug[query.status] : NamespaceStatus.UNSPECIFIED,
  };
}

/** A list URL for this query with some parts changed; the page size is left out at default. */
export function listHref(
  query: ListQuery,
  change: { sort?: Sort; page?: string | undefined } = {},
): Url {
  const sort = change.sort ?? query.sort;
  return routes.namespaces.list.href({
    q: query.q,
    status: query.status,
    sort: sort.key === DEFAULT_SORT.key && !sort.descending ? undefined : sortParam(sort),
    page: 'page' in change ? change.page : query.page,
    size: query.size === DEFAULT_PAGE_SIZE ? undefined : query.size,
  });
}

export interface NamespaceRow {
  name: string;
  href: Url;
  description: string;
  status: StatusInfo;
  sessions: string;
  storage: string;
  rps: string;
  assignedProxy: string;
  /** `3d ago`: short, so the table fits a laptop; `createdExact` is on hover. */
  created: string;
  createdExact: string;
  /** The quotas this namespace is over (`sessions`, `storage`, `requests/s`); empty when none. */
  overQuota: string[];
}

export function namespaceRow(ns: Namespace, now = new Date()): NamespaceRow {
  const quota = ns.quota;
  const metrics = ns.metrics;
  return {
    name: ns.name,
    href: routes.namespaces.detail.href({ name: ns.name }),
    description: ns.description,
    status: statusInfo(ns.status),
    sessions: `${formatNumber(metrics?.activeSessions ?? 0)} / ${limitText(
      quota?.maxSessions ?? 0,
      formatNumber,
    )}`,
    storage: `${formatBytes(metrics?.storageUsedBytes ?? 0n)} / ${limitText(
      quota?.maxStorageBytes ?? 0n,
      formatBytes,
    )}`,
    rps: formatRate(metrics?.rps ?? 0),
    assignedProxy: ns.assignedProxy,
    // Unset (or Go's zero time) reads "—" as on the detail page, not "never".
    created: formatTime(ns.createTime) === '—' ? '—' : formatAgo(ns.createTime, now),
    createdExact: formatTime(ns.createTime),
    overQuota: overQuota(ns),
  };
}

export type AriaSort = 'ascending' | 'descending' | undefined;

export interface SortHeader {
  key: SortKey;
  label: string;
  /** Where clicking goes: this column, the other way round when it is already the sort. */
  href: Url;
  ariaSort: AriaSort;
}

const sortLabels: Record<SortKey, string> = {
  name: 'Name',
  status: 'Status',
  created: 'Created',
  sessions: 'Sessions',
  storage: 'Storage',
  rps: 'Requests/s',
};

export function sortHeaders(query: ListQuery): Record<SortKey, SortHeader> {
  const header = (key: SortKey): SortHeader => {
    const active = query.sort.key === key;
    const next: Sort = active
      ? { key, descending: !query.sort.descending }
      : { key, descending: firstDirectionDescending[key] };
    return {
      key,
      label: sortLabels[key],
      // A new order starts again at the first page: a page token belongs to one order.
      href: listHref(query, { sort: next, page: undefined }),
      ariaSort: active ? (query.sort.descending ? 'descending' : 'ascending') : undefined,
    };
  };
  return {
    name: header('name'),
    status: header('status'),
    created: header('created'),
    sessions: header('sessions'),
    storage: header('storage'),
    rps: header('rps'),
  };
}

export interface NamespaceListView {
  query: ListQuery;
  rows: NamespaceRow[];
  /** Namespaces matching the filters, across all pages. */
  total: number;
  headers: Record<SortKey, SortHeader>;
  previousHref: Url | undefined;
  nextHref: Url | undefined;
  /** Why there are no rows to show, when the query itself was refused. */
  problems: string[];
}

export function namespaceListView(
  query: ListQuery,
  response: ListNamespacesResponse,
): NamespaceListView {
  return {
    query,
    rows: response.namespaces.map((ns) => namespaceRow(ns)),
    total: response.totalSize,
    headers: sortHeaders(query),
    // On a later page there is always a way back, to the first page if the token is empty.
    previousHref: query.page
      ? listHref(query, { page: response.previousPageToken || undefined })
      : undefined,
    nextHref: response.nextPageToken
      ? listHref(query, { page: response.nextPageToken })
      : undefined,
    problems: [],
  };
}

/** A list that could not be fetched because the query was refused. */
export function refusedListView(query: ListQuery, problems: string[]): NamespaceListView {
  return {
    query,
    rows: [],
    total: 0,
    headers: sortHeaders(query),
    previousHref: undefined,
    nextHref: undefined,
    problems,
  };
}

/** The filter form's fields: the GET form names and the query string above are one contract. */
export const listFilters = defineForm({
  labels: { q: 'Search', status: 'Status', size: 'Per page' },
  // The current order, kept when the filters change.
  hidden: ['sort'],
});
// A filter renamed in the contract but not in the query schema (or back) does not compile.
listQueryInput.shape satisfies Record<FieldOf<typeof listFilters>, unknown>;
