import type { Children } from '@kitajs/html';
import { anchorHref } from '../../src/html/url.js';
import type { Operator } from '../../src/plugins/operator.js';
import type { Assets } from '../../src/plugins/static.js';
import {
  type Area,
  adminNavigation,
  type NavItem,
  navigation,
} from '../../src/routes/navigation.js';
import { routes } from '../../src/routes/table.js';
import { CsrfField } from '../ui/FormField.js';

export interface LayoutProps {
  title: string;
  area: Area | undefined;
  assets: Assets;
  operator: Operator | null;
  /** Sent back by htmx on every request and by the sign-out form; undefined when signed out. */
  csrfToken: string | undefined;
  children?: Children;
}

/*
 * htmx settings: no eval (strict CSP later), requests only to this origin, no inline indicator
 * styles, and error answers are swapped too — the console sends a readable fragment for them
 * (retargeted to #alerts), so the operator sees why instead of nothing.
 */
const htmxConfig = JSON.stringify({
  allowEval: false,
  allowScriptTags: false,
  selfRequestsOnly: true,
  includeIndicatorStyles: false,
  // Pages hold cluster data: keep them out of localStorage, and reload on a history miss.
  historyCacheSize: 0,
  refreshOnHistoryMiss: true,
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    // A form sent back with its messages (invalid, or changed meanwhile) is an answer, not a fault.
    { code: '422', swap: true },
    { code: '409', swap: true },
    { code: '[45]..', swap: true, error: true },
  ],
});

/** One area in the navigation: a link, or a muted entry for an area not built yet. */
function NavEntry({ item, area }: { item: NavItem; area: Area | undefined }): JSX.Element {
  return item.available ? (
    <a
      href={item.href}
      aria-current={item.area === area ? 'page' : undefined}
      class={[
        'block rounded px-3 py-2 hover:bg-slate-800',
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
      class="flex items-center justify-between rounded px-3 py-2 text-slate-500 cursor-not-allowed"
    >
      <span safe>{item.label}</span>
      <span class="text-[10px] uppercase tracking-wide">soon</span>
    </span>
  );
}

export function Layout({
  title,
  area,
  assets,
  operator,
  csrfToken,
  children,
}: LayoutProps): JSX.Element {
  return (
    <>
      {'<!doctype html>'}
      <html lang="en" class="h-full bg-slate-50">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content={htmxConfig} />
          <title safe>{`${title} · Prism Console`}</title>
          <link rel="icon" href={assets.favicon} type="image/svg+xml" />
          <link rel="stylesheet" href={assets.css} />
          <script src={assets.htmx} defer></script>
        </head>
        <body
          class="h-full text-slate-900 antialiased"
          hx-headers={csrfToken ? JSON.stringify({ 'X-CSRF-Token': csrfToken }) : undefined}
        >
          <a
            href={anchorHref('main')}
            class="sr-only focus:not-sr-only focus:absolute focus:p-2 focus:bg-white"
          >
            Skip to content
          </a>
          <div class="flex min-h-full">
            <nav
              aria-label="Console"
              class="w-60 shrink-0 bg-slate-900 text-slate-200 flex flex-col"
            >
              <a
                href={routes.dashboard.href()}
                class="flex items-center gap-2 px-5 py-4 text-white"
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
              <div class="px-5 py-4 text-xs text-slate-400 border-t border-slate-800">
                {operator ? (
                  <div class="space-y-2" data-testid="operator">
                    <p>
                      <span class="block text-slate-200" safe>
                        {operator.name}
                      </span>
                      <span safe>{`${operator.username} · ${operator.role}`}</span>
                    </p>
                    <form method="post" action={routes.auth.signOut.href()}>
                      <CsrfField token={csrfToken} />
                      <button type="submit" class="text-slate-300 underline hover:text-white">
                        Sign out
                      </button>
                    </form>
                  </div>
                ) : (
                  <a href={routes.auth.signIn.href()} class="underline hover:text-white">
                    Sign in
                  </a>
                )}
              </div>
            </nav>
            <div class="flex-1 min-w-0">
              <div id="alerts" aria-live="polite" class="px-8 pt-4 empty:hidden"></div>
              <main id="main" class="px-8 py-6">
                {children}
              </main>
            </div>
          </div>
        </body>
      </html>
    </>
  );
}
