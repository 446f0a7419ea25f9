import type { Url } from '../../src/html/url.js';
import { routes } from '../../src/routes/table.js';
import {
  listFilters,
  type NamespaceListView,
  type NamespaceRow,
} from '../../src/views/namespaces/list.js';
import type { Permissions } from '../../src/views/permissions.js';
import {
  ClearFiltersLink,
  ListEmpty,
  ListResults,
  ListTable,
  resultsLinkFor,
} from '../ui/ListResults.js';
import { Pagination } from '../ui/Pagination.js';
import { ColumnHeader, hiddenBelow, SortableColumnHeader, Truncate } from '../ui/Table.js';
import { GuardedLink } from './NamespaceActions.js';
import { StatusBadge } from './StatusBadge.js';

export const RESULTS_ID = 'namespace-results';
export const FILTERS_ID = 'namespace-filters';

/** Links inside the results swap only the results, and put their URL in the address bar. */
export const resultsLink = resultsLinkFor(RESULTS_ID);

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
  const { query } = view;
  if (query.q !== '' || query.status !== undefined) {
    return (
      <ListEmpty testId="namespaces-empty" message="No namespaces match these filters.">
        {query.q ? (
          <p class="mt-1 text-sm text-slate-600" safe>
            {`Nothing has “${query.q}” in its name or description.`}
          </p>
        ) : (
          ''
        )}
        <p class="mt-4">
          <ClearFiltersLink href={routes.namespaces.list.href()} />
        </p>
      </ListEmpty>
    );
  }
  return (
    <ListEmpty testId="namespaces-empty" message="There are no namespaces yet.">
      <p class="mt-4">
        <GuardedLink
          href={routes.namespaces.create.href()}
          label="Create a namespace"
          permission={can.createNamespace}
          look="primary"
          testId="create-first-namespace"
        />
      </p>
    </ListEmpty>
  );
}

export interface NamespaceResultsProps {
  view: NamespaceListView;
  /** What the operator's role allows (creating the first namespace, when there are none). */
  can: Permissions;
  /** Answering a sort or page link's htmx request: the new region takes focus (the link is gone). */
  focus?: boolean;
  /** The page's address: the results follow the cluster live. */
  live?: Url | undefined;
}

/**
 * The results region: count, table and page links. The full page includes it, and an htmx
 * search, sort or page request gets it alone.
 */
export function NamespaceResults({ view, can, focus, live }: NamespaceResultsProps): JSX.Element {
  const { query, headers } = view;
  const sortable = { dense: true, link: resultsLink } as const;
  return (
    <ListResults
      id={RESULTS_ID}
      label="Namespace list"
      view={view}
      focus={focus}
      live={live}
      sortField={{ name: listFilters.names.sort, form: FILTERS_ID }}
      reset={{ href: routes.namespaces.list.href(), label: 'Show all namespaces' }}
      total={{
        testId: 'namespace-total',
        noun: ['namespace', 'namespaces'],
        filtered: Boolean(query.q || query.status),
      }}
      empty={() => <EmptyState view={view} can={can} />}
    >
      <ListTable
        caption="Namespaces"
        head={
          <>
            <SortableColumnHeader {...sortable} header={headers.name} />
            <ColumnHeader label="Description" hideBelow="lg" />
            <SortableColumnHeader {...sortable} header={headers.status} />
            <SortableColumnHeader {...sortable} header={headers.sessions} end />
            <SortableColumnHeader {...sortable} header={headers.storage} end />
            <SortableColumnHeader {...sortable} header={headers.rps} end />
            <ColumnHeader label="Proxy" hideBelow="xl" />
            <SortableColumnHeader {...sortable} header={headers.created} />
          </>
        }
      >
        {view.rows.map((row) => (
          <NamespaceRowView row={row} />
        ))}
      </ListTable>
      <Pagination
        label="Namespace pages"
        previousHref={view.previousHref}
        nextHref={view.nextHref}
        htmx={resultsLink}
      />
    </ListResults>
  );
}
