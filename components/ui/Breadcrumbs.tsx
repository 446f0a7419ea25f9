import type { Url } from '../../src/html/url.js';

export interface Crumb {
  label: string;
  /** The last crumb (the current page) has none. */
  href?: Url | undefined;
}

/** Where this page sits: "Namespaces / orders-prod / Edit". */
export function Breadcrumbs({ crumbs }: { crumbs: readonly Crumb[] }): JSX.Element {
  return (
    <nav aria-label="Breadcrumb" class="mb-2 text-sm text-slate-600 dark:text-slate-300">
      <ol class="flex flex-wrap items-center gap-1.5">
        {crumbs.map((crumb, index) => (
          <li class="flex items-center gap-1.5">
            {index > 0 ? <span aria-hidden="true">/</span> : ''}
            {crumb.href ? (
              <a
                href={crumb.href}
                class="inline-flex min-h-6 items-center hover:text-slate-900 hover:underline dark:hover:text-white"
                safe
              >
                {crumb.label}
              </a>
            ) : (
              <span aria-current="page" class="text-slate-800 dark:text-slate-100" safe>
                {crumb.label}
              </span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
