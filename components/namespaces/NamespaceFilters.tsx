import { routes } from '../../src/routes/table.js';
import { type ListQuery, listFilters } from '../../src/views/namespaces/list.js';
import { statusOptions } from '../../src/views/namespaces/status.js';
import {
  FilterForm,
  type FilterIds,
  FilterSubmit,
  filterFields,
  PageSizeFilter,
  SelectFilter,
  TextFilter,
} from '../ui/ListFilters.js';
import { FILTERS_ID, RESULTS_ID } from './NamespaceResults.js';

/** The search box: its requests (one per pause in typing) replace the URL instead of pushing it. */
export const SEARCH_ID = 'namespace-search';

/**
 * Search and status filter. A plain GET form (with a submit button) without JavaScript; with
 * htmx, typing (debounced) or changing the status refreshes only the results and the URL.
 */
export function NamespaceFilters({ query }: { query: ListQuery }): JSX.Element {
  const ids: FilterIds = {
    action: routes.namespaces.list.href(),
    results: RESULTS_ID,
    form: FILTERS_ID,
    // Shown while any filter request is on its way, typing included.
    loading: 'namespace-loading',
  };
  const field = filterFields(ids, listFilters);
  return (
    <FilterForm label="Filter namespaces" ids={ids}>
      <TextFilter
        {...field('q')}
        id={SEARCH_ID}
        width="min-w-64 flex-1"
        value={query.q}
        placeholder="Name or description"
        maxlength={200}
      />
      <SelectFilter
        {...field('status')}
        id="namespace-status"
        width="w-48"
        all="All statuses"
        options={statusOptions}
        value={query.status ?? ''}
      />
      <PageSizeFilter {...field('size')} id="namespace-size" width="w-28" size={query.size} />
      <FilterSubmit ids={ids} label="Search" testId="namespace-loading" />
    </FilterForm>
  );
}
