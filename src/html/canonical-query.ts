import type { FastifyRequest } from 'fastify';
import type { HtmlReply, Sent } from '../plugins/page.js';
import { localPath, type Url } from './url.js';

/*
 * A list's URL without empty parameters. A GET form sends every field, filled or not
 * (`/namespaces?q=&status=&sort=`), and htmx builds the same query from the form it includes:
 * bookmarks, shared links and the history would carry the noise. A list route calls
 * `canonicalQuery()` first: a plain request with empty parameters is redirected to the URL
 * without them, and an htmx request is answered with the canonical URL for the address bar.
 */

/**
 * The URL (a request's, path and query) without its empty parameters, and whether any was
 * dropped; undefined when it is no path on this console.
 */
export function withoutEmptyParameters(url: string): { url: Url; dropped: boolean } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://console.invalid');
  } catch {
    return undefined;
  }
  if (parsed.origin !== 'http://console.invalid') return undefined;
  const kept = new URLSearchParams();
  let dropped = false;
  for (const [key, value] of parsed.searchParams) {
    if (value === '') dropped = true;
    else kept.append(key, value);
  }
  const search = kept.toString();
  const canonical = localPath(`${parsed.pathname}${search ? `?${search}` : ''}`);
  return canonical ? { url: canonical, dropped } : undefined;
}

/** How an htmx request's canonical URL enters the history. */
export type HistoryUpdate = 'push' | 'replace';

/**
 * For a plain GET with empty parameters: a 303 to the URL without them (the answer to send).
 * For htmx asking for the list's region: the canonical URL in `HX-Push-Url` or `HX-Replace-Url` (they override the element's
 * `hx-push-url`), and undefined: the route answers as usual. `replace` for requests made while
 * typing, so a search does not leave one history entry per pause.
 */
export function canonicalQuery(
  request: FastifyRequest,
  reply: HtmlReply,
  /** The list's region: only htmx requests for it (filters, sort, pages) update the history. */
  fragmentId: string,
  history: HistoryUpdate,
): Sent | undefined {
  const canonical = withoutEmptyParameters(request.url);
  if (!canonical) return undefined;
  if (!request.htmx.request) return canonical.dropped ? reply.seeOther(canonical.url) : undefined;
  // Another htmx request (a redirect's HX-Location, a history restore) does its own history.
  if (!request.wantsFragment(fragmentId)) return undefined;
  reply.header(history === 'replace' ? 'hx-replace-url' : 'hx-push-url', canonical.url);
  return undefined;
}

/** The id of the element that made an htmx request (`HX-Trigger`), if it has one. */
export function htmxTrigger(request: FastifyRequest): string | undefined {
  const value = request.headers['hx-trigger'];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Whether an htmx list request came from inside the results region it replaces — a sort or page
 * link, which have no id — rather than from a filter control (which all have one). The swap
 * removes the link that had focus, so the new region takes it (`takeFocus`) instead of focus
 * falling back to the page; a request made while typing in a filter leaves focus where it is.
 */
export function fromResultsRegion(request: FastifyRequest): boolean {
  return request.htmx.request && htmxTrigger(request) === undefined;
}
