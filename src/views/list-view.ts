import type { Url } from '../html/url.js';
import {
  DEFAULT_PAGE_SIZE,
  pageLinks,
  type Sort,
  type SortHeader,
  sameSort,
  sortHeaders,
  sortParam,
} from './list-query.js';

/*
 * What a filtered, sorted and paged list page shows, the same for every list (namespaces, client
 * configurations, client sessions): its rows, the total, the sortable column headers, the page
 * links, and — when its query was refused — why. Each area says what differs: its sort columns
 * and how its URL is written (`defineList`); its query and rows stay its own.
 */

/** What every list query holds besides its filters. */
export interface PagedQuery<K extends string> {
  sort: Sort<K>;
  page: string | undefined;
  size: number;
}

/** The list's URL with another order or page. */
export interface ListChange<K extends string> {
  sort?: Sort<K>;
  page?: string | undefined;
}

/**
 * The sort, page and size parameters of a list's URL for this query with some parts changed;
 * the default order and page size are left out.
 */
export function pagingParams<K extends string>(
  query: PagedQuery<K>,
  change: ListChange<K>,
  defaultSort: Sort<K>,
): { sort: string | undefined; page: string | undefined; size: number | undefined } {
  const sort = change.sort ?? query.sort;
  return {
    sort: sameSort(sort, defaultSort) ? undefined : sortParam(sort),
    page: 'page' in change ? change.page : query.page,
    size: query.size === DEFAULT_PAGE_SIZE ? undefined : query.size,
  };
}

export interface ListView<Q extends PagedQuery<K>, R, K extends string> {
  query: Q;
  rows: R[];
  /** Items matching the filters, across all pages. */
  total: number;
  headers: Record<K, SortHeader<K>>;
  /**
   * The order as the filter form keeps it (a hidden field, so a new search keeps the order just
   * chosen); undefined for the default order.
   */
  keptSort: string | undefined;
  previousHref: Url | undefined;
  nextHref: Url | undefined;
  /** Why there are no rows to show, when the query itself was refused. */
  problems: string[];
}

export interface ListSpec<Q extends PagedQuery<K>, K extends string> {
  keys: readonly K[];
  labels: Record<K, string>;
  defaultSort: Sort<K>;
  /** Which way a column sorts when it is chosen (newest and biggest first, names A to Z). */
  firstDescending: (key: K) => boolean;
  /** The list's URL for this query with another order or page. */
  href: (query: Q, change: ListChange<K>) => Url;
}

/** The page tokens and total of a control plane's list answer. */
export interface ListAnswer {
  totalSize: number;
  previousPageToken: string;
  nextPageToken: string;
}

/** One list's view builders: from a control plane answer, or for a refused query. */
export function defineList<Q extends PagedQuery<K>, K extends string>(spec: ListSpec<Q, K>) {
  const headers = (query: Q): Record<K, SortHeader<K>> =>
    sortHeaders(
      spec.keys,
      spec.labels,
      query.sort,
      (sort) => spec.href(query, { sort, page: undefined }),
      spec.firstDescending,
    );
  const keptSort = (query: Q): string | undefined =>
    sameSort(query.sort, spec.defaultSort) ? undefined : sortParam(query.sort);
  return {
    view<R>(query: Q, rows: R[], answer: ListAnswer): ListView<Q, R, K> {
      return {
        query,
        rows,
        total: answer.totalSize,
        headers: headers(query),
        keptSort: keptSort(query),
        ...pageLinks(query.page, answer, (page) => spec.href(query, { page })),
        problems: [],
      };
    },
    /** A list that could not be fetched because the query was refused. */
    refused<R>(query: Q, problems: string[]): ListView<Q, R, K> {
      return {
        query,
        rows: [],
        total: 0,
        headers: headers(query),
        keptSort: keptSort(query),
        previousHref: undefined,
        nextHref: undefined,
        problems,
      };
    },
  };
}
