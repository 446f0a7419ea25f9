import { routes } from '../../src/routes/table.js';
import {
  IDLE_CHOICES,
  type IdleChoice,
  type SessionListQuery,
  sessionFilters,
} from '../../src/views/client-sessions/query.js';
import { sessionStatusOptions } from '../../src/views/client-sessions/status.js';
import {
  FilterForm,
  type FilterIds,
  FilterSubmit,
  filterFields,
  PageSizeFilter,
  SelectFilter,
  TextFilter,
} from '../ui/ListFilters.js';

export const SESSION_RESULTS_ID = 'session-results';
export const SESSION_FILTERS_ID = 'session-filters';
/** The text fields: a request made while typing replaces the history entry instead of adding one. */
export const TYPED_FILTER_IDS: readonly string[] = ['session-q', 'session-namespace'];

const idleOptions = (Object.keys(IDLE_CHOICES) as IdleChoice[]).map((key) => ({
  value: key,
  label: IDLE_CHOICES[key].label,
}));

/**
 * Search and filters: a plain GET form without JavaScript; with htmx, typing (debounced) or
 * changing a select refreshes only the results and replaces the URL.
 */
export function SessionFilters({ query }: { query: SessionListQuery }): JSX.Element {
  const ids: FilterIds = {
    action: routes.sessions.list.href(),
    results: SESSION_RESULTS_ID,
    form: SESSION_FILTERS_ID,
    loading: `${SESSION_FILTERS_ID}-loading`,
  };
  const field = filterFields(ids, sessionFilters);
  return (
    <FilterForm label="Filter client sessions" ids={ids}>
      <TextFilter
        {...field('q')}
        id="session-q"
        width="min-w-56 flex-1"
        value={query.q}
        placeholder="orders-api-… or 10.16.…"
        maxlength={200}
      />
      <TextFilter
        {...field('namespace')}
        id="session-namespace"
        width="w-44"
        type="text"
        value={query.namespace}
        placeholder="Any"
        maxlength={63}
        spellcheck={false}
        trigger="input changed delay:500ms"
      />
      <SelectFilter
        {...field('status')}
        id="session-status"
        width="w-36"
        all="All statuses"
        options={sessionStatusOptions}
        value={query.status ?? ''}
      />
      <SelectFilter
        {...field('idle')}
        id="session-idle"
        width="w-40"
        all="Any time"
        options={idleOptions}
        value={query.idle ?? ''}
      />
      <PageSizeFilter
        {...field('size')}
        id="session-size"
        width="w-24"
        size={query.size}
        // The default is sent empty, so it stays out of the address.
        emptyAtDefault
      />
      <FilterSubmit ids={ids} label="Search" />
    </FilterForm>
  );
}
