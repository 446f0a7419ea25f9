import { describe, expect, it } from 'vitest';
import type { Url } from '../../src/html/url.js';
import {
  pageLinks,
  pageSizeSchema,
  queryText,
  readQuery,
  sortHeaders,
  sortSchema,
} from '../../src/views/list-query.js';

const KEYS = ['name', 'created', 'size'] as const;
type Key = (typeof KEYS)[number];
const DEFAULT = { key: 'name', descending: false } as const;
const href = (s: string) => `/things?${s}` as Url;

describe('a list query string', () => {
  it('takes the first of repeated values and ignores non-strings', () => {
    expect(queryText.parse(['a', 'b'])).toBe('a');
    expect(queryText.parse({ x: 1 })).toBeUndefined();
  });

  it('reads a sort with a leading "-" for descending, and names the keys when it is unknown', () => {
    const sort = sortSchema(KEYS, DEFAULT);
    expect(sort.parse('-created')).toEqual({ key: 'created', descending: true });
    expect(sort.safeParse('colour').error?.issues[0]?.message).toBe(
      'Unknown sort order; use name, created or size, with a leading "-" for descending.',
    );
  });

  it('reports each bad value and uses its default, keeping the good ones', () => {
    const { query, problems } = readQuery((read) => ({
      sort: read(sortSchema(KEYS, DEFAULT), '-nope', DEFAULT),
      size: read(pageSizeSchema(100), '101', 50),
      page: read(pageSizeSchema(100), '20', 50),
      empty: read(pageSizeSchema(100), '', 50),
    }));
    expect(query).toEqual({ sort: DEFAULT, size: 50, page: 20, empty: 50 });
    expect(problems).toEqual([
      'Unknown sort order; use name, created or size, with a leading "-" for descending.',
      'The page size must be a whole number from 1 to 100.',
    ]);
  });
});

describe('sort headers and page links', () => {
  it('turns the current column round and starts the others in their first direction', () => {
    const headers = sortHeaders<Key>(
      KEYS,
      { name: 'Name', created: 'Created', size: 'Size' },
      { key: 'created', descending: true },
      (s) => href(`sort=${s.descending ? '-' : ''}${s.key}`),
      (key) => key !== 'name',
    );
    expect(headers.created).toEqual({
      key: 'created',
      label: 'Created',
      href: '/things?sort=created',
      ariaSort: 'descending',
    });
    expect(headers.name).toMatchObject({ href: '/things?sort=name', ariaSort: undefined });
    expect(headers.size.href).toBe('/things?sort=-size');
  });

  it('offers the first page back from a later page, and no next page without a token', () => {
    const to = (page: string | undefined) => href(page ? `page=${page}` : '');
    expect(pageLinks('p2', { previousPageToken: '', nextPageToken: '' }, to)).toEqual({
      previousHref: '/things?',
      nextHref: undefined,
    });
    expect(pageLinks(undefined, { previousPageToken: '', nextPageToken: 'p2' }, to)).toEqual({
      previousHref: undefined,
      nextHref: '/things?page=p2',
    });
  });
});
