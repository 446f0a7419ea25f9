import { routes } from '../../src/routes/table.js';
import { formatNumber } from '../../src/views/format.js';
import {
  listFilters,
  type NamespaceListView,
  type SortHeader,
  sortParam,
} from '../../src/views/namespaces/list.js';
import type { Permissions } from '../../src/views/permissions.js';
import { Alert } from '../ui/Alert.js';
import { buttonClass } from '../ui/buttons.js';
import type { HxAttributes } from '../ui/htmx.js';
import { Pagination } from '../ui/Pagination.js';
import { ColumnHeader } from '../ui/Table.js';
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

const arrows = { ascending: '▲', descending: '▼' } as const;

function SortableHeader({ header }: { header: SortHeader }): JSX.Element {
  return (
    <th
      scope="col"
      aria-sort={header.ariaSort}
      data-sort-key={header.key}
      class="px-3 py-2.5 text-left font-semibold text-slate-900"
    >
      <a
        href={header.href}
        hx-get={header.href}
        {...resultsLink}
        class="group inline-flex items-center gap-1 hover:text-indigo-700"
      >
        <span safe>{header.label}</span>
        <span
          aria-hidden="true"
          class={[
            'text-[10px]',
            header.ariaSort ? 'text-slate-700' : 'text-slate-300 group-hover:text-slate-500',
          ]}
        >
          {header.ariaSort ? arrows[header.ariaSort] : '↕'}
        </span>
      </a>
    </th>
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
}

/**
 * The results region: count, table and page links. The full page includes it, and an htmx
 * search, sort or page request gets it alone.
 */
export function NamespaceResults({ view, can }: NamespaceResultsProps): JSX.Element {
  const { query, headers } = view;
  const nonDefaultSort = sortParam(query.sort) !== 'name';
  return (
    <section id={RESULTS_ID} aria-label="Namespace list" class="space-y-3">
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
        <Alert tone="error" title="This list cannot be shown" testId="list-problems">
          <ul class="list-disc pl-5">
            {view.problems.map((problem) => (
              <li safe>{problem}</li>
            ))}
          </ul>
          <p class="mt-3">
            <a href={routes.namespaces.list.href()} class={buttonClass.secondary}>
              Show all namespaces
            </a>
          </p>
        </Alert>
      ) : view.rows.length === 0 ? (
        <EmptyState view={view} can={can} />
      ) : (
        <>
          <p class="text-sm text-slate-600" data-testid="namespace-total">
            <span class="font-semibold text-slate-900" safe>
              {formatNumber(view.total)}
            </span>{' '}
            {view.total === 1 ? 'namespace' : 'namespaces'}
            {query.q || query.status ? ' match these filters' : ' in the cluster'}
            {view.previousHref || view.nextHref ? (
              <span safe>{` · showing ${view.rows.length} on this page`}</span>
            ) : (
              ''
            )}
          </p>
          <div class="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
            <table class="min-w-full divide-y divide-slate-200 text-sm">
              <caption class="sr-only">Namespaces</caption>
              <thead class="bg-slate-50">
                <tr>
                  <SortableHeader header={headers.name} />
                  <ColumnHeader label="Description" />
                  <SortableHeader header={headers.status} />
                  <SortableHeader header={headers.sessions} />
                  <ColumnHeader label="Storage" />
                  <ColumnHeader label="Requests/s" end />
                  <ColumnHeader label="Proxy" />
                  <SortableHeader header={headers.created} />
                </tr>
              </thead>
              <tbody class="divide-y divide-slate-100">
                {view.rows.map((row) => (
                  <tr data-testid="namespace-row" data-name={row.name} class="hover:bg-slate-50">
                    <td class="whitespace-nowrap px-3 py-2.5 font-medium">
                      <a href={row.href} class="text-indigo-700 hover:underline" safe>
                        {row.name}
                      </a>
                    </td>
                    <td
                      class="max-w-xs truncate px-3 py-2.5 text-slate-600"
                      title={row.description}
                    >
                      <span safe>{row.description}</span>
                    </td>
                    <td class="whitespace-nowrap px-3 py-2.5">
                      <StatusBadge status={row.status} />
                    </td>
                    <td class="whitespace-nowrap px-3 py-2.5 tabular-nums" safe>
                      {row.sessions}
                    </td>
                    <td class="whitespace-nowrap px-3 py-2.5 tabular-nums" safe>
                      {row.storage}
                    </td>
                    <td class="whitespace-nowrap px-3 py-2.5 text-right tabular-nums" safe>
                      {row.rps}
                    </td>
                    <td class="whitespace-nowrap px-3 py-2.5 text-slate-600" safe>
                      {row.assignedProxy || '—'}
                    </td>
                    <td class="whitespace-nowrap px-3 py-2.5 text-slate-600" safe>
                      {row.created}
                    </td>
                  </tr>
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
