import { z } from 'zod';
import type { Url } from '../html/url.js';

/*
 * What every filtered, sorted and paged list shares (namespaces, client configurations, client
 * sessions): reading its query string, where a bad value is reported and replaced by its default
 * so the page can still offer its filters; the sort parameter (`created`, `-created` for
 * descending); the sortable column headers; and the previous/next page links. The view a list
 * page builds from these is in list-view.ts.
 */

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export interface Sort<K extends string = string> {
  key: K;
  descending: boolean;
}

/** The sort as written in the URL: the key, with a leading "-" for descending. */
export function sortParam(sort: Sort): string {
  return `${sort.descending ? '-' : ''}${sort.key}`;
}

export function sameSort(a: Sort, b: Sort): boolean {
  return a.key === b.key && a.descending === b.descending;
}

/** The control plane's `order_by` for a sort: the column's field, then ` desc` when descending. */
export function orderBy<K extends string>(sort: Sort<K>, fields: Record<K, string>): string {
  return `${fields[sort.key]}${sort.descending ? ' desc' : ''}`;
}

/**
 * One query-string value as typed (the first of repeated ones); never fails. A list's query
 * schema is an object of these, so Fastify (src/routes/register.ts) never answers a bare 400 and
 * `readQuery` judges the values.
 */
export const queryText = z
  .unknown()
  .optional()
  .transform((value): string | undefined => {
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' ? first : undefined;
  });

/** `a, b or c`. */
function choices(keys: readonly string[]): string {
  return keys.length < 2 ? keys.join('') : `${keys.slice(0, -1).join(', ')} or ${keys.at(-1)}`;
}

/** A sort parameter over these column keys: `key` or `-key`. */
export function sortSchema<K extends string>(keys: readonly K[], fallback: Sort<K>) {
  const pattern = new RegExp(`^(-?)(${keys.join('|')})$`);
  return z
    .string()
    .regex(pattern, `Unknown sort order; use ${choices(keys)}, with a leading "-" for descending.`)
    .transform((s): Sort<K> => {
      const [, minus, key] = pattern.exec(s) ?? [];
      return { key: keys.find((k) => k === key) ?? fallback.key, descending: minus === '-' };
    });
}

/** A page size: a whole number from 1 to `max`. */
export function pageSizeSchema(max: number) {
  const message = `The page size must be a whole number from 1 to ${max}.`;
  return z
    .string()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().min(1, message).max(max, message));
}

/** An opaque page token from the control plane. */
export const pageTokenSchema = z.string().max(1024, 'The page token is too long.');

/** Reads one value: its default when absent or empty, or when bad (and then it is reported). */
export type QueryRead = <T>(schema: z.ZodType<T>, value: string | undefined, fallback: T) => T;

/**
 * Reads a list's query string with `build`. A bad value is reported and replaced by its default,
 * so the page can still offer its filters; the route decides not to query with a
 * half-understood URL.
 */
export function readQuery<Q>(build: (read: QueryRead) => Q): { query: Q; problems: string[] } {
  const problems: string[] = [];
  const read: QueryRead = (schema, value, fallback) => {
    if (value === undefined || value === '') return fallback;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    problems.push(parsed.error.issues[0]?.message ?? 'Invalid value.');
    return fallback;
  };
  const query = build(read);
  return { query, problems };
}

export type AriaSort = 'ascending' | 'descending' | undefined;

export interface SortHeader<K extends string = string> {
  key: K;
  label: string;
  /** Where clicking goes: this column, the other way round when it is already the sort. */
  href: Url;
  ariaSort: AriaSort;
}

/**
 * The sortable column headers of a list. `firstDescending` says which way a column sorts when it
 * is chosen (newest and biggest first, names A to Z); `hrefFor` is the list with that sort, from
 * its first page (a page token belongs to one order).
 */
export function sortHeaders<K extends string>(
  keys: readonly K[],
  labels: Record<K, string>,
  current: Sort<K>,
  hrefFor: (sort: Sort<K>) => Url,
  firstDescending: (key: K) => boolean,
): Record<K, SortHeader<K>> {
  const headers = {} as Record<K, SortHeader<K>>;
  for (const key of keys) {
    const active = current.key === key;
    const next: Sort<K> = active
      ? { key, descending: !current.descending }
      : { key, descending: firstDescending(key) };
    headers[key] = {
      key,
      label: labels[key],
      href: hrefFor(next),
      ariaSort: active ? (current.descending ? 'descending' : 'ascending') : undefined,
    };
  }
  return headers;
}

/**
 * The previous and next page links. On a later page there is always a way back, to the first
 * page when the previous token is empty.
 */
export function pageLinks(
  page: string | undefined,
  tokens: { previousPageToken: string; nextPageToken: string },
  hrefFor: (page: string | undefined) => Url,
): { previousHref: Url | undefined; nextHref: Url | undefined } {
  return {
    previousHref: page ? hrefFor(tokens.previousPageToken || undefined) : undefined,
    nextHref: tokens.nextPageToken ? hrefFor(tokens.nextPageToken) : undefined,
  };
}
