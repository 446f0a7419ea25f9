import type { MessageInitShape } from '@bufbuild/protobuf';
import { z } from 'zod';
import { defineForm, type FieldOf } from '../../forms/contract.js';
import { requestIdParam } from '../../forms/notices.js';
import {
  type ListNamespacesRequestSchema,
  type ListNamespacesResponse,
  type Namespace,
  NamespaceStatus,
} from '../../gen/prism/admin/v1/namespace_pb.js';
import type { Url } from '../../html/url.js';
import { routes } from '../../routes/table.js';
import { formatAgo, formatBytes, formatNumber, formatRate, formatTime } from '../format.js';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  orderBy,
  pageSizeSchema,
  pageTokenSchema,
  queryText,
  readQuery,
  type SortHeader,
  type Sort as SortOf,
  sortParam,
  sortSchema,
} from '../list-query.js';
import { defineList, type ListChange, type ListView, pagingParams } from '../list-view.js';
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

export type Sort = SortOf<SortKey>;

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

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type SortHeader, sortParam };

const DEFAULT_SORT: Sort = { key: 'name', descending: false };

export interface ListQuery {
  q: string;
  status: StatusSlug | undefined;
  sort: Sort;
  page: string | undefined;
  size: number;
}

/**
 * The list's query string as Fastify validates it (src/routes/register.ts): strings only, so a
 * bad value is reported in the page by parseListQuery instead of a bare 400.
 */
export const listQueryInput = z.object({
  q: queryText,
  status: queryText,
  sort: queryText,
  page: queryText,
  size: queryText,
  notice: queryText,
  /** The request id of the change the notice confirms (src/forms/notices.ts). */
  request: requestIdParam,
});
export type ListQueryInput = z.output<typeof listQueryInput>;

const check = {
  q: z.string().trim().max(200, 'The search is too long.'),
  status: z.enum(STATUS_SLUGS, { error: `Unknown status; use one of ${STATUS_SLUGS.join(', ')}.` }),
  sort: sortSchema(SORT_KEYS, DEFAULT_SORT),
  page: pageTokenSchema,
  size: pageSizeSchema(MAX_PAGE_SIZE),
};

/**
 * Reads the list's query string. A bad value is reported and replaced by its default, so the
 * page can still offer its filters; the route decides not to query with a half-understood URL.
 */
export function parseListQuery(raw: ListQueryInput): { query: ListQuery; problems: string[] } {
  return readQuery(
    (read): ListQuery => ({
      q: read(check.q, raw.q, ''),
      status: read<StatusSlug | undefined>(
        check.status,
        raw.status === 'all' ? undefined : raw.status,
        undefined,
      ),
      sort: read(check.sort, raw.sort, DEFAULT_SORT),
      page: read<string | undefined>(check.page, raw.page, undefined),
      size: read(check.size, raw.size, DEFAULT_PAGE_SIZE),
    }),
  );
}

/** The control-plane request for a list query. */
export function listRequest(
  query: ListQuery,
): MessageInitShape<typeof ListNamespacesRequestSchema> {
  return {
    pageSize: query.size,
    pageToken: query.page ?? '',
    filter: query.q,
    orderBy: orderBy(query.sort, orderByField),
    status: query.status ? statusBySlug[query.status] : NamespaceStatus.UNSPECIFIED,
  };
}

/** A list URL for this query with another order or page; defaults are left out. */
export function listHref(query: ListQuery, change: ListChange<SortKey> = {}): Url {
  return routes.namespaces.list.href({
    q: query.q,
    status: query.status,
    ...pagingParams(query, change, DEFAULT_SORT),
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
  const createdExact = formatTime(ns.createTime);
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
    created: createdExact === '—' ? '—' : formatAgo(ns.createTime, now),
    createdExact,
    overQuota: overQuota(ns),
  };
}

const sortLabels: Record<SortKey, string> = {
  name: 'Name',
  status: 'Status',
  created: 'Created',
  sessions: 'Sessions',
  storage: 'Storage',
  rps: 'Requests/s',
};

const namespaceList = defineList<ListQuery, SortKey>({
  keys: SORT_KEYS,
  labels: sortLabels,
  defaultSort: DEFAULT_SORT,
  firstDescending: (key) => firstDirectionDescending[key],
  href: listHref,
});

export type NamespaceListView = ListView<ListQuery, NamespaceRow, SortKey>;

export function namespaceListView(
  query: ListQuery,
  response: ListNamespacesResponse,
): NamespaceListView {
  return namespaceList.view(
    query,
    response.namespaces.map((ns) => namespaceRow(ns)),
    response,
  );
}

/** A list that could not be fetched because the query was refused. */
export function refusedListView(query: ListQuery, problems: string[]): NamespaceListView {
  return namespaceList.refused(query, problems);
}

/** The filter form's fields: the GET form names and the query string above are one contract. */
export const listFilters = defineForm({
  labels: { q: 'Search', status: 'Status', size: 'Per page' },
  // The current order, kept when the filters change.
  hidden: ['sort'],
});
// A filter renamed in the contract but not in the query schema (or back) does not compile.
listQueryInput.shape satisfies Record<FieldOf<typeof listFilters>, unknown>;
