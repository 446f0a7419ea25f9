import type { MessageInitShape } from '@bufbuild/protobuf';
import { z } from 'zod';
import { defineForm, type FieldOf } from '../../forms/contract.js';
import {
  AccessPattern,
  type ClientConfiguration,
  type ListClientConfigurationsRequestSchema,
  type ListClientConfigurationsResponse,
} from '../../gen/prism/admin/v1/client_configuration_pb.js';
import type { Url } from '../../html/url.js';
import { routes } from '../../routes/table.js';
import { formatAgo, formatTime } from '../format.js';
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
import {
  PATTERN_SLUGS,
  type PatternSlug,
  patternBySlug,
  patternFromFormValue,
  patternLabel,
  patternValue,
} from './pattern.js';

/* The client configuration list: its query string → a control-plane request, the answer → rows. */

export const SORT_KEYS = ['name', 'namespace', 'pattern', 'backend', 'updated'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type Sort = SortOf<SortKey>;

const orderByField: Record<SortKey, string> = {
  name: 'name',
  namespace: 'namespace',
  pattern: 'pattern',
  backend: 'backend',
  updated: 'update_time',
};

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type SortHeader, sortParam };

const DEFAULT_SORT: Sort = { key: 'name', descending: false };

export interface ListQuery {
  namespace: string;
  pattern: PatternSlug | undefined;
  backend: string;
  q: string;
  sort: Sort;
  page: string | undefined;
  size: number;
}

/** The query string as Fastify validates it: strings only, judged by parseListQuery. */
export const listQueryInput = z.object({
  namespace: queryText,
  pattern: queryText,
  backend: queryText,
  q: queryText,
  sort: queryText,
  page: queryText,
  size: queryText,
  notice: queryText,
  request: queryText,
});
export type ListQueryInput = z.output<typeof listQueryInput>;

const check = {
  namespace: z.string().trim().max(63, 'The namespace is too long.'),
  // A slug, or what a person types in the text box shown when the patterns could not be listed.
  pattern: z.string().transform((value, ctx): PatternSlug => {
    const pattern = patternFromFormValue(value);
    const slug = PATTERN_SLUGS.find((s) => pattern !== undefined && s === patternValue(pattern));
    if (slug === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `Unknown access pattern; use one of ${PATTERN_SLUGS.join(', ')}.`,
      });
      return z.NEVER;
    }
    return slug;
  }),
  backend: z.string().trim().max(253, 'The backend name is too long.'),
  q: z.string().trim().max(200, 'The search is too long.'),
  sort: sortSchema(SORT_KEYS, DEFAULT_SORT),
  page: pageTokenSchema,
  size: pageSizeSchema(MAX_PAGE_SIZE),
};

export function parseListQuery(raw: ListQueryInput): { query: ListQuery; problems: string[] } {
  return readQuery(
    (read): ListQuery => ({
      namespace: read(check.namespace, raw.namespace, ''),
      pattern: read<PatternSlug | undefined>(check.pattern, raw.pattern, undefined),
      backend: read(check.backend, raw.backend, ''),
      q: read(check.q, raw.q, ''),
      sort: read(check.sort, raw.sort, DEFAULT_SORT),
      page: read<string | undefined>(check.page, raw.page, undefined),
      size: read(check.size, raw.size, DEFAULT_PAGE_SIZE),
    }),
  );
}

export function listRequest(
  query: ListQuery,
): MessageInitShape<typeof ListClientConfigurationsRequestSchema> {
  return {
    namespace: query.namespace,
    pattern: query.pattern
      ? (patternBySlug(query.pattern) ?? AccessPattern.UNSPECIFIED)
      : AccessPattern.UNSPECIFIED,
    backend: query.backend,
    filter: query.q,
    orderBy: orderBy(query.sort, orderByField),
    pageSize: query.size,
    pageToken: query.page ?? '',
  };
}

/** Whether any filter narrows the list. */
export function isFiltered(query: ListQuery): boolean {
  return Boolean(query.namespace || query.pattern || query.backend || query.q);
}

export function listHref(query: ListQuery, change: ListChange<SortKey> = {}): Url {
  return routes.clientConfigurations.list.href({
    namespace: query.namespace,
    pattern: query.pattern,
    backend: query.backend,
    q: query.q,
    ...pagingParams(query, change, DEFAULT_SORT),
  });
}

export interface ClientConfigurationRow {
  name: string;
  href: Url;
  description: string;
  namespace: string;
  namespaceHref: Url | undefined;
  pattern: string;
  backend: string;
  backendHref: Url | undefined;
  options: number;
  updated: string;
  updatedExact: string;
}

export function clientConfigurationRow(
  c: ClientConfiguration,
  now = new Date(),
): ClientConfigurationRow {
  return {
    name: c.name,
    href: routes.clientConfigurations.detail.href({ name: c.name }),
    description: c.description,
    namespace: c.namespace,
    namespaceHref: c.namespace ? routes.namespaces.detail.href({ name: c.namespace }) : undefined,
    pattern: patternLabel(c.pattern),
    backend: c.backend,
    backendHref: c.backend ? routes.backends.detail.href({ name: c.backend }) : undefined,
    options: Object.keys(c.options).length,
    updated: formatTime(c.updateTime) === '—' ? '—' : formatAgo(c.updateTime, now),
    updatedExact: formatTime(c.updateTime),
  };
}

const sortLabels: Record<SortKey, string> = {
  name: 'Name',
  namespace: 'Namespace',
  pattern: 'Pattern',
  backend: 'Backend',
  updated: 'Updated',
};

const configurationList = defineList<ListQuery, SortKey>({
  keys: SORT_KEYS,
  labels: sortLabels,
  defaultSort: DEFAULT_SORT,
  firstDescending: (key) => key === 'updated',
  href: listHref,
});

export type ClientConfigurationListView = ListView<ListQuery, ClientConfigurationRow, SortKey>;

export function clientConfigurationListView(
  query: ListQuery,
  response: ListClientConfigurationsResponse,
): ClientConfigurationListView {
  return configurationList.view(
    query,
    response.clientConfigurations.map((c) => clientConfigurationRow(c)),
    response,
  );
}

export function refusedListView(query: ListQuery, problems: string[]): ClientConfigurationListView {
  return configurationList.refused(query, problems);
}

/** The filter form's fields: the GET form names and the query string are one contract. */
export const listFilters = defineForm({
  labels: {
    q: 'Search',
    namespace: 'Namespace',
    pattern: 'Pattern',
    backend: 'Backend',
    size: 'Per page',
  },
  hidden: ['sort'],
});
listQueryInput.shape satisfies Record<FieldOf<typeof listFilters>, unknown>;
