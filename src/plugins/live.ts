import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { localPath } from '../html/url.js';
import type { ChangeFeed } from '../live/changes.js';
import { LiveHub } from '../live/hub.js';
import type { LiveClient, LiveStatus, LiveTopic, RenderResult } from '../live/hub-types.js';
import { LIVE_RENDER_HEADER, liveRenderHeader } from '../live/render-identity.js';
import { Watcher } from '../live/watcher.js';
import { events } from '../routes/register.js';
import { type Route, routes } from '../routes/table.js';
import { sessionHandle } from '../sessions/index.js';
import type { Role } from './operator.js';
import type { DirectSseSource, SseEvent, SseSink } from './sse.js';
import { flushEventStreams } from './sse-direct.js';

/*
 * Live updates (issue 10): the replica's one Watch (app.changes) and the fan-out to browsers
 * (app.liveHub) over GET /live — one event stream per tab naming its page and regions. A region's
 * event is exactly what the page answers to htmx for that region, rendered by asking the console
 * itself as a synthetic operator of the subscriber's role (src/live/render-identity.ts): what a
 * role may not see fails closed, as it would for a person of that role.
 */

declare module 'fastify' {
  interface FastifyInstance {
    /** The replica's change feed; undefined without a service client (pages poll). */
    changes: ChangeFeed | undefined;
    /** The fan-out (subscriberCount(), stats().renders): for tests and the bench. */
    liveHub: LiveHub;
  }
}

/** How often a stream's session is looked up (without touching it): ended, revoked, expired. */
const SESSION_CHECK_MS = 5_000;

/** Routes that are no page of regions: a stream, a download, health, the sign-in flow. */
const NOT_PAGES: readonly Route[] = [
  routes.healthz,
  routes.readyz,
  routes.metrics,
  routes.live,
  routes.operations.events,
  routes.audit.export,
  routes.preferences.theme,
  ...Object.values(routes.auth),
];

function tableRoutes(node: unknown): Route[] {
  if (node && typeof node === 'object' && 'pattern' in node && 'href' in node) {
    return [node as Route];
  }
  return node && typeof node === 'object' ? Object.values(node).flatMap(tableRoutes) : [];
}

/** The route table's pages as path matchers (`/namespaces/:name` → one segment for :name). */
const PAGE_PATHS: readonly RegExp[] = tableRoutes(routes)
  .filter((route) => !NOT_PAGES.includes(route))
  .map((route) => {
    const source = route.pattern
      .split(/(:[A-Za-z_]\w*)/)
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    return new RegExp(`^${source}/?$`);
  });

/** A local path (and query) of one of the console's pages; else undefined. */
export function livePagePath(value: string): string | undefined {
  const path = localPath(value);
  if (!path) return undefined;
  const pathname = path.split('?', 1)[0] ?? '';
  return PAGE_PATHS.some((pattern) => pattern.test(pathname)) ? path : undefined;
}

const REGION_ID = /^[A-Za-z0-9-]{1,64}$/;
const regionId = z.string().regex(REGION_ID, 'must be an element id (letters, digits, -)');

const liveQuery = z.object({
  page: z
    .string({ error: 'is required: the page the regions are on' })
    .refine((page) => livePagePath(page) !== undefined, 'is not a page of this console'),
  region: z
    .union([regionId, z.array(regionId)], { error: 'is required: a live region id' })
    .transform((region) => [...new Set(Array.isArray(region) ? region : [region])])
    .pipe(z.array(z.string()).min(1).max(10, 'at most 10 regions per stream')),
});

/** A region rendered as `role`: the page's answer to htmx aimed at it, if it is one. */
async function renderRegion(
  app: FastifyInstance,
  topic: LiveTopic,
  role: Role,
  minVersion: bigint,
): Promise<RenderResult> {
  const response = await app.inject({
    method: 'GET',
    url: topic.page,
    headers: {
      'hx-request': 'true',
      'hx-target': topic.region,
      // As the region's own live-poll asks (its id as the trigger): a region refreshed in place,
      // not the answer to a sort or page link, so it takes no focus (fromResultsRegion).
      'hx-trigger': topic.region,
      [LIVE_RENDER_HEADER]: liveRenderHeader(role, minVersion),
    },
  });
  const status = response.statusCode;
  // The control plane or the store is down for now: the region keeps what it shows.
  if (status >= 500 || status === 429) return 'skip';
  // Not allowed for this role, gone, or not a fragment (redirect, full page, the alert region):
  // nothing of it is ever sent on these streams.
  if (status !== 200 || response.headers['hx-retarget'] !== undefined) return 'refused';
  const html = response.body;
  if (/^\s*<!doctype/i.test(html)) return 'refused';
  return { html };
}

/** A session's open streams, ended together when the session ends. */
interface SessionStreams {
  readonly sid: string;
  readonly streams: Set<LiveStream>;
}

/**
 * One browser's stream of live regions: the source reply.sse hands its sink to, which the hub
 * then writes to directly. One object per stream with its methods on the prototype, as the hub's
 * Client is: thousands of streams each holding a handful of closures (and, under esbuild's
 * keepNames, a property for each one's name) cost ~1 KB more per stream.
 */
class LiveStream implements DirectSseSource {
  readonly #hub: LiveHub;
  readonly #role: Role | undefined;
  readonly #topics: readonly LiveTopic[];
  readonly #bySession: Map<string, SessionStreams>;
  readonly #sid: string | undefined;
  #sink: SseSink | undefined;
  #client: LiveClient | undefined;
  /** The session's handle (bySession's key), once subscribed. */
  #handle: string | undefined;

  constructor(
    hub: LiveHub,
    bySession: Map<string, SessionStreams>,
    role: Role | undefined,
    sid: string | undefined,
    topics: readonly LiveTopic[],
  ) {
    this.#hub = hub;
    this.#bySession = bySession;
    this.#role = role;
    this.#sid = sid;
    this.#topics = topics;
  }

  attach(sink: SseSink): { drained(): void; closed(): void } {
    if (!this.#role || !this.#sid) {
      sink.end();
      return { drained() {}, closed() {} };
    }
    this.#sink = sink;
    this.#client = this.#hub.subscribe(sink, this.#role, this.#topics);
    const handle = sessionHandle(this.#sid);
    const entry = this.#bySession.get(handle) ?? { sid: this.#sid, streams: new Set() };
    this.#bySession.set(handle, entry);
    entry.streams.add(this);
    this.#handle = handle;
    return this;
  }

  /** The session ended: so does the stream. */
  end(): void {
    this.#sink?.end();
  }

  drained(): void {
    this.#client?.drained();
  }

  closed(): void {
    this.#client?.close();
    const handle = this.#handle;
    if (handle === undefined) return;
    const entry = this.#bySession.get(handle);
    if (!entry) return;
    entry.streams.delete(this);
    if (entry.streams.size === 0) this.#bySession.delete(handle);
  }

  // reply.sse's iterable side: the hub writes, so there is nothing to read.
  async *[Symbol.asyncIterator](): AsyncGenerator<SseEvent> {}
}

export default fp(
  async (app: FastifyInstance) => {
    const serviceToken = app.serviceToken;
    const watcher = serviceToken
      ? new Watcher({
          client: app.controlPlane,
          token: serviceToken,
          logger: app.log.child({ component: 'watch' }),
          metrics: app.metrics.watch,
        })
      : undefined;
    app.decorate('changes', watcher);

    const statusOf = (): LiveStatus =>
      !watcher ? 'polling' : watcher.live ? 'live' : 'paused-upstream';
    const hub = new LiveHub({
      render: (topic, role, minVersion) => renderRegion(app, topic, role, minVersion),
      status: statusOf(),
      flush: flushEventStreams,
      heartbeatMs: app.config.liveHeartbeatMs,
    });
    app.decorate('liveHub', hub);
    watcher?.subscribe((change) => {
      if (change.type === 'status') hub.setStatus(statusOf());
      else hub.changed(change.resourceVersion);
    });

    // Streams by console session (its handle): ended when the session is (signed out, revoked,
    // expired, evicted).
    const bySession = new Map<string, SessionStreams>();
    const endSessionStreams = (handle: string) => {
      for (const stream of bySession.get(handle)?.streams ?? []) stream.end();
    };
    const checkSessions = async () => {
      for (const [handle, { sid }] of [...bySession]) {
        // get() does not touch: a stream never keeps its session alive.
        const session = await app.sessions.get(sid).catch(() => 'unknown' as const);
        if (session === undefined) endSessionStreams(handle);
      }
    };
    const check = setInterval(checkSessions, SESSION_CHECK_MS).unref();
    // A sign-out or revocation — on this replica, or on another through the store — ends the
    // streams at once, not at the next check; sign-ins and sign-outs refresh the console-sessions
    // page at once.
    const sessionsPage = routes.consoleSessions.list.href();
    const stopListening = app.sessions.onChange((change) => {
      if (change.kind === 'deleted') endSessionStreams(change.handle);
      // Other replicas' sign-outs may have gone unheard: look now, not at the next check.
      if (change.kind === 'missed') void checkSessions();
      hub.refresh((topic) => topic.page.split('?', 1)[0] === sessionsPage);
    });

    app.addHook('onReady', async () => watcher?.start());
    app.addHook('onClose', async () => {
      clearInterval(check);
      stopListening();
      hub.close();
      await watcher?.stop();
    });

    // A bound on what one session can make a replica hold (a stream is ~20 KB and a socket):
    // tabs enough for anyone, and a runaway script or a stolen cookie cannot open thousands.
    // A tab refused polls instead (src/browser/live.js, after failed connections).
    const maxStreams = app.config.liveStreamsPerSession;
    const preHandler = async (request: FastifyRequest, reply: FastifyReply) => {
      const sid = request.consoleSession?.id;
      const open = sid ? (bySession.get(sessionHandle(sid))?.streams.size ?? 0) : 0;
      if (open < maxStreams) return;
      request.log.warn({ open }, 'live: the session holds as many event streams as it may');
      return reply.errorPage({
        status: 429,
        title: 'Too many live pages',
        message: `This session already follows ${open} pages live; close some, or reload later.`,
        serverFault: false,
        retryAfterSeconds: 60,
      });
    };

    const options = { query: liveQuery, preHandler, config: { background: true } };
    events(app, routes.live, options, (request) => {
      const page = livePagePath(request.query.page) ?? '/';
      // Without a change feed nothing is pushed: the stream only says the page should poll.
      const topics = watcher ? request.query.region.map((region) => ({ page, region })) : [];
      const role = request.operator?.role;
      const sid = request.consoleSession?.id;
      return new LiveStream(hub, bySession, role, sid, topics);
    });
  },
  { name: 'live', dependencies: ['sse', 'control-plane', 'session', 'auth', 'metrics'] },
);
