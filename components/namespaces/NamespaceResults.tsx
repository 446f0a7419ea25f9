import { routes } from '../../src/routes/table.js';
import {
  listFilters,
  type NamespaceListView,
  type NamespaceRow,
  sortParam,
} from '../../src/views/namespaces/list.js';
import type { Permissions } from '../../src/views/permissions.js';
import { buttonClass } from '../ui/buttons.js';
import { takeFocus } from '../ui/focus.js';
import type { HxAttributes } from '../ui/htmx.js';
import { Pagination } from '../ui/Pagination.js';
import {
  ColumnHeader,
  hiddenBelow,
  ListProblems,
  ListTotal,
  SortableColumnHeader,
  Truncate,
} from '../ui/Table.js';
import { GuardedLink } from './NamespaceActions.js';
import { StatusBadge } from './StatusBadge.js';

export const RESULTS_ID = 'namespace-results';
export const FILTERS_ID = 'namespace-filters';

/** Links inside the results swap only the results, and put their URL in the address bar. */
export const resultsLink: HxAttributes = {
  'hx-target': `#${RESULTS_ID}`,
  'hx-swap': 'outerHTML',
  'hx-push-url': 'true',
};

/** A quota's cell: over quota in red and bold, with the words in the row's badge. */
function usageClass(over: boolean): string[] {
  return [
    'whitespace-nowrap px-2 py-2.5 text-right tabular-nums',
    over ? 'font-semibold text-red-700' : '',
  ];
}

/*
 * Cells are padded px-2 (not the usual px-3): eight columns must fit the 1,024 px a 1280 px
 * laptop leaves beside the navigation.
 */

/** One namespace; a row over any quota is tinted and says which quota, as the detail page does. */
function NamespaceRowView({ row }: { row: NamespaceRow }): JSX.Element {
  const over = row.overQuota.length > 0;
  return (
    <tr
      data-testid="namespace-row"
      data-name={row.name}
      data-over-quota={over ? row.overQuota.join(',') : undefined}
      class={
        over
          ? 'bg-red-50 hover:bg-red-100 dark:bg-red-950/40 dark:hover:bg-red-950/60'
          : 'hover:bg-slate-50'
      }
    >
      <td class="px-2 py-2.5 font-medium">
        <a href={row.href} class="block text-indigo-700 hover:underline">
          <Truncate text={row.name} width="sm" />
        </a>
      </td>
      <td class={['px-2 py-2.5 text-slate-600', hiddenBelow.lg]}>
        <Truncate text={row.description} width="xs" />
      </td>
      <td class="px-2 py-2.5">
        <StatusBadge status={row.status} />
        {over ? (
          // Words, not only the row's tint: which quota, as on the detail page. It may wrap,
          // so the column stays as narrow as the status badge.
          <span
            class="mt-1 block text-xs font-semibold text-red-700 dark:text-red-300"
            data-testid="over-quota"
            safe
          >
            {`over quota: ${row.overQuota.join(', ')}`}
          </span>
        ) : (
          ''
        )}
      </td>
      <td class={usageClass(row.overQuota.includes('sessions'))} safe>
        {row.sessions}
      </td>
      <td class={usageClass(row.overQuota.includes('storage'))} safe>
        {row.storage}
      </td>
      <td class={usageClass(row.overQuota.includes('requests/s'))} safe>
        {row.rps}
      </td>
      <td class={['px-2 py-2.5 text-slate-600', hiddenBelow.xl]}>
        <Truncate text={row.assignedProxy || '—'} width="xs" />
      </td>
      <td class="whitespace-nowrap px-2 py-2.5 text-slate-600">
        <time title={row.createdExact} safe>
          {row.created}
        </time>
      </td>
    </tr>
  );
}

function EmptyState({ view, can }: NamespaceResultsProps): JSX.Element {
  const filtered = view.query.q !== '' || view.query.status !== undefined;
  return (
    <div
      data-testid="namespaces-empty"
      class="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center"
    >
      {filtered ? (
        <>
          <p class="font-medium text-slate-900">No namespaces match these filters.</p>
          {view.query.q ? (
            <p class="mt-1 text-sm text-slate-600" safe>
              {`Nothing has “${view.query.q}” in its name or description.`}
            </p>
          ) : (
            ''
          )}
          <p class="mt-4">
            <a href={routes.namespaces.list.href()} class={buttonClass.secondary}>
              Clear the filters
            </a>
          </p>
        </>
      ) : (
        <>
          <p class="font-medium text-slate-900">There are no namespaces yet.</p>
          <p class="mt-4">
            <GuardedLink
              href={routes.namespaces.create.href()}
              label="Create a namespace"
              permission={can.createNamespace}
              look="primary"
              testId="create-first-namespace"
            />
          </p>
        </>
      )}
    </div>
  );
}

export interface NamespaceResultsProps {
  view: NamespaceListView;
  /** What the operator's role allows (creating the first namespace, when there are none). */
  can: Permissions;
  /** Answering a sort or page link's htmx request: the new region takes focus (the link is gone). */
  focus?: boolean;
}

/**
 * The results region: count, table and page links. The full page includes it, and an htmx
 * search, sort or page request gets it alone.
 */
export function NamespaceResults({ view, can, focus }: NamespaceResultsProps): JSX.Element {
  const { query, headers } = view;
  const nonDefaultSort = sortParam(query.sort) !== 'name';
  return (
    <section
      id={RESULTS_ID}
      aria-label="Namespace list"
      class="space-y-3"
      {...(focus ? takeFocus : {})}
    >
      {/*
       * The current order belongs to the filter form (form="..."), but lives here so it is
       * replaced together with the table: a search then keeps the order just chosen.
       */}
      {nonDefaultSort ? (
        <input
          type="hidden"
          name={listFilters.names.sort}
          value={sortParam(query.sort)}
          form={FILTERS_ID}
        />
      ) : (
        ''
      )}
      {view.problems.length > 0 ? (
        <ListProblems
          problems={view.problems}
          resetHref={routes.namespaces.list.href()}
          resetLabel="Show all namespaces"
        />
      ) : view.rows.length === 0 ? (
        <EmptyState view={view} can={can} />
      ) : (
        <>
          <ListTotal
            testId="namespace-total"
            total={view.total}
            shown={view.rows.length}
            paged={Boolean(view.previousHref || view.nextHref)}
            noun={['namespace', 'namespaces']}
            filtered={Boolean(query.q || query.status)}
          />
          <div class="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
            <table class="min-w-full divide-y divide-slate-200 text-sm">
              <caption class="sr-only">Namespaces</caption>
              <thead class="bg-slate-50">
                <tr>
                  <SortableColumnHeader dense link={resultsLink} header={headers.name} />
                  <ColumnHeader label="Description" hideBelow="lg" />
                  <SortableColumnHeader dense link={resultsLink} header={headers.status} />
                  <SortableColumnHeader dense link={resultsLink} header={headers.sessions} end />
                  <SortableColumnHeader dense link={resultsLink} header={headers.storage} end />
                  <SortableColumnHeader dense link={resultsLink} header={headers.rps} end />
                  <ColumnHeader label="Proxy" hideBelow="xl" />
                  <SortableColumnHeader dense link={resultsLink} header={headers.created} />
                </tr>
              </thead>
              <tbody class="divide-y divide-slate-100">
                {view.rows.map((row) => (
                  <NamespaceRowView row={row} />
                ))}
              </tbody>
            </table>
          </div>
          <Pagination
            label="Namespace pages"
            previousHref={view.previousHref}
            nextHref={view.nextHref}
            htmx={resultsLink}
          />
        </>
      )}
    </section>
  );
}
