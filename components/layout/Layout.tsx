import type { Children } from '@kitajs/html';
import { anchorHref, type Url } from '../../src/html/url.js';
import type { Operator } from '../../src/plugins/operator.js';
import type { Assets } from '../../src/plugins/static.js';
import type { Theme } from '../../src/plugins/theme.js';
import {
  type Area,
  adminNavigation,
  type NavItem,
  navigation,
} from '../../src/routes/navigation.js';
import { routes } from '../../src/routes/table.js';
import type { MaintenanceView } from '../../src/views/operations/maintenance.js';
import { CsrfField } from '../ui/FormField.js';
import { LiveIndicator } from './LiveIndicator.js';
import { MaintenanceBanner } from './MaintenanceBanner.js';
import { ThemeSwitch } from './ThemeSwitch.js';

export interface LayoutProps {
  title: string;
  area: Area | undefined;
  assets: Assets;
  operator: Operator | null;
  /** Sent back by htmx on every request and by the sign-out form; undefined when signed out. */
  csrfToken: string | undefined;
  /**
   * The theme this browser chose (`request.theme()`, its cookie); 'system' follows
   * prefers-color-scheme. Undefined: the page follows the system and offers no switch (a page
   * renderer that does not pass the choice could not show it).
   */
  theme?: Theme | undefined;
  /** Maintenance mode while it is on (the banner); undefined when off, unknown or signed out. */
  maintenance?: MaintenanceView | undefined;
  /** Without JavaScript the page reloads itself this often (a running operation's progress). */
  refreshSeconds?: number | undefined;
  /**
   * A page with live regions (components/layout/live.ts), signed in: its address (the banner's
   * own `live-poll` fetches it) and the event stream naming the page and its regions. The body
   * then connects to the stream and the indicator shows (src/browser/live.js runs them).
   */
  live?: { page: Url; stream: Url } | undefined;
  /** The page has a "Copy as command" form: load its script (no other page needs it). */
  copyCommand?: boolean | undefined;
  children?: Children;
}

/** One area in the navigation: a link, or a muted entry for an area not built yet. */
function NavEntry({ item, area }: { item: NavItem; area: Area | undefined }): JSX.Element {
  return item.available ? (
    <a
      href={item.href}
      aria-current={item.area === area ? 'page' : undefined}
      class={[
        'flex min-h-11 items-center rounded px-3 py-2 hover:bg-slate-800 hover:text-white lg:min-h-9',
        item.area === area ? 'bg-slate-800 text-white font-medium' : '',
      ]}
      safe
    >
      {item.label}
    </a>
  ) : (
    <span
      aria-disabled="true"
      title="Not available in this version of the console"
      class="flex items-center justify-between rounded px-3 py-2 text-slate-400 cursor-not-allowed"
    >
      <span safe>{item.label}</span>
      <span class="text-[10px] uppercase tracking-wide">soon</span>
    </span>
  );
}

/** Who is signed in and sign-out; or the sign-in link. */
function Account({ operator, csrfToken }: LayoutProps): JSX.Element {
  return (
    <div class="px-5 py-4 text-xs text-slate-300 border-t border-slate-800">
      {operator ? (
        <div class="space-y-3" data-testid="operator">
          <p>
            <span class="block text-slate-100" safe>
              {operator.name}
            </span>
            <span safe>{`${operator.username} · ${operator.role}`}</span>
          </p>
          <form method="post" action={routes.auth.signOut.href()}>
            <CsrfField token={csrfToken} />
            <button
              type="submit"
              class="min-h-6 text-slate-200 underline hover:text-white pointer-coarse:min-h-11"
            >
              Sign out
            </button>
          </form>
        </div>
      ) : (
        <a
          href={routes.auth.signIn.href()}
          class="inline-flex min-h-6 items-center underline hover:text-white pointer-coarse:min-h-11"
        >
          Sign in
        </a>
      )}
    </div>
  );
}

export function Layout(props: LayoutProps): JSX.Element {
  const { title, area, assets, operator, csrfToken, theme, maintenance, live, children } = props;
  return (
    <>
      {'<!doctype html>'}
      <html
        lang="en"
        class="h-full bg-slate-50 dark:bg-slate-950"
        // No attribute: the system's choice (prefers-color-scheme), see src/styles/app.css.
        data-theme={theme && theme !== 'system' ? theme : undefined}
      >
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta
            name="color-scheme"
            content={theme === 'light' || theme === 'dark' ? theme : 'light dark'}
          />
          <title safe>{`${title} · Prism Console`}</title>
          {props.refreshSeconds ? (
            // In <noscript>: with JavaScript the page updates itself live and must not reload.
            <noscript>
              <meta http-equiv="refresh" content={String(props.refreshSeconds)} />
            </noscript>
          ) : (
            ''
          )}
          <link rel="icon" href={assets.favicon} type="image/svg+xml" />
          {/* The stylesheet for the chosen theme only (src/styles/app.css). */}
          <link rel="stylesheet" href={assets.stylesheets[theme ?? 'system']} />
          {/* htmx, its settings (src/browser/htmx-config.js), the SSE extension and live.js. */}
          <script src={assets.script} defer></script>
          {props.copyCommand && assets.copyCommand ? (
            <script src={assets.copyCommand} defer></script>
          ) : (
            ''
          )}
        </head>
        <body
          class="h-full text-slate-900 antialiased dark:text-slate-100"
          hx-headers={csrfToken ? JSON.stringify({ 'X-CSRF-Token': csrfToken }) : undefined}
          // One event stream per tab for the page's live regions (components/layout/live.ts).
          hx-ext={live ? 'sse' : undefined}
          sse-connect={live?.stream}
        >
          <a
            href={anchorHref('main')}
            class="sr-only focus:not-sr-only focus:absolute focus:z-10 focus:p-2 focus:bg-white focus:text-slate-900"
          >
            Skip to content
          </a>
          <div class="min-h-full lg:flex">
            {/*
             * Below lg the areas fold behind "Menu": a <details>, so it opens and closes without
             * JavaScript, by keyboard too, and is announced as a disclosure. From lg on it is a
             * sidebar: the summary is hidden and the content shown (app.css, .console-menu).
             */}
            <nav
              aria-label="Console"
              data-focus="light"
              class="bg-slate-900 text-slate-200 lg:flex lg:w-52 lg:shrink-0 lg:flex-col"
            >
              <details class="console-menu group lg:flex lg:flex-1 lg:flex-col">
                <summary class="flex cursor-pointer list-none items-center justify-between gap-3 px-4 py-2 lg:hidden [&::-webkit-details-marker]:hidden">
                  <span class="flex items-center gap-2 py-1 font-semibold tracking-tight text-white">
                    <img src={assets.favicon} alt="" class="h-6 w-6" />
                    Prism Console
                  </span>
                  <span class="inline-flex min-h-11 items-center gap-1 rounded-md px-3 text-sm font-medium ring-1 ring-slate-600">
                    Menu
                    <span aria-hidden="true" class="group-open:rotate-180">
                      {/* ▾ as a reference: pages keep to Latin-1 (components/ui/Table.tsx) */}
                      {'&#9662;'}
                    </span>
                  </span>
                </summary>
                <a
                  href={routes.dashboard.href()}
                  class="hidden items-center gap-2 px-5 py-4 text-white lg:flex"
                >
                  <img src={assets.favicon} alt="" class="h-6 w-6" />
                  <span class="font-semibold tracking-tight">Prism Console</span>
                </a>
                <ul class="flex-1 px-2 py-2 space-y-0.5 text-sm">
                  {navigation.map((item) => (
                    <li>
                      <NavEntry item={item} area={area} />
                    </li>
                  ))}
                  {operator?.role === 'admin'
                    ? adminNavigation.map((item, index) => (
                        <li class={index === 0 ? 'mt-3 border-t border-slate-800 pt-3' : ''}>
                          <NavEntry item={item} area={area} />
                        </li>
                      ))
                    : ''}
                </ul>
                <Account {...props} />
              </details>
            </nav>
            <div class="min-w-0 flex-1">
              {operator ? <MaintenanceBanner view={maintenance} live={live?.page} /> : ''}
              {live ? (
                <div class="px-4 pt-2 sm:px-6">
                  <LiveIndicator />
                </div>
              ) : (
                ''
              )}
              <div id="alerts" aria-live="polite" class="px-4 pt-4 empty:hidden sm:px-6"></div>
              <main id="main" class="px-4 py-5 sm:px-6 lg:py-6">
                {children}
              </main>
              {/*
               * After the page's own content (its forms come first in the document). Signed in
               * only: the switch posts, and a post needs the session's CSRF token.
               */}
              {operator && theme ? (
                <footer class="px-4 pb-6 sm:px-6">
                  <ThemeSwitch theme={theme} csrfToken={csrfToken} />
                </footer>
              ) : (
                ''
              )}
            </div>
          </div>
        </body>
      </html>
    </>
  );
}
