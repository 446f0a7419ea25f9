import { Code, ConnectError } from '@connectrpc/connect';
import type { FastifyRequest } from 'fastify';
import { BadRequestSchema } from '../gen/google/rpc/error_details_pb.js';
import { canonicalQuery, htmxTrigger } from '../html/canonical-query.js';
import type { HtmlReply, Sent } from '../plugins/page.js';

/*
 * The steps every filtered, sorted and paged list route takes (namespaces, client
 * configurations, client sessions) before it renders: the canonical address, then the view —
 * refused with a 400 when the query string or the control plane refused the query.
 */

/**
 * No empty parameters in the address (src/html/canonical-query.ts): the redirect to send, if any.
 * A request made while typing in one of `typedIds` replaces the history entry; a choice pushes.
 */
export function canonicalListQuery(
  request: FastifyRequest,
  reply: HtmlReply,
  resultsId: string,
  typedIds: readonly string[],
): Sent | undefined {
  const trigger = htmxTrigger(request);
  // The region fetching itself (live-poll, components/layout/live.ts): the address bar is right
  // already, and a history entry per refresh would make Back useless.
  if (trigger === resultsId) return undefined;
  const typing = trigger !== undefined && typedIds.includes(trigger);
  return canonicalQuery(request, reply, resultsId, typing ? 'replace' : 'push');
}

/** What the control plane said about a refused list query, in words for the operator. */
export function refusal(err: ConnectError): string[] {
  const violations = err.findDetails(BadRequestSchema).flatMap((d) => d.fieldViolations);
  const said = violations.length
    ? violations.map((v) => `${v.field.replaceAll('_', ' ')} ${v.description}`)
    : [err.rawMessage];
  return [
    ...said.map((s) => `The control plane refused this list: ${s}.`),
    'A page link stays valid only with the same filters and order; start again from the first page.',
  ];
}

/**
 * The list's view: `refused` (and a 400) when the query string had problems or the control
 * plane refused the query — a stale or edited page token is the operator's URL, not a fault, so
 * the page says so. Any other failure is thrown to the error handler.
 */
export async function loadList<Q, V>(
  reply: HtmlReply,
  { query, problems }: { query: Q; problems: string[] },
  fetch: (query: Q) => Promise<V>,
  refused: (query: Q, problems: string[]) => V,
): Promise<V> {
  if (problems.length > 0) {
    reply.code(400);
    return refused(query, problems);
  }
  try {
    return await fetch(query);
  } catch (err) {
    if (!(err instanceof ConnectError) || err.code !== Code.InvalidArgument) throw err;
    reply.code(400);
    return refused(query, refusal(err));
  }
}
