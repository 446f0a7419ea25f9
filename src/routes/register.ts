import type {
  FastifyContextConfig,
  FastifyInstance,
  FastifyRequest,
  preHandlerAsyncHookHandler,
} from 'fastify';
import type { z } from 'zod';
import type { HtmlReply, Sent } from '../plugins/page.js';
import type { SseEvent } from '../plugins/sse.js';
import type { Route, RouteParams } from './table.js';

/*
 * How HTML routes are registered: from the route table (the pattern, with its params schema),
 * with zod schemas for the query string and body validated by Fastify (src/plugins/validation.ts),
 * and a handler typed by all three that answers only through the page renderer (HtmlReply has
 * no `send`). A handler that returns anything else, or reads a field the schema does not
 * declare, does not compile.
 */

type Output<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

export interface HtmlRouteOptions<Q, B> {
  /** The query string's schema; it should not fail on what a person could type (say why in the page). */
  query?: Q;
  /** The body's schema: a form contract's `body` (src/forms/contract.ts), which never fails. */
  body?: B;
  /** Role checks (`app.requireRole`) and the like, before the handler. */
  preHandler?: preHandlerAsyncHookHandler;
  config?: FastifyContextConfig;
  /** GET routes answer HEAD too unless this is false (a rate-limited route: one count, not two). */
  exposeHeadRoute?: boolean;
}

export type HtmlRequest<P extends string, Q, B> = FastifyRequest<{
  Params: RouteParams<P>;
  Querystring: Output<Q>;
  Body: Output<B>;
}>;

export type HtmlHandler<P extends string, Q, B> = (
  request: HtmlRequest<P, Q, B>,
  reply: HtmlReply,
) => Promise<Sent> | Sent;

function register<P extends string, Q, B>(
  app: FastifyInstance,
  method: 'GET' | 'POST',
  route: Route<P, never>,
  options: HtmlRouteOptions<Q, B>,
  handler: HtmlHandler<P, Q, B>,
): void {
  const hasParams = route.pattern.includes(':');
  app.route({
    method,
    url: route.pattern,
    schema: {
      ...(hasParams ? { params: route.params } : {}),
      ...(options.query ? { querystring: options.query } : {}),
      ...(options.body ? { body: options.body } : {}),
    },
    ...(options.preHandler ? { preHandler: options.preHandler } : {}),
    ...(options.config ? { config: options.config } : {}),
    ...(options.exposeHeadRoute === false ? { exposeHeadRoute: false } : {}),
    // The schemas above validated and typed the input; HtmlReply is FastifyReply narrowed.
    handler: handler as unknown as Parameters<FastifyInstance['route']>[0]['handler'],
  });
}

/** A page (GET, and HEAD with it). */
export function get<P extends string, Q extends z.ZodType | undefined = undefined>(
  app: FastifyInstance,
  route: Route<P, never>,
  options: HtmlRouteOptions<Q, undefined>,
  handler: HtmlHandler<P, Q, undefined>,
): void {
  register(app, 'GET', route, options, handler);
}

/** A form post (CSRF-checked and role-checked before the handler runs). */
export function post<
  P extends string,
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
>(
  app: FastifyInstance,
  route: Route<P, never>,
  options: HtmlRouteOptions<Q, B>,
  handler: HtmlHandler<P, Q, B>,
): void {
  register(app, 'POST', route, options, handler);
}

/**
 * An event stream (GET, no HEAD): the handler returns the events, rendered by the same
 * components as the page, and reply.sse() sends them (heartbeats, retry hint, cancelled when the
 * browser goes away). Not a page, so no HtmlReply: the events are all it can answer.
 */
export function events<P extends string, Q extends z.ZodType | undefined = undefined>(
  app: FastifyInstance,
  route: Route<P, never>,
  options: HtmlRouteOptions<Q, undefined>,
  source: (request: HtmlRequest<P, Q, undefined>) => AsyncIterable<SseEvent>,
): void {
  const hasParams = route.pattern.includes(':');
  app.route({
    method: 'GET',
    url: route.pattern,
    schema: {
      ...(hasParams ? { params: route.params } : {}),
      ...(options.query ? { querystring: options.query } : {}),
    },
    ...(options.preHandler ? { preHandler: options.preHandler } : {}),
    ...(options.config ? { config: options.config } : {}),
    exposeHeadRoute: false,
    // Returns nothing: a returned reply is a thenable that Fastify waits on, with a watcher on
    // the response (node:stream's finished()) held for the stream's whole life, ~1 KB each.
    handler: (request, reply) => {
      reply.sse(source(request as unknown as HtmlRequest<P, Q, undefined>));
    },
  });
}
