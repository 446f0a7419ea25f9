import type { FastifyRequest } from 'fastify';
import { localPath, trustedUrl, type Url } from '../../src/html/url.js';
import { routes } from '../../src/routes/table.js';

/*
 * Live regions (issue 10): parts of a page that follow the cluster without a reload. The layout
 * opens ONE event stream per tab (`sse-connect` on its content wrapper) naming the page and its
 * regions; the server sends each region's new HTML as an event named after the region's id, and
 * the htmx SSE extension swaps it in. Each region can also fetch itself (`live-poll`, triggered
 * by src/browser/live.js when the stream is unavailable or after a pause): the same fragment the
 * page answers to an htmx request aimed at the region's id (src/plugins/page.tsx).
 */

/** The event src/browser/live.js triggers on a region to make it fetch itself. */
export const LIVE_POLL_EVENT = 'live-poll';

/** A page's one-time parameters (src/forms/notices.ts): a region shows no notice or receipt. */
const ONE_TIME = new Set(['notice', 'request']);

/**
 * The address a page's regions fetch themselves from and subscribe to: the request's path and
 * the query parameters its route reads (its validated query), without empty or one-time ones.
 * Nothing else of the request's address is written into the page, and every tab on the same
 * view shares one subscription. Undefined when the path is no path on this console, or the
 * request is no GET (then the page is simply not live).
 */
export function livePage(request: FastifyRequest): Url | undefined {
  // Only a GET is at a page's address: the answer to a form post names its page itself.
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  const [path = '/', search = ''] = request.url.split('?', 2);
  const read = request.routeOptions.schema?.querystring ? (request.query as object) : {};
  const kept = new URLSearchParams();
  for (const [key, value] of new URLSearchParams(search)) {
    if (value !== '' && !ONE_TIME.has(key) && Object.hasOwn(read, key)) kept.append(key, value);
  }
  const query = kept.toString();
  return localPath(query ? `${path}?${query}` : path);
}

/**
 * The event stream's address for a page and its regions (src/plugins/live.ts): `region` once
 * per region, which the route table's href() cannot repeat.
 */
export function liveStreamUrl(page: Url, regions: readonly string[]): Url {
  const query = new URLSearchParams({ page });
  for (const region of regions) query.append('region', region);
  return trustedUrl(`${routes.live.href()}?${query.toString()}`);
}

/** The htmx attributes of a live region whose element carries `id` itself. */
export interface LiveRegionAttributes {
  'sse-swap': string;
  'hx-get': Url;
  'hx-trigger': typeof LIVE_POLL_EVENT;
  'hx-swap': 'outerHTML';
}

/**
 * What makes the element with `id` a live region of the page at `page`: an SSE event named `id`
 * replaces it, and `live-poll` fetches it. The fragment must be the whole element (outerHTML),
 * wrapper included, so the new one carries these attributes too. Nothing when `page` is unknown.
 */
export function liveRegion(id: string, page: Url | undefined): Partial<LiveRegionAttributes> {
  if (!page) return {};
  return { 'sse-swap': id, 'hx-get': page, 'hx-trigger': LIVE_POLL_EVENT, 'hx-swap': 'outerHTML' };
}
