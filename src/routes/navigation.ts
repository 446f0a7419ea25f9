import type { Url } from '../html/url.js';
import { routes } from './table.js';

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
  href: Url;
  /** Areas whose pages are not built yet are listed, but not as links (and not registered). */
  available: boolean;
}

export const navigation: readonly NavItem[] = [
  { area: 'dashboard', label: 'Dashboard', href: routes.dashboard.href(), available: true },
  {
    area: 'namespaces',
    label: 'Namespaces',
    href: routes.namespaces.list.href(),
    available: true,
  },
  {
    area: 'client-configurations',
    label: 'Client configurations',
    href: routes.clientConfigurations.list.href(),
    available: true,
  },
  {
    area: 'sessions',
    label: 'Client sessions',
    href: routes.sessions.list.href(),
    available: true,
  },
  { area: 'backends', label: 'Backends', href: routes.backends.list.href(), available: true },
  { area: 'cluster', label: 'Cluster', href: routes.cluster.status.href(), available: true },
  {
    area: 'operations',
    label: 'Operations',
    href: routes.operations.list.href(),
    available: true,
  },
];

/** Shown to admins only, after the areas everyone sees. */
export const adminNavigation: readonly NavItem[] = [
  { area: 'audit', label: 'Audit log', href: routes.audit.log.href(), available: true },
  {
    area: 'console-sessions',
    label: 'Console sessions',
    href: routes.consoleSessions.list.href(),
    available: true,
  },
];

/** An area's first page: the first breadcrumb of every page in it. */
export function areaRoot(area: Area): NavItem {
  const item = [...navigation, ...adminNavigation].find((entry) => entry.area === area);
  if (!item) throw new Error(`no navigation entry for area ${area}`);
  return item;
}

/**
 * The navigation entry a path belongs to, by its first segment (`/namespaces/x/edit` →
 * namespaces, `/` → the dashboard); undefined for a path outside every area (`/auth/...`).
 * Unbuilt areas are found too: an error page says they are not available yet.
 */
export function areaOfPath(path: string): NavItem | undefined {
  const firstSegment = (value: string) => value.split(/[?#]/, 1)[0]?.split('/')[1] ?? '';
  const segment = firstSegment(path);
  return [...navigation, ...adminNavigation].find((item) => firstSegment(item.href) === segment);
}
