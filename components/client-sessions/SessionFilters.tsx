import { routes } from '../../src/routes/table.js';
import {
  DEFAULT_PAGE_SIZE,
  IDLE_CHOICES,
  type IdleChoice,
  type SessionListQuery,
  sessionFilters,
} from '../../src/views/client-sessions/query.js';
import { sessionStatusOptions } from '../../src/views/client-sessions/status.js';
import { buttonClass } from '../ui/buttons.js';
import type { HtmxAttributes } from '../ui/htmx.js';

export const SESSION_RESULTS_ID = 'session-results';
export const SESSION_FILTERS_ID = 'session-filters';
/** The text fields: a request made while typing replaces the history entry instead of adding one. */
export const TYPED_FILTER_IDS: readonly string[] = ['session-q', 'session-namespace'];

const PAGE_SIZES = [25, DEFAULT_PAGE_SIZE, 100, 200];

const fieldClass =
  'mt-1.5 block h-9 w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600';
const labelClass = 'block text-sm font-medium text-slate-900';

/**
 * Search and filters: a plain GET form without JavaScript; with htmx, typing (debounced) or
 * changing a select refreshes only the results and replaces the URL.
 */
export function SessionFilters({ query }: { query: SessionListQuery }): JSX.Element {
  const action = routes.sessions.list.href();
  const names = sessionFilters.names;
  const htmx: HtmxAttributes = {
    'hx-get': action,
    'hx-target': `#${SESSION_RESULTS_ID}`,
    'hx-swap': 'outerHTML',
    'hx-push-url': 'true',
    'hx-include': `#${SESSION_FILTERS_ID}`,
    'hx-sync': `#${SESSION_FILTERS_ID}:replace`,
    'hx-indicator': `#${SESSION_FILTERS_ID}-loading`,
  };
  const idleKeys = Object.keys(IDLE_CHOICES) as IdleChoice[];
  return (
    <search aria-label="Filter client sessions">
      <form
        id={SESSION_FILTERS_ID}
        method="get"
        action={action}
        class="mb-4 flex flex-wrap items-end gap-3"
        {...htmx}
      >
        <div class="min-w-56 flex-1">
          <label for="session-q" class={labelClass} safe>
            {sessionFilters.labels.q}
          </label>
          <input
            type="search"
            id="session-q"
            name={names.q}
            value={query.q}
            placeholder="orders-api-… or 10.16.…"
            autocomplete="off"
            maxlength={200}
            class={fieldClass}
            {...htmx}
            hx-trigger="input changed delay:300ms, search"
          />
        </div>
        <div class="w-44">
          <label for="session-namespace" class={labelClass} safe>
            {sessionFilters.labels.namespace}
          </label>
          <input
            type="text"
            id="session-namespace"
            name={names.namespace}
            value={query.namespace}
            placeholder="Any"
            autocomplete="off"
            spellcheck="false"
            maxlength={63}
            class={fieldClass}
            {...htmx}
            hx-trigger="input changed delay:500ms"
          />
        </div>
        <div class="w-36">
          <label for="session-status" class={labelClass} safe>
            {sessionFilters.labels.status}
          </label>
          <select
            id="session-status"
            name={names.status}
            class={fieldClass}
            {...htmx}
            hx-trigger="change"
          >
            <option value="" selected={query.status === undefined}>
              All statuses
            </option>
            {sessionStatusOptions.map((option) => (
              <option value={option.value} selected={option.value === query.status} safe>
                {option.label}
              </option>
            ))}
          </select>
        </div>
        <div class="w-40">
          <label for="session-idle" class={labelClass} safe>
            {sessionFilters.labels.idle}
          </label>
          <select
            id="session-idle"
            name={names.idle}
            class={fieldClass}
            {...htmx}
            hx-trigger="change"
          >
            <option value="" selected={query.idle === undefined}>
              Any time
            </option>
            {idleKeys.map((key) => (
              <option value={key} selected={key === query.idle}>
                {IDLE_CHOICES[key].label}
              </option>
            ))}
          </select>
        </div>
        <div class="w-24">
          <label for="session-size" class={labelClass} safe>
            {sessionFilters.labels.size}
          </label>
          <select
            id="session-size"
            name={names.size}
            class={fieldClass}
            {...htmx}
            hx-trigger="change"
          >
            {[...new Set([...PAGE_SIZES, query.size])]
              .sort((a, b) => a - b)
              .map((size) => (
                // The default is sent empty, so it stays out of the address.
                <option
                  value={size === DEFAULT_PAGE_SIZE ? '' : String(size)}
                  selected={size === query.size}
                  safe
                >
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
            id={`${SESSION_FILTERS_ID}-loading`}
            class="htmx-indicator text-sm text-slate-500"
            aria-hidden="true"
          >
            Loading…
          </span>
        </div>
      </form>
    </search>
  );
}
