import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ErrorPage } from '../../components/layout/ErrorPage.js';
import { Layout } from '../../components/layout/Layout.js';
import { livePage, liveStreamUrl } from '../../components/layout/live.js';
import {
  MAINTENANCE_BANNER_ID,
  MaintenanceBanner,
} from '../../components/layout/MaintenanceBanner.js';
import { Breadcrumbs, type Crumb } from '../../components/ui/Breadcrumbs.js';
import { PageHeader } from '../../components/ui/PageHeader.js';
import { localPath, type Url } from '../html/url.js';
import { type Area, areaOfPath, areaRoot } from '../routes/navigation.js';
import { routes } from '../routes/table.js';
import { type ErrorDescription, errorHelp } from '../views/errors.js';
import { maintenanceView } from '../views/operations/maintenance.js';
import { FRESH_COOKIE } from './control-plane.js';
import { CACHEABLE, copyRegionShown, installRepeatScope, matches, pageTag } from './etag.js';

/*
 * The one page renderer (decision 002): every HTML answer of the console goes through these
 * reply methods. They own the layout, the headers (an ETag and `private, no-cache` for a page
 * whose every input is known, else no-store: forms carry one-time request ids; Vary on the
 * htmx headers that choose page or fragment), the
 * operator and CSRF token in the layout, and the page-or-fragment choice.
 */

declare const sentBrand: unique symbol;
/** What an HTML handler returns: only the renderer's methods produce it. */
export interface Sent {
  readonly [sentBrand]: true;
}

export interface PageSpec {
  /** The navigation entry shown as current, and the first breadcrumb. */
  area: Area | undefined;
  title: string;
  subtitle?: string | undefined;
  /** Crumbs after the area's own (the area links to its root); none on an area's root page. */
  crumbs?: readonly Crumb[] | undefined;
  /** Buttons or links at the right of the header. */
  actions?: (() => JSX.Element) | undefined;
  /** False for a page whose body carries its own title (an error's alert). */
  header?: boolean;
  /** The page's content. Rendered only when the page is sent. */
  body: () => JSX.Element;
  /** Without JavaScript the page reloads itself this often (a running operation's progress). */
  refreshSeconds?: number | undefined;
  /**
   * An htmx request aimed at the element `id` gets `render()` alone (decision 002). `live`: the
   * element is a live region (components/layout/live.ts `liveRegion`): the page subscribes to
   * its changes, and a stream event or `live-poll` brings this same fragment. A region is always
   * a fragment, so a live region without a handler cannot be written.
   */
  fragment?: { id: string; render: () => JSX.Element; live?: boolean } | undefined;
  /**
   * The page holds an event stream of its own (an operation's progress over WatchOperation): it
   * gets no second one for its live regions and banner — one EventSource per tab.
   */
  ownStream?: boolean | undefined;
}

/** A page whose content is streamed: see `Renderer.streamPage`. */
export type StreamPageSpec = Omit<PageSpec, 'body' | 'fragment'> & { body: AsyncIterable<string> };

export interface DownloadSpec {
  /** The file's name: letters, digits, `.`, `_` and `-` (anything else becomes `_`). */
  name: string;
  /** Its media type, e.g. `text/csv; charset=utf-8`. */
  type: string;
  body: AsyncIterable<string>;
}

/** Where the layout's content goes in a streamed page (split there: head and tail). */
const STREAM_SLOT = '<!--prism-stream-slot-->';

async function* between(head: string, body: AsyncIterable<string>, tail: string) {
  yield head;
  yield* body;
  yield tail;
}

function sendStream(reply: FastifyReply, chunks: AsyncIterable<string>): Sent {
  reply
    .header('cache-control', 'no-store')
    .header('vary', VARY)
    .type('text/html; charset=utf-8')
    .send(Readable.from(chunks, { objectMode: false }));
  return reply as unknown as Sent;
}

/** The page renderer's answers, on every reply. */
export interface Renderer {
  /** A whole page in the layout, or the fragment htmx asked for. */
  page(spec: PageSpec): Promise<Sent>;
  /** Just a fragment (an answer to htmx that is not part of a page). */
  fragment(render: () => JSX.Element): Promise<Sent>;
  /**
   * A page written as its content arrives (the audit log): the layout up to the content goes
   * out at once, then each chunk of `body` as it is produced, then the layout's end. `body`
   * must not throw: it shows its own failures inside the page (the status is sent already).
   * The chunks are pulled as the client reads (backpressure); a client gone ends the iteration.
   */
  streamPage(spec: StreamPageSpec): Promise<Sent>;
  /** The same for an htmx request: just the chunks. */
  streamFragment(body: AsyncIterable<string>): Sent;
  /**
   * A file to download (`Content-Disposition: attachment`), written as `body` produces it and
   * pulled as the client reads. A failure in `body` ends the response abruptly, so the browser
   * marks the download failed instead of keeping a cut-off file.
   */
  attachment(file: DownloadSpec): Sent;
  /** A whole document without the layout (the sign-in Continue page). */
  document(render: () => JSX.Element): Promise<Sent>;
  /** An error as a page, or for htmx as a fragment in the page's alert region. */
  errorPage(described: ErrorDescription): Promise<Sent>;
  /**
   * Post/redirect/get: a 303 for a plain form post; for htmx, an HX-Location so htmx fetches
   * the page, swaps its main region and pushes the URL, without a full reload.
   */
  seeOther(url: Url): Sent;
  /** A full navigation, also for htmx (HX-Redirect): sign-out, or leaving the console. */
  navigate(url: Url): Sent;
}

declare module 'fastify' {
  interface FastifyReply extends Renderer {}
}

/**
 * The reply an HTML handler gets: the renderer and status/header setters only. No `send`, so
 * a handler cannot answer with a plain string, a JSON object or a session — it does not compile.
 */
export interface HtmlReply extends Renderer {
  code(status: number): HtmlReply;
  header(name: string, value: string): HtmlReply;
  readonly statusCode: number;
}

// accept-encoding: every page may be compressed (src/plugins/compression.ts), so caches keep
// the br, gzip and plain answers apart even when this one went out plain.
const VARY = 'HX-Request, HX-Target, HX-History-Restore-Request, accept-encoding';

async function sendHtml(reply: FastifyReply, body: JSX.Element): Promise<Sent> {
  const html = await body;
  reply
    .header('cache-control', 'no-store')
    .header('vary', VARY)
    .type('text/html; charset=utf-8')
    .send(html);
  return reply as unknown as Sent;
}

/**
 * A signed-in page's live regions: its own fragment when it is one, and the maintenance banner,
 * which every signed-in page follows. Undefined for a page that is not live.
 */
function liveOf(request: FastifyRequest, spec: PageSpec, live: boolean) {
  const page = livePage(request);
  if (!live || spec.ownStream || !request.operator || !page) return undefined;
  const regions = spec.fragment?.live ? [spec.fragment.id] : [];
  return { page, stream: liveStreamUrl(page, [...regions, MAINTENANCE_BANNER_ID]) };
}

/** The maintenance banner alone: a live region of every signed-in page (its `live-poll`). */
async function bannerFragment(request: FastifyRequest): Promise<string> {
  const view = maintenanceView(await request.maintenance(), new Date());
  return <MaintenanceBanner view={view} live={livePage(request)} />;
}

/** A page or fragment of a GET: 304 when the browser holds what it would show, else tagged. */
async function sendPage(reply: FastifyReply, render: () => JSX.Element): Promise<Sent> {
  const method = reply.request.method;
  if (method !== 'GET' && method !== 'HEAD') return sendHtml(reply, render());
  const held = reply.request.headers['if-none-match'];
  const before = held ? await pageTag(reply) : undefined;
  if (before && matches(held, before)) {
    reply.code(304).header('etag', before).header('cache-control', CACHEABLE).header('vary', VARY);
    reply.send();
    return reply as unknown as Sent;
  }
  const html = await render();
  // Again after rendering: a read or a request id of the render itself counts too.
  // The form field too, should a request id ever be issued where the scope does not reach.
  const after = html.includes('name="request_id"') ? undefined : await pageTag(reply);
  if (after) reply.header('etag', after);
  reply
    .header('cache-control', after ? CACHEABLE : 'no-store')
    .header('vary', VARY)
    .type('text/html; charset=utf-8')
    .send(html);
  return reply as unknown as Sent;
}

async function layout(request: FastifyRequest, spec: PageSpec, live = false): Promise<string> {
  const root = spec.area ? areaRoot(spec.area) : undefined;
  const crumbs =
    spec.crumbs && root ? [{ label: root.label, href: root.href }, ...spec.crumbs] : spec.crumbs;
  // Cached per replica (src/plugins/maintenance.ts): no control-plane call per page, never fails.
  const maintenance = request.operator
    ? maintenanceView(await request.maintenance(), new Date())
    : undefined;
  // Rendered first, so the layout knows whether it needs the "Copy as command" script: the
  // region notes itself in the request's scope (src/forms/envelope.ts markCopyRegion).
  const content = spec.body();
  await content;
  const copyCommand = copyRegionShown(request);
  return (
    <Layout
      title={spec.title}
      area={spec.area}
      assets={request.server.assets}
      operator={request.operator}
      csrfToken={request.csrfToken()}
      theme={request.theme()}
      refreshSeconds={spec.refreshSeconds}
      maintenance={maintenance}
      live={liveOf(request, spec, live)}
      copyCommand={copyCommand}
    >
      {crumbs ? <Breadcrumbs crumbs={crumbs} /> : ''}
      {spec.header !== false ? (
        <PageHeader title={spec.title} subtitle={spec.subtitle} actions={spec.actions?.()} />
      ) : (
        ''
      )}
      {content}
    </Layout>
  );
}

/**
 * The page the operator was on, to offer "Try again": only ever a path on this console. The
 * request's own URL can be `//evil.example/x` and HX-Current-URL is whatever the client sent,
 * so both go through the same check as a sign-in's return address.
 */
function retryHref(request: FastifyRequest): Url | undefined {
  if (request.method === 'GET') return localPath(request.url);
  const current = request.headers['hx-current-url'];
  if (typeof current !== 'string') return undefined;
  try {
    const url = new URL(current);
    return url.origin === request.server.config.publicUrl.origin
      ? localPath(`${url.pathname}${url.search}`)
      : undefined;
  } catch {
    return undefined;
  }
}

export default fp(
  async (app: FastifyInstance) => {
    installRepeatScope(app);
    app.decorateReply('page', function (this: FastifyReply, spec: PageSpec) {
      const fragment = spec.fragment;
      if (fragment && this.request.wantsFragment(fragment.id)) {
        return sendPage(this, () => fragment.render());
      }
      // The banner is a live region of every signed-in page, whatever the page's own regions.
      if (this.request.operator && this.request.wantsFragment(MAINTENANCE_BANNER_ID)) {
        return sendPage(this, () => bannerFragment(this.request));
      }
      return sendPage(this, () => layout(this.request, spec, true));
    });
    app.decorateReply('streamPage', async function (this: FastifyReply, spec: StreamPageSpec) {
      const page = await layout(this.request, { ...spec, body: () => <>{STREAM_SLOT}</> });
      const at = page.indexOf(STREAM_SLOT);
      const [head, tail] = [page.slice(0, at), page.slice(at + STREAM_SLOT.length)];
      return sendStream(this, between(head, spec.body, tail));
    });
    app.decorateReply('streamFragment', function (this: FastifyReply, body: AsyncIterable<string>) {
      return sendStream(this, body);
    });
    app.decorateReply('attachment', function (this: FastifyReply, file: DownloadSpec) {
      this.header('cache-control', 'no-store')
        .header('content-type', file.type)
        .header(
          'content-disposition',
          `attachment; filename="${file.name.replace(/[^\w.-]/g, '_')}"`,
        )
        .send(Readable.from(file.body, { objectMode: false }));
      return this as unknown as Sent;
    });
    app.decorateReply('fragment', function (this: FastifyReply, render: () => JSX.Element) {
      return sendHtml(this, render());
    });
    app.decorateReply('document', function (this: FastifyReply, render: () => JSX.Element) {
      return sendHtml(this, render());
    });
    app.decorateReply('errorPage', function (this: FastifyReply, described: ErrorDescription) {
      const request = this.request;
      const path = request.url.split('?', 1)[0] ?? '/';
      // The area of the address, highlighted in the navigation and first in the breadcrumbs.
      const area = areaOfPath(path);
      const help = errorHelp({
        status: described.status,
        area,
        path,
        // Worth trying again only when it may work the next time (a fault, an outage, a
        // rate limit), not for a missing page or a refusal.
        retryHref: retryHref(request),
        signedIn: request.operator !== null,
      });
      const view = (page: boolean) => () => (
        <ErrorPage
          title={described.title}
          message={described.message}
          help={help}
          csrfToken={request.csrfToken()}
          page={page}
        />
      );
      this.code(described.status);
      if (described.retryAfterSeconds !== undefined) {
        this.header('retry-after', String(described.retryAfterSeconds));
      }
      if (request.htmx.request) {
        // Whatever element asked, the error goes to the page's alert region, so a failed
        // refresh never wipes the content the operator is looking at.
        this.header('hx-retarget', '#alerts').header('hx-reswap', 'innerHTML');
        return sendHtml(this, view(false)());
      }
      const shownArea = area?.available ? area.area : undefined;
      // The alert carries the title as the page's heading: no page header above it.
      return sendHtml(
        this,
        layout(request, {
          area: shownArea,
          title: described.title,
          header: false,
          crumbs: shownArea
            ? [{ label: described.title }]
            : [{ label: 'Dashboard', href: routes.dashboard.href() }, { label: described.title }],
          body: view(true),
        }),
      );
    });
    app.decorateReply('seeOther', function (this: FastifyReply, url: Url) {
      this.header('cache-control', 'no-store');
      // After a change: the next pages (any replica) read past the read cache, so the operator
      // sees their write at once (design.md, "Read-your-writes").
      if (this.request.method !== 'GET' && this.request.method !== 'HEAD') {
        const secure = this.request.server.config.publicUrl.protocol === 'https:';
        this.header(
          'set-cookie',
          `${FRESH_COOKIE}=1; Max-Age=5; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`,
        );
      }
      if (this.request.htmx.request) {
        this.header(
          'hx-location',
          JSON.stringify({
            path: url,
            target: '#main',
            select: '#main',
            swap: 'outerHTML',
            // The maintenance banner sits outside #main: the page's own replaces it too, so
            // turning maintenance on or off shows at once (the slot is there even when off).
            selectOOB: `#${MAINTENANCE_BANNER_ID}`,
          }),
        )
          .code(200)
          .send('');
      } else {
        this.redirect(url, 303);
      }
      return this as unknown as Sent;
    });
    app.decorateReply('navigate', function (this: FastifyReply, url: Url) {
      this.header('cache-control', 'no-store');
      if (this.request.htmx.request) this.header('hx-redirect', url).send('');
      else this.redirect(url, 303);
      return this as unknown as Sent;
    });
  },
  { name: 'page', dependencies: ['htmx', 'static', 'operator'] },
);
