import { routes } from '../../src/routes/table.js';
import { backendOptions, type Choices } from '../../src/views/client-configurations/choices.js';
import { type ListQuery, listFilters } from '../../src/views/client-configurations/list.js';
import { patternChoices } from '../../src/views/client-configurations/pattern.js';
import {
  FilterBox,
  FilterForm,
  type FilterIds,
  FilterSubmit,
  filterFieldClass,
  filterFields,
  PageSizeFilter,
  SelectFilter,
  TextFilter,
} from '../ui/ListFilters.js';
import { FILTERS_ID, RESULTS_ID } from './ConfigurationResults.js';

/** The search box: its requests (one per pause in typing) replace the URL instead of pushing it. */
export const SEARCH_ID = 'configuration-search';
/** The namespace box types like the search box. */
export const NAMESPACE_FILTER_ID = 'configuration-namespace';
const PATTERN_ID = 'configuration-pattern';
const BACKEND_ID = 'configuration-backend';

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
  const ids: FilterIds = {
    action: routes.clientConfigurations.list.href(),
    results: RESULTS_ID,
    form: FILTERS_ID,
    loading: 'configuration-loading',
  };
  const field = filterFields(ids, listFilters);
  const { names, labels } = listFilters;
  const why = [
    choices.patterns.ok ? '' : choices.patterns.why,
    choices.backends.ok ? '' : choices.backends.why,
  ].filter(Boolean);
  return (
    <FilterForm label="Filter client configurations" ids={ids}>
      <TextFilter
        {...field('q')}
        id={SEARCH_ID}
        width="min-w-56 flex-1"
        value={query.q}
        placeholder="Name or description"
        maxlength={200}
      />
      <TextFilter
        {...field('namespace')}
        id={NAMESPACE_FILTER_ID}
        width="w-44"
        value={query.namespace}
        placeholder="Any"
        maxlength={63}
        spellcheck={false}
      />
      {choices.patterns.ok ? (
        <SelectFilter
          {...field('pattern')}
          id={PATTERN_ID}
          width="w-44"
          all="All patterns"
          options={patternChoices(choices.patterns.items, query.pattern ?? '')}
          value={query.pattern ?? ''}
        />
      ) : (
        <FilterBox id={PATTERN_ID} label={labels.pattern} width="w-44">
          <input
            type="text"
            id={PATTERN_ID}
            name={names.pattern}
            value={query.pattern ?? ''}
            placeholder="keyvalue, queue…"
            autocomplete="off"
            class={filterFieldClass}
          />
        </FilterBox>
      )}
      {choices.backends.ok ? (
        <SelectFilter
          {...field('backend')}
          id={BACKEND_ID}
          width="w-52"
          all="All backends"
          options={backendOptions(choices.backends.items, query.backend)}
          value={query.backend}
        />
      ) : (
        <FilterBox id={BACKEND_ID} label={labels.backend} width="w-52">
          <input
            type="text"
            id={BACKEND_ID}
            name={names.backend}
            value={query.backend}
            autocomplete="off"
            class={filterFieldClass}
          />
        </FilterBox>
      )}
      <PageSizeFilter {...field('size')} id="configuration-size" width="w-24" size={query.size} />
      <FilterSubmit ids={ids} label="Filter" testId="configuration-loading" />
      {why.length > 0 ? (
        <p class="w-full text-xs text-slate-600" data-testid="choices-unavailable" safe>
          {why.join(' ')}
        </p>
      ) : (
        ''
      )}
    </FilterForm>
  );
}
