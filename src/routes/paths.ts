/**
 * Typed route helpers: every link and form action in the console comes from here, so a route
 * that moves breaks the build rather than a page.
 */

const seg = encodeURIComponent;

function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

export interface NamespaceListQuery {
  q?: string | undefined;
  status?: string | undefined;
  sort?: string | undefined;
  page?: string | undefined;
  size?: number | undefined;
  /** A key of a fixed confirmation message (never the message itself). */
  notice?: string | undefined;
}

export const paths = {
  dashboard: () => '/',
  healthz: () => '/healthz',
  readyz: () => '/readyz',
  namespaces: {
    list: (query: NamespaceListQuery = {}) => withQuery('/namespaces', { ...query }),
    create: () => '/namespaces/new',
    /** Also where an edit form posts. */
    detail: (name: string, query: { notice?: string } = {}) =>
      withQuery(`/namespaces/${seg(name)}`, query),
    /** Where the create form posts. */
    createAction: () => '/namespaces',
    edit: (name: string) => `/namespaces/${seg(name)}/edit`,
    delete: (name: string) => `/namespaces/${seg(name)}/delete`,
  },
  clientConfigurations: () => '/client-configurations',
  sessions: () => '/sessions',
  backends: () => '/backends',
  cluster: () => '/cluster',
  operations: () => '/operations',
  audit: () => '/audit',
  consoleSessions: {
    list: (query: { notice?: string } = {}) => withQuery('/console-sessions', query),
    /** `handle` is the session's public handle, never its id (which is a secret). */
    revoke: (handle: string) => `/console-sessions/${seg(handle)}/revoke`,
  },
  auth: {
    signedOut: () => '/auth/signed-out',
  },
} as const;

export { withQuery };

export type Area =
  | 'dashboard'
  | 'namespaces'
  | 'client-configurations'
  | 'sessions'
  | 'backends'
  | 'cluster'
  | 'operations'
  | 'audit'
  | 'console-sessions';

export interface NavItem {
  area: Area;
  label: string;
  href: string;
  /** Areas whose pages are not built yet are listed, but not as links. */
  available: boolean;
}

export const navigation: readonly NavItem[] = [
  { area: 'dashboard', label: 'Dashboard', href: paths.dashboard(), available: true },
  { area: 'namespaces', label: 'Namespaces', href: paths.namespaces.list(), available: true },
  {
    area: 'client-configurations',
    label: 'Client configurations',
    href: paths.clientConfigurations(),
    available: false,
  },
  { area: 'sessions', label: 'Client sessions', href: paths.sessions(), available: false },
  { area: 'backends', label: 'Backends', href: paths.backends(), available: false },
  { area: 'cluster', label: 'Cluster', href: paths.cluster(), available: false },
  { area: 'operations', label: 'Operations', href: paths.operations(), available: false },
  { area: 'audit', label: 'Audit log', href: paths.audit(), available: false },
];

/** Shown to admins only, after the areas everyone sees. */
export const adminNavigation: readonly NavItem[] = [
  {
    area: 'console-sessions',
    label: 'Console sessions',
    href: paths.consoleSessions.list(),
    available: true,
  },
];
