import { z } from 'zod';
import { trustedUrl, type Url } from '../html/url.js';

/*
 * The route table: every page and form action of the console, once. Each entry gives the
 * pattern handlers register (`route.pattern`, through src/routes/register.ts) and the typed
 * `href()` links and form actions are built with — so a route that moves moves its links, a
 * link to a route that does not exist does not compile, and a missing parameter is a type error.
 * test/routes/table.test.ts checks that the app registers exactly these patterns.
 */

/** `/namespaces/:name/edit` → `'name'`. */
type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

export type RouteParams<P extends string> = { [K in ParamNames<P>]: string };

/** Query values a link may carry; undefined and '' are left out of the URL. */
export type QueryValues = Record<string, string | number | undefined>;

type HrefArgs<P extends string, Q extends QueryValues> = [ParamNames<P>] extends [never]
  ? [query?: Q]
  : [params: RouteParams<P>, query?: Q];

export interface Route<P extends string = string, Q extends QueryValues = QueryValues> {
  /** What Fastify registers: `/namespaces/:name`. */
  readonly pattern: P;
  /** Validates and types `request.params` (every parameter a non-empty string). */
  readonly params: z.ZodType<RouteParams<P>>;
  /** A link to this route, parameters encoded. */
  href(...args: HrefArgs<P, Q>): Url;
  /** The same route with a typed query string (`routes.namespaces.list.href({ q: 'orders' })`). */
  withQuery<Q2 extends QueryValues>(): Route<P, Q2>;
}

function queryString(query: QueryValues | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `?${search}` : '';
}

function route<P extends string>(pattern: P): Route<P, Record<string, never>> {
  const names = [...pattern.matchAll(/:([A-Za-z_]\w*)/g)].map((m) => m[1] ?? '');
  // The text around the parameters, split once: a list page builds a link per row, and a
  // replace with a callback per link was a visible part of its cost.
  const between = pattern.split(/:[A-Za-z_]\w*/g);
  const params = z.object(
    Object.fromEntries(names.map((name) => [name, z.string().min(1)])),
  ) as unknown as z.ZodType<RouteParams<P>>;
  const build = (...args: unknown[]): Url => {
    const [values, query] = (names.length > 0 ? args : [{}, args[0]]) as [
      Record<string, string>,
      QueryValues | undefined,
    ];
    let path = between[0] ?? '';
    for (let i = 0; i < names.length; i++) {
      path += `${encodeURIComponent(values[names[i] ?? ''] ?? '')}${between[i + 1] ?? ''}`;
    }
    return trustedUrl(`${path}${queryString(query)}`);
  };
  const entry = {
    pattern,
    params,
    href: build as Route<P, Record<string, never>>['href'],
    withQuery: () => entry,
  };
  return entry as unknown as Route<P, Record<string, never>>;
}

/**
 * A confirmation shown after a redirect: a key of a fixed message, never the message itself,
 * and the request id of the change it confirms (shown with a link to its audit entry).
 */
export type NoticeQuery = { notice?: string | undefined; request?: string | undefined };

export type NamespaceListQuery = {
  q?: string | undefined;
  status?: string | undefined;
  sort?: string | undefined;
  page?: string | undefined;
  size?: number | undefined;
  notice?: string | undefined;
  /** The request id of the change the notice confirms. */
  request?: string | undefined;
};

export type SessionListQueryValues = {
  namespace?: string | undefined;
  status?: string | undefined;
  q?: string | undefined;
  idle?: string | undefined;
  sort?: string | undefined;
  page?: string | undefined;
  size?: number | undefined;
};

export type ClientConfigurationListQuery = {
  namespace?: string | undefined;
  pattern?: string | undefined;
  backend?: string | undefined;
  q?: string | undefined;
  sort?: string | undefined;
  page?: string | undefined;
  size?: number | undefined;
  notice?: string | undefined;
  /** The request id of the change the notice confirms. */
  request?: string | undefined;
};

export type AuditQuery = {
  actor?: string | undefined;
  operation?: string | undefined;
  namespace?: string | undefined;
  /** A resource name: `namespaces/orders`, `client-sessions/…`. */
  resource?: string | undefined;
  outcome?: string | undefined;
  /** A request id: the entries of one change. */
  request?: string | undefined;
  /** A quick range: `hour`, `day`, `week`; or `from`/`to` (datetime-local values). */
  range?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** The time cursor: entries older than this entry id. */
  before?: string | undefined;
  size?: number | undefined;
};

export const routes = {
  dashboard: route('/'),
  healthz: route('/healthz'),
  readyz: route('/readyz'),
  /** Prometheus metrics: public, for the scraper; the Ingress must not route it. */
  metrics: route('/metrics'),
  /**
   * A tab's live updates as server-sent events (src/plugins/live.ts): `page` is the page's path
   * and query, `region` a live region's id, repeated for each (one region is all href() builds).
   */
  live: route('/live').withQuery<{ page?: string | undefined; region?: string | undefined }>(),
  namespaces: {
    /** GET the list; POST creates (the create form's action). */
    list: route('/namespaces').withQuery<NamespaceListQuery>(),
    create: route('/namespaces/new'),
    /** GET the namespace; POST saves the edit form. */
    detail: route('/namespaces/:name').withQuery<NoticeQuery>(),
    edit: route('/namespaces/:name/edit'),
    delete: route('/namespaces/:name/delete'),
  },
  clientConfigurations: {
    /** GET the list (filters, sort and page in the query string); POST creates. */
    list: route('/client-configurations').withQuery<ClientConfigurationListQuery>(),
    create: route('/client-configurations/new').withQuery<{ namespace?: string | undefined }>(),
    /** GET the configuration; POST saves the edit form. */
    detail: route('/client-configurations/:name').withQuery<NoticeQuery>(),
    edit: route('/client-configurations/:name/edit'),
    delete: route('/client-configurations/:name/delete'),
  },
  sessions: {
    /** GET the list; filters, sort and page in the query string. */
    list: route('/sessions').withQuery<SessionListQueryValues>(),
    /**
     * GET: the confirmation for a namespace's sessions of one status (`?namespace=x&status=idle`);
     * POST: the selected rows (`id`, repeated) → the confirmation; the confirmation → the results.
     */
    bulkTerminate: route('/sessions/bulk-terminate').withQuery<{
      namespace?: string | undefined;
      status?: string | undefined;
    }>(),
    detail: route('/sessions/:id').withQuery<NoticeQuery>(),
    terminate: route('/sessions/:id/terminate'),
  },
  backends: {
    /** `?health=problem` (not healthy), or one health: `healthy`, `degraded`, `unhealthy`, `unknown`. */
    list: route('/backends').withQuery<{ health?: string | undefined }>(),
    /** `name` is the backend's name, as GetBackendStatus takes it. */
    detail: route('/backends/:name'),
  },
  cluster: {
    /** `?proxies=down`, `?launchers=down`: only those not up or with a stale heartbeat. */
    status: route('/cluster').withQuery<{
      proxies?: 'down' | undefined;
      launchers?: 'down' | undefined;
    }>(),
  },
  operations: {
    /** Running and recent operations, and the maintenance state. */
    list: route('/operations').withQuery<NoticeQuery & { page?: string | undefined }>(),
    /** GET the maintenance form (enable, change, end); POST previews, then applies. */
    maintenance: route('/operations/maintenance').withQuery<NoticeQuery>(),
    /** GET the drain form (`?namespace=` preselects one); POST previews, then starts. */
    drain: route('/operations/drain').withQuery<{ namespace?: string | undefined }>(),
    /** One operation's progress; without JavaScript the page refreshes itself until done. */
    detail: route('/operations/:id').withQuery<NoticeQuery>(),
    /** Its progress as server-sent events (the htmx SSE extension). */
    events: route('/operations/:id/events'),
    /** GET the cancel form; POST cancels (reason, typed confirmation). */
    cancel: route('/operations/:id/cancel'),
  },
  audit: {
    /** Admins only. Filters and the time cursor in the query string. */
    log: route('/audit').withQuery<AuditQuery>(),
    /** The same filter as a download: `format=csv` or `format=jsonl`. */
    export: route('/audit/export').withQuery<
      AuditQuery & { format?: 'csv' | 'jsonl' | undefined }
    >(),
  },
  consoleSessions: {
    list: route('/console-sessions').withQuery<NoticeQuery>(),
    /** `handle` is the session's public handle, never its id (which is a secret). */
    revoke: route('/console-sessions/:handle/revoke'),
  },
  auth: {
    signIn: route('/auth/sign-in').withQuery<{ return?: string | undefined }>(),
    callback: route('/auth/callback'),
    signOut: route('/auth/sign-out'),
    signedOut: route('/auth/signed-out'),
    /** Signed in at the identity provider without a console role: reload-safe, no session. */
    noAccess: route('/no-access'),
  },
  preferences: {
    /** POST: the layout's theme switch (a cookie; the form says which page to go back to). */
    theme: route('/preferences/theme'),
  },
} as const;
