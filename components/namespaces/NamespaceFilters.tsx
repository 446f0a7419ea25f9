import { routes } from '../../src/routes/table.js';
import { DEFAULT_PAGE_SIZE, type ListQuery, listFilters } from '../../src/views/namespaces/list.js';
import { statusOptions } from '../../src/views/namespaces/status.js';
import { buttonClass } from '../ui/buttons.js';
import type { HtmxAttributes } from '../ui/htmx.js';
import { FILTERS_ID, RESULTS_ID } from './NamespaceResults.js';

const PAGE_SIZES = [25, DEFAULT_PAGE_SIZE, 100, 200];

/** The search box: its requests (one per pause in typing) replace the URL instead of pushing it. */
export const SEARCH_ID = 'namespace-search';
/** Shown while any filter request is on its way, typing included. */
const LOADING_ID = 'namespace-loading';

const fieldClass =
  'block h-9 w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600';

/**
 * Search and status filter. A plain GET form (with a submit button) without JavaScript; with
 * htmx, typing (debounced) or changing the status refreshes only the results and the URL.
 */
export function NamespaceFilters({ query }: { query: ListQuery }): JSX.Element {
  const action = routes.namespaces.list.href();
  const htmx: HtmxAttributes = {
    'hx-get': action,
    'hx-target': `#${RESULTS_ID}`,
    'hx-swap': 'outerHTML',
    'hx-push-url': 'true',
    'hx-include': `#${FILTERS_ID}`,
    // A newer search replaces one still in flight, so the last keystroke wins.
    'hx-sync': `#${FILTERS_ID}:replace`,
    // The indicator sits beside the button: without this only a submit (the form's own
    // request) would show it, not the search box's or a select's.
    'hx-indicator': `#${LOADING_ID}`,
  };
  return (
    <search aria-label="Filter namespaces">
      <form
        id={FILTERS_ID}
        method="get"
        action={action}
        class="mb-4 flex flex-wrap items-end gap-3"
        {...htmx}
      >
        <div class="min-w-64 flex-1">
          <label for={SEARCH_ID} class="block text-sm font-medium text-slate-900">
            Search
          </label>
          <input
            type="search"
            id={SEARCH_ID}
            name={listFilters.names.q}
            value={query.q}
            placeholder="Name or description"
            autocomplete="off"
            maxlength={200}
            class={['mt-1.5', fieldClass]}
            {...htmx}
            hx-trigger="input changed delay:300ms, search"
          />
        </div>
        <div class="w-48">
          <label for="namespace-status" class="block text-sm font-medium text-slate-900">
            Status
          </label>
          <select
            id="namespace-status"
            name={listFilters.names.status}
            class={['mt-1.5', fieldClass]}
            {...htmx}
            hx-trigger="change"
          >
            <option value="" selected={query.status === undefined}>
              All statuses
            </option>
            {statusOptions.map((option) => (
              <option value={option.value} selected={option.value === query.status} safe>
                {option.label}
              </option>
            ))}
          </select>
        </div>
        <div class="w-28">
          <label for="namespace-size" class="block text-sm font-medium text-slate-900">
            Per page
          </label>
          <select
            id="namespace-size"
            name={listFilters.names.size}
            class={['mt-1.5', fieldClass]}
            {...htmx}
            hx-trigger="change"
          >
            {[...new Set([...PAGE_SIZES, query.size])]
              .sort((a, b) => a - b)
              .map((size) => (
                <option value={String(size)} selected={size === query.size} safe>
                  {String(size)}
                </option>
              ))}
          </select>
        </div>
        <div class="flex items-center gap-3">
          <button type="submit" class={buttonClass.secondary}>
            Search
          </button>
          <span
            id={LOADING_ID}
            class="htmx-indicator text-sm text-slate-500"
            aria-hidden="true"
            data-testid="namespace-loading"
          >
            Loading…
          </span>
        </div>
      </form>
    </search>
  );
}
