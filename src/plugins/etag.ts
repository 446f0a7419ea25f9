import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { markUnrepeatable, noteUnrepeatable, type Unrepeatable } from '../forms/envelope.js';
import { LIVE_REFRESH_MS } from '../live/hub-types.js';
import { maintenanceView } from '../views/operations/maintenance.js';
import { readsOf } from './control-plane.js';

/*
 * Conditional GET (design.md, "ETag / 304"). A page's ETag is a hash of everything it shows:
 * the address and the htmx headers that choose page or fragment, who looks (operator, role,
 * session — the CSRF token is bound to it), their theme, the maintenance banner, the build, the
 * clock to 15 s (how long ago things happened), and a fingerprint of every control-plane answer
 * read for it. A repeat view whose tag matches is answered 304 before anything is rendered.
 * Weak: compressed and plain answers differ in bytes but not in what they show. Never for a page that hands out a form's request id (a browser
 * reusing it would resubmit an id already used) or shows a one-time notice.
 */
const kIssued = Symbol('request ids issued');
/**
 * Pages say how long ago things happened ("3m ago", "just now"), which changes with the clock
 * alone: the tag holds the clock to this step, so a copy kept by the browser is shown again only
 * within it — never staler than a live region, which the hub renders again as often.
 */
const AGES_STEP_MS = LIVE_REFRESH_MS;
export const CACHEABLE = 'private, no-cache';
const buildIds = new WeakMap<FastifyInstance, string>();
const sha = (text: string) => createHash('sha256').update(text).digest('base64url');
const bigints = (_key: string, value: unknown) =>
  typeof value === 'bigint' ? value.toString() : value;

export async function pageTag(reply: FastifyReply): Promise<string | undefined> {
  const request = reply.request;
  const reads = readsOf(request);
  if (reply.statusCode !== 200 || request[kIssued]?.unrepeatable || reads?.complete === false) {
    return undefined;
  }
  // Signed-out pages (the no-access page shows a record from its own cookie) are cheap: never.
  if (!request.operator || !request.consoleSession) return undefined;
  const query = request.query;
  if (query && typeof query === 'object' && Object.hasOwn(query, 'notice')) return undefined;
  const app = request.server;
  let build = buildIds.get(app);
  if (build === undefined) {
    build = sha(JSON.stringify(app.assets));
    buildIds.set(app, build);
  }
  const { operator, headers } = request;
  const maintenance = maintenanceView(await request.maintenance(), new Date());
  const shown = [
    request.url,
    headers['hx-request'],
    headers['hx-target'],
    headers['hx-history-restore-request'],
    [operator.subject, operator.username, operator.name, operator.role],
    sha(request.consoleSession.id),
    request.theme(),
    maintenance,
    build,
    Math.floor(Date.now() / AGES_STEP_MS),
    reads?.parts ?? [],
  ];
  return `W/"${sha(JSON.stringify(shown, bigints))}"`;
}

export function matches(ifNoneMatch: string | undefined, tag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = tag.slice(2);
  return ifNoneMatch
    .split(',')
    .some((each) => each.trim() === '*' || each.trim().replace(/^W\//, '') === opaque);
}

declare module 'fastify' {
  interface FastifyRequest {
    [kIssued]: Unrepeatable | null;
  }
}

/** Whether the request's answer rendered a "Copy as command" region (src/forms/envelope.ts). */
export function copyRegionShown(request: FastifyRequest): boolean {
  return request[kIssued]?.copyRegion === true;
}

/**
 * Opens each request's scope, in which issuing a request id or reading the console-session
 * store marks the answer as never "not modified" (src/forms/envelope.ts).
 */
export function installRepeatScope(app: FastifyInstance): void {
  app.decorateRequest(kIssued, null);
  // Callback style, so the rest of the request (hooks, handler) runs inside the scope.
  app.addHook('onRequest', (request, _reply, done) => {
    const scope: Unrepeatable = { unrepeatable: false };
    request[kIssued] = scope;
    noteUnrepeatable(scope, done);
  });
  // The console sessions in the store (who is signed in) are no control-plane read: no
  // fingerprint covers them, so a page showing them is never "not modified".
  app.addHook('onReady', async () => {
    if (!app.hasDecorator('sessions')) return;
    const store = app.sessions;
    const list = store.list.bind(store);
    store.list = () => {
      markUnrepeatable();
      return list();
    };
  });
}
