import { describe, expect, it } from 'vitest';
import {
  FilterForm,
  type FilterIds,
  filterFields,
  PageSizeFilter,
  SelectFilter,
} from '../../../components/ui/ListFilters.js';
import {
  ListEmpty,
  ListResults,
  ListTable,
  type ResultsView,
} from '../../../components/ui/ListResults.js';
import { defineForm } from '../../../src/forms/contract.js';
import { routes } from '../../../src/routes/table.js';
import { parseHtml, textOf } from '../../dom.js';

/* The list kit the namespace, client configuration and client session lists are built from. */

const render = async (element: JSX.Element) => parseHtml(`<body>${await element}</body>`);

const filters = defineForm({ labels: { q: 'Search', size: 'Per page' }, hidden: ['sort'] });
const ids: FilterIds = {
  action: routes.namespaces.list.href(),
  results: 'thing-results',
  form: 'thing-filters',
  loading: 'thing-loading',
};

function results(view: Partial<ResultsView>): Promise<Document> {
  const full: ResultsView = {
    rows: [],
    total: 0,
    keptSort: undefined,
    previousHref: undefined,
    nextHref: undefined,
    problems: [],
    ...view,
  };
  return render(
    <ListResults
      id="thing-results"
      label="Thing list"
      view={full}
      sortField={{ name: filters.names.sort, form: ids.form }}
      reset={{ href: routes.namespaces.list.href(), label: 'Show all things' }}
      total={{ testId: 'thing-total', noun: ['thing', 'things'], filtered: false }}
      empty={() => <ListEmpty testId="things-empty" message="There are no things <yet>." />}
    >
      <ListTable caption="Things" head={<th>Name</th>}>
        <tr>
          <td>one</td>
        </tr>
      </ListTable>
    </ListResults>,
  );
}

describe('ListResults', () => {
  it('shows the total and the table, and keeps a chosen order for the filter form', async () => {
    const doc = await results({ rows: [{}], total: 1, keptSort: '-created' });
    expect(textOf(doc.querySelector('[data-testid="thing-total"]'))).toBe('1 thing in the cluster');
    expect(textOf(doc.querySelector('caption'))).toBe('Things');
    const sort = doc.querySelector('input[type="hidden"]');
    expect(sort?.getAttribute('name')).toBe('sort');
    expect(sort?.getAttribute('value')).toBe('-created');
    expect(sort?.getAttribute('form')).toBe('thing-filters');
  });

  it('says why a refused query shows nothing, with the way back', async () => {
    const doc = await results({ problems: ['Unknown sort order.'] });
    expect(textOf(doc.querySelector('[data-testid="list-problems"]'))).toContain(
      'Unknown sort order.',
    );
    expect(doc.querySelector('table')).toBeNull();
    expect(doc.querySelector('input[type="hidden"]')).toBeNull();
  });

  it('shows the empty state, escaped, when there are no rows', async () => {
    const doc = await results({});
    expect(textOf(doc.querySelector('[data-testid="things-empty"]'))).toBe(
      'There are no things <yet>.',
    );
    expect(doc.querySelector('table')).toBeNull();
  });
});

describe('ListFilters', () => {
  it('names and labels the controls from the form contract', async () => {
    const field = filterFields(ids, filters);
    const doc = await render(
      <FilterForm label="Filter things" ids={ids}>
        <SelectFilter
          {...field('q')}
          id="thing-q"
          width="w-40"
          all="All <things>"
          options={[{ value: 'a', label: 'A' }]}
          value="a"
        />
        <PageSizeFilter {...field('size')} id="thing-size" width="w-24" size={300} emptyAtDefault />
      </FilterForm>,
    );
    expect(doc.querySelector('form')?.getAttribute('hx-sync')).toBe('#thing-filters:queue last');
    expect(textOf(doc.querySelector('label[for="thing-q"]'))).toBe('Search');
    const select = doc.querySelector('#thing-q');
    expect(select?.getAttribute('name')).toBe('q');
    expect(textOf(select?.querySelector('option[value=""]'))).toBe('All <things>');
    expect(select?.querySelector('option[selected]')?.getAttribute('value')).toBe('a');
    const sizes = [...doc.querySelectorAll('#thing-size option')].map((o) => [
      o.getAttribute('value'),
      o.hasAttribute('selected'),
    ]);
    expect(sizes).toEqual([
      ['25', false],
      ['', false],
      ['100', false],
      ['200', false],
      ['300', true],
    ]);
  });
});
