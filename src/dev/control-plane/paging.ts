// Opaque page tokens. A token is base64url JSON holding the offset and a hash of the query it
// belongs to, so a token cannot be replayed against a different filter or order (that would
// silently skip or repeat items) and is rejected with INVALID_ARGUMENT instead.

import { createHash } from 'node:crypto';
import type { Violations } from './validation.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export interface PageRequest {
  readonly offset: number;
  readonly size: number;
  /** Hash of the query; stamped into the tokens of the answer. */
  readonly queryHash: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextPageToken: string;
  readonly previousPageToken: string;
  readonly totalSize: number;
}

/**
 * Reads page_size and page_token. `query` must hold every parameter that selects or orders the
 * items (not page_size: a client may change the page size between pages).
 */
export function parsePageRequest(
  violations: Violations,
  pageSize: number,
  pageToken: string,
  query: Record<string, unknown>,
): PageRequest {
  const queryHash = hashQuery(query);
  if (pageSize < 0) violations.add('page_size', 'must not be negative');
  // 0 means the default; above the maximum is lowered to it rather than refused (AIP-158).
  const size = pageSize <= 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
  let offset = 0;
  if (pageToken !== '') {
    const decoded = decodeToken(pageToken);
    if (!decoded) violations.add('page_token', 'is not a page token of this server');
    else if (decoded.q !== queryHash) {
      violations.add(
        'page_token',
        'belongs to a different query: keep filter and order the same while paging',
      );
    } else offset = decoded.o;
  }
  return { offset, size, queryHash };
}

export function paginate<T>(items: readonly T[], request: PageRequest): Page<T> {
  const { offset, size, queryHash } = request;
  const end = offset + size;
  return {
    items: items.slice(offset, end),
    nextPageToken: end < items.length ? encodeToken(end, queryHash) : '',
    previousPageToken: offset > 0 ? encodeToken(Math.max(0, offset - size), queryHash) : '',
    totalSize: items.length,
  };
}

function hashQuery(query: Record<string, unknown>): string {
  const canonical = JSON.stringify(Object.entries(query).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

function encodeToken(offset: number, queryHash: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: queryHash })).toString('base64url');
}

function decodeToken(token: string): { o: number; q: string } | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { o, q } = value as Record<string, unknown>;
    if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0 || typeof q !== 'string') {
      return undefined;
    }
    return { o, q };
  } catch {
    return undefined;
  }
}
