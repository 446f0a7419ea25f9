/*
 * Type tests: each `@ts-expect-error` line is a mistake `npm run typecheck` must refuse. If one
 * of them ever compiles, tsc fails on the unused directive — so these checks cannot erode.
 * (Checked by `npm run typecheck`; nothing here runs.)
 */
import type { FastifyInstance } from 'fastify';
import { NamespaceForm } from '../../components/namespaces/NamespaceForm.js';
import { Breadcrumbs } from '../../components/ui/Breadcrumbs.js';
import { trustedUrl, type Url } from '../../src/html/url.js';
import { get, post } from '../../src/routes/register.js';
import { routes } from '../../src/routes/table.js';

declare const app: FastifyInstance;
declare const name: string;

// --- routes: links come from the table, with their parameters -------------------------------

routes.namespaces.detail.href({ name });
routes.namespaces.list.href({ q: 'orders', size: 10 });
// @ts-expect-error a route that is not in the table
routes.namespaces.details.href({ name });
// @ts-expect-error a missing parameter
routes.namespaces.detail.href();
// @ts-expect-error a misspelt parameter
routes.namespaces.edit.href({ nmae: name });
// @ts-expect-error a query parameter the route does not take
routes.namespaces.list.href({ qq: 'x' });
// @ts-expect-error a parameter on a route that has none
routes.namespaces.create.href({ name });

// A link prop takes a Url from the table, never a string (a path literal or data).
<Breadcrumbs crumbs={[{ label: 'x', href: routes.dashboard.href() }]} />;
// @ts-expect-error a path literal as a link
<Breadcrumbs crumbs={[{ label: 'x', href: '/namespaces' }]} />;
// @ts-expect-error a string from data as a link
<Breadcrumbs crumbs={[{ label: 'x', href: name }]} />;
// @ts-expect-error hx-get takes a Url
<button type="button" hx-get="/namespaces">
  x
</button>;

// --- registration: params, query and body typed by the table and the schemas ----------------

get(app, routes.namespaces.detail, {}, async (request, reply) => {
  const ok: string = request.params.name;
  // @ts-expect-error a parameter the pattern does not have
  request.params.id;
  return reply.page({ area: 'namespaces', title: ok, body: () => <p safe>{ok}</p> });
});

// --- replies: HTML handlers answer through the page renderer only ---------------------------

// @ts-expect-error a handler cannot send JSON (a session, a token): HtmlReply has no send
get(app, routes.dashboard, {}, async (request, reply) => reply.send(request.consoleSession));
// @ts-expect-error nor a plain string
get(app, routes.dashboard, {}, async () => '<p>hello</p>');
post(app, routes.auth.signOut, {}, async (_request, reply) =>
  reply.seeOther(routes.dashboard.href()),
);
// @ts-expect-error a redirect to a string, not a route
post(app, routes.auth.signOut, {}, async (_request, reply) => reply.seeOther('/'));

// --- props: a wrong or missing prop does not compile ----------------------------------------

declare const url: Url;
// @ts-expect-error a prop the component does not have (and the ones it needs are missing)
<NamespaceForm mode="create" actoin={url} />;
trustedUrl('/assets/app.css');
