import type { Url } from '../../src/html/url.js';

export interface Crumb {
  label: string;
  /** The last crumb (the current page) has none. */
  href?: Url | undefined;
}

/** Where this page sits: "Namespaces / orders-prod / Edit". */
export function Breadcrumbs({ crumbs }: { crumbs: readonly Crumb[] }): JSX.Element {
  return (
    <nav aria-label="Breadcrumb" class="mb-2 text-sm text-slate-500">
      <ol class="flex flex-wrap items-center gap-1.5">
        {crumbs.map((crumb, index) => (
          <li class="flex items-center gap-1.5">
            {index > 0 ? <span aria-hidden="true">/</span> : ''}
            {crumb.href ? (
              <a href={crumb.href} class="hover:text-slate-800 hover:underline" safe>
                {crumb.label}
              </a>
            ) : (
              <span aria-current="page" class="text-slate-700" safe>
                {crumb.label}
              </span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
