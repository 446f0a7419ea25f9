import { routes } from '../../src/routes/table.js';
import { backendOptions, type Choices } from '../../src/views/client-configurations/choices.js';
import {
  DEFAULT_PAGE_SIZE,
  type ListQuery,
  listFilters,
} from '../../src/views/client-configurations/list.js';
import { patternChoices } from '../../src/views/client-configurations/pattern.js';
import { buttonClass } from '../ui/buttons.js';
import type { HtmxAttributes } from '../ui/htmx.js';
import { FILTERS_ID, RESULTS_ID } from './ConfigurationResults.js';

const PAGE_SIZES = [25, DEFAULT_PAGE_SIZE, 100, 200];

/** The search box: its requests (one per pause in typing) replace the URL instead of pushing it. */
export const SEARCH_ID = 'configuration-search';
/** The namespace box types like the search box. */
export const NAMESPACE_FILTER_ID = 'configuration-namespace';
const LOADING_ID = 'configuration-loading';

const fieldClass =
  'mt-1.5 block h-9 w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600';
const labelClass = 'block text-sm font-medium text-slate-900';

/**
 * Search, namespace, pattern and backend. A plain GET form without JavaScript; with htmx,
 * typing (debounced) or choosing refreshes only the results and the URL. The pattern and
 * backend selects offer what the control plane lists; when it could not list them, a text box.
 */
export function ConfigurationFilters({
  query,
  choices,
}: {
  query: ListQuery;
  choices: Choices;
}): JSX.Element {
  const action = routes.clientConfigurations.list.href();
  const htmx: HtmxAttributes = {
    'hx-get': action,
    'hx-target': `#${RESULTS_ID}`,
    'hx-swap': 'outerHTML',
    'hx-push-url': 'true',
    'hx-include': `#${FILTERS_ID}`,
    'hx-sync': `#${FILTERS_ID}:replace`,
    'hx-indicator': `#${LOADING_ID}`,
  };
  const typing = 'input changed delay:300ms, search';
  const why = [
    choices.patterns.ok ? '' : choices.patterns.why,
    choices.backends.ok ? '' : choices.backends.why,
  ].filter(Boolean);
  return (
    <search aria-label="Filter client configurations">
      <form
        id={FILTERS_ID}
        method="get"
        action={action}
        class="mb-4 flex flex-wrap items-end gap-3"
        {...htmx}
      >
        <div class="min-w-56 flex-1">
          <label for={SEARCH_ID} class={labelClass}>
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
            class={fieldClass}
            {...htmx}
            hx-trigger={typing}
          />
        </div>
        <div class="w-44">
          <label for={NAMESPACE_FILTER_ID} class={labelClass}>
            Namespace
          </label>
          <input
            type="search"
            id={NAMESPACE_FILTER_ID}
            name={listFilters.names.namespace}
            value={query.namespace}
            placeholder="Any"
            autocomplete="off"
            maxlength={63}
            spellcheck="false"
            class={fieldClass}
            {...htmx}
            hx-trigger={typing}
          />
        </div>
        <div class="w-44">
          <label for="configuration-pattern" class={labelClass}>
            Pattern
          </label>
          {choices.patterns.ok ? (
            <select
              id="configuration-pattern"
              name={listFilters.names.pattern}
              class={fieldClass}
              {...htmx}
              hx-trigger="change"
            >
              <option value="" selected={query.pattern === undefined}>
                All patterns
              </option>
              {patternChoices(choices.patterns.items, query.pattern ?? '').map((choice) => (
                <option value={choice.value} selected={choice.value === query.pattern} safe>
                  {choice.label}
                </option>
              ))}
            </select>
          ) : (
            <input
              type="text"
              id="configuration-pattern"
              name={listFilters.names.pattern}
              value={query.pattern ?? ''}
              placeholder="keyvalue, queue…"
              autocomplete="off"
              class={fieldClass}
            />
          )}
        </div>
        <div class="w-52">
          <label for="configuration-backend" class={labelClass}>
            Backend
          </label>
          {choices.backends.ok ? (
            <select
              id="configuration-backend"
              name={listFilters.names.backend}
              class={fieldClass}
              {...htmx}
              hx-trigger="change"
            >
              <option value="" selected={query.backend === ''}>
                All backends
              </option>
              {backendOptions(choices.backends.items, query.backend).map((option) => (
                <option value={option.value} selected={option.value === query.backend} safe>
                  {option.label}
                </option>
              ))}
            </select>
          ) : (
            <input
              type="text"
              id="configuration-backend"
              name={listFilters.names.backend}
              value={query.backend}
              autocomplete="off"
              class={fieldClass}
            />
          )}
        </div>
        <div class="w-24">
          <label for="configuration-size" class={labelClass}>
            Per page
          </label>
          <select
            id="configuration-size"
            name={listFilters.names.size}
            class={fieldClass}
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
            Filter
          </button>
          <span
            id={LOADING_ID}
            class="htmx-indicator text-sm text-slate-500"
            aria-hidden="true"
            data-testid="configuration-loading"
          >
            Loading…
          </span>
        </div>
        {why.length > 0 ? (
          <p class="w-full text-xs text-slate-600" data-testid="choices-unavailable" safe>
            {why.join(' ')}
          </p>
        ) : (
          ''
        )}
      </form>
    </search>
  );
}
