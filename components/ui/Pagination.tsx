import type { Url } from '../../src/html/url.js';
import type { HxAttributes } from './htmx.js';

export interface PaginationProps {
  /** Undefined on the first page. */
  previousHref: Url | undefined;
  /** Undefined on the last page. */
  nextHref: Url | undefined;
  /** What the pages are of, for the landmark's name ("Namespace pages"). */
  label: string;
  /** When given, each link also fetches its href with htmx (`hx-get`) using these attributes; plain links work without JavaScript. */
  htmx?: HxAttributes;
}

const linkClass =
  'inline-flex min-h-9 items-center rounded-md bg-white px-3 py-1.5 text-sm font-medium text-slate-700 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50 pointer-coarse:min-h-11 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-600 dark:hover:bg-slate-700';
const disabledClass =
  'inline-flex min-h-9 items-center rounded-md px-3 py-1.5 text-sm font-medium text-slate-500 ring-1 ring-inset ring-slate-200 cursor-not-allowed pointer-coarse:min-h-11 dark:text-slate-400 dark:ring-slate-700';

function boost(href: Url, htmx: HxAttributes | undefined) {
  return htmx ? { 'hx-get': href, ...htmx } : {};
}

/** Previous / next links for token-paged lists (there are no page numbers to jump to). */
export function Pagination({ previousHref, nextHref, label, htmx }: PaginationProps): JSX.Element {
  if (!previousHref && !nextHref) return '';
  return (
    <nav aria-label={label} class="flex items-center justify-end gap-2" data-testid="pagination">
      {previousHref ? (
        <a href={previousHref} rel="prev" class={linkClass} {...boost(previousHref, htmx)}>
          ← Previous
        </a>
      ) : (
        <span aria-disabled="true" class={disabledClass}>
          ← Previous
        </span>
      )}
      {nextHref ? (
        <a href={nextHref} rel="next" class={linkClass} {...boost(nextHref, htmx)}>
          Next →
        </a>
      ) : (
        <span aria-disabled="true" class={disabledClass}>
          Next →
        </span>
      )}
    </nav>
  );
}
