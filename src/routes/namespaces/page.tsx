import type { FastifyReply, FastifyRequest } from 'fastify';
import { Layout } from '../../../components/layout/Layout.js';
import { Breadcrumbs, type Crumb } from '../../../components/ui/Breadcrumbs.js';
import { PageHeader } from '../../../components/ui/PageHeader.js';
import { paths } from '../paths.js';

export interface NamespacePage {
  title: string;
  subtitle?: string;
  /** Crumbs after "Namespaces"; none on the list itself. */
  crumbs?: readonly Crumb[];
  actions?: JSX.Element;
  children: JSX.Element;
}

/** A whole page of the namespaces area: layout, breadcrumbs, header, then the body. */
export function sendPage(
  request: FastifyRequest,
  reply: FastifyReply,
  page: NamespacePage,
): Promise<FastifyReply> {
  const crumbs = page.crumbs
    ? [{ label: 'Namespaces', href: paths.namespaces.list() }, ...page.crumbs]
    : undefined;
  const body = page.children;
  // Pages show live state and forms carry one-time request ids: never serve them from a cache.
  reply.header('cache-control', 'no-store');
  return reply.html(
    <Layout
      title={page.title}
      area="namespaces"
      assets={request.server.assets}
      operator={request.operator}
      csrfToken={request.csrfToken()}
    >
      {crumbs ? <Breadcrumbs crumbs={crumbs} /> : ''}
      <PageHeader title={page.title} subtitle={page.subtitle} actions={page.actions} />
      {body}
    </Layout>,
  );
}

/**
 * Answers with just the fragment when htmx asked for the element `id`, else with the page.
 * Both are thunks, so only the answer that is sent gets rendered.
 */
export function sendPageOrFragment(
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  fragment: () => JSX.Element,
  page: () => NamespacePage,
): Promise<FastifyReply> {
  if (request.wantsFragment(id)) {
    reply.header('cache-control', 'no-store');
    return reply.html(fragment());
  }
  return sendPage(request, reply, page());
}
