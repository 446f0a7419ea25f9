import type { Page } from 'playwright-core';
import { type Area, navigation } from '../../src/routes/navigation.js';
import type { DemoUsername } from '../helper.js';

/*
 * Every page of the console, for the accessibility and layout walks (accessibility.test.ts,
 * layout.test.ts). Adding a page is one line. Each signed-in role visits every page: what a role
 * may not see is then the console's 403 page, which has to pass too.
 */

export interface ConsolePage {
  /** What the failure message calls it. */
  name: string;
  /** Where it is; or where to start and the links to follow (CSS selectors, first match each). */
  path: string | { start: string; follow: readonly string[] };
  /** Only while this area is built (its navigation entry is `available`). */
  area?: Area;
  /**
   * axe rules this page is known to break, each with who fixes it: tolerated, and the test fails
   * once the page passes them (so the entry is removed the day it is fixed).
   */
  knownViolations?: readonly { rule: string; fix: string }[];
}

const built = (area: Area) => navigation.find((item) => item.area === area)?.available === true;

const allPages: readonly ConsolePage[] = [
  { name: 'dashboard', path: '/' },
  { name: 'namespaces list', path: '/namespaces' },
  { name: 'namespaces search', path: '/namespaces?q=orders&status=active' },
  { name: 'namespace detail', path: '/namespaces/legacy-import' },
  { name: 'new namespace', path: '/namespaces/new' },
  { name: 'edit namespace', path: '/namespaces/orders-prod/edit' },
  { name: 'delete namespace', path: '/namespaces/orders-prod/delete' },
  { name: 'backends list', path: '/backends' },
  { name: 'backend detail', path: '/backends/postgres-main' },
  { name: 'cluster', path: '/cluster' },
  { name: 'console sessions', path: '/console-sessions' },
  { name: 'missing namespace (404)', path: '/namespaces/no-such-namespace' },
  { name: 'missing page (404)', path: '/no-such-page' },
  { name: 'client sessions list', path: '/sessions', area: 'sessions' },
  {
    name: 'client session detail',
    path: { start: '/sessions', follow: ['main tbody a[href^="/sessions/"]'] },
    area: 'sessions',
  },
  {
    name: 'terminate client session',
    path: {
      start: '/sessions',
      follow: ['main tbody a[href^="/sessions/"]', 'main a[href$="/terminate"]'],
    },
    area: 'sessions',
  },
  { name: 'client configurations', path: '/client-configurations', area: 'client-configurations' },
  {
    name: 'client configurations filtered',
    path: '/client-configurations?namespace=orders-prod&pattern=keyvalue',
    area: 'client-configurations',
  },
  {
    name: 'client configuration detail',
    path: '/client-configurations/orders-events',
    area: 'client-configurations',
  },
  {
    name: 'new client configuration',
    path: '/client-configurations/new',
    area: 'client-configurations',
  },
  {
    name: 'edit client configuration',
    path: '/client-configurations/orders-events/edit',
    area: 'client-configurations',
  },
  {
    name: 'delete client configuration',
    path: '/client-configurations/orders-events/delete',
    area: 'client-configurations',
  },
  { name: 'maintenance mode', path: '/operations/maintenance', area: 'operations' },
  { name: 'operations', path: '/operations', area: 'operations' },
  {
    name: 'drain connections',
    path: '/operations/drain?namespace=legacy-import',
    area: 'operations',
  },
  {
    name: 'operation detail',
    path: { start: '/operations', follow: ['main tbody a[href^="/operations/op-"]'] },
    area: 'operations',
  },
  { name: 'audit log', path: '/audit' },
  { name: 'audit log filtered', path: '/audit?outcome=success&range=week&size=25' },
];

export const consolePages: readonly ConsolePage[] = allPages.filter(
  (page) => page.area === undefined || built(page.area),
);

/** Pages a signed-out browser sees (the sign-in problem page: a callback nobody started). */
export const signedOutPages: readonly ConsolePage[] = [
  { name: 'signed out', path: '/auth/signed-out' },
  { name: 'sign-in problem', path: '/auth/callback?state=unknown&code=unknown' },
];

export const ROLES: readonly DemoUsername[] = ['viewer', 'operator', 'admin'];

export const VIEWPORTS = {
  laptop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

/**
 * The paths of these pages, following links where a page has no fixed address (as `page`'s
 * user, who should see them all: the admin). A page that cannot be reached gets the reason
 * instead, for the test to fail with.
 */
export async function resolvePaths(
  page: Page,
  base: string,
  pages: readonly ConsolePage[],
): Promise<Map<ConsolePage, { path: string } | { unreachable: string }>> {
  const paths = new Map<ConsolePage, { path: string } | { unreachable: string }>();
  for (const entry of pages) {
    if (typeof entry.path === 'string') {
      paths.set(entry, { path: entry.path });
      continue;
    }
    let path = entry.path.start;
    try {
      for (const selector of entry.path.follow) {
        await page.goto(`${base}${path}`);
        const link = page.locator(selector).first();
        const href = await link.getAttribute('href', { timeout: 5_000 });
        if (!href) throw new Error(`no link ${selector}`);
        path = href;
      }
      paths.set(entry, { path });
    } catch (err) {
      paths.set(entry, { unreachable: `not reached from ${path}: ${String(err).split('\n')[0]}` });
    }
  }
  return paths;
}

/**
 * Whether the page's stylesheet loaded: a page checked without it says nothing (and another
 * process rebuilding the assets meanwhile removes the file the server was started with).
 */
export async function styled(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const link = document.querySelector<HTMLLinkElement>('link[rel="stylesheet"]');
    try {
      return (link?.sheet?.cssRules.length ?? 0) > 0;
    } catch {
      // A stylesheet that failed to load cannot be read either.
      return false;
    }
  });
}
