import type { Url } from '../../src/html/url.js';
import { routes } from '../../src/routes/table.js';
import {
  type ClientConfigurationListView,
  type ClientConfigurationRow,
  isFiltered,
  listFilters,
} from '../../src/views/client-configurations/list.js';
import type { Permissions } from '../../src/views/permissions.js';
import { GuardedLink } from '../namespaces/NamespaceActions.js';
import {
  ClearFiltersLink,
  ListEmpty,
  ListResults,
  ListTable,
  resultsLinkFor,
} from '../ui/ListResults.js';
import { Pagination } from '../ui/Pagination.js';
import { ColumnHeader, hiddenBelow, SortableColumnHeader, Truncate } from '../ui/Table.js';

export const RESULTS_ID = 'configuration-results';
export const FILTERS_ID = 'configuration-filters';

export const resultsLink = resultsLinkFor(RESULTS_ID);

const cell = 'px-2 py-2.5';

function MaybeLink({ href, text }: { href: Url | undefined; text: string }): JSX.Element {
  if (!href) return <span class="text-slate-500">—</span>;
  return (
    <a href={href} class="block text-indigo-700 hover:underline">
      <Truncate text={text} width="xs" />
    </a>
  );
}

function Row({ row }: { row: ClientConfigurationRow }): JSX.Element {
  return (
    <tr data-testid="configuration-row" data-name={row.name} class="hover:bg-slate-50">
      <td class={[cell, 'font-medium']}>
        <a href={row.href} class="block text-indigo-700 hover:underline">
          <Truncate text={row.name} width="sm" />
        </a>
      </td>
      <td class={[cell, 'text-slate-600', hiddenBelow.lg]}>
        <Truncate text={row.description} width="xs" />
      </td>
      <td class={cell}>
        <MaybeLink href={row.namespaceHref} text={row.namespace} />
      </td>
      <td class={[cell, 'whitespace-nowrap']} data-testid="pattern" safe>
        {row.pattern}
      </td>
      <td class={cell}>
        <MaybeLink href={row.backendHref} text={row.backend} />
      </td>
      <td class={[cell, 'text-right tabular-nums', hiddenBelow.xl]} safe>
        {String(row.options)}
      </td>
      <td class={[cell, 'whitespace-nowrap text-slate-600']}>
        <time title={row.updatedExact} safe>
          {row.updated}
        </time>
      </td>
    </tr>
  );
}

function EmptyState({ view, can }: ConfigurationResultsProps): JSX.Element {
  const { query } = view;
  if (isFiltered(query)) {
    return (
      <ListEmpty
        testId="configurations-empty"
        message="No client configurations match these filters."
      >
        <p class="mt-4 flex justify-center gap-3">
          <ClearFiltersLink href={routes.clientConfigurations.list.href()} />
          {query.namespace ? (
            <GuardedLink
              href={routes.clientConfigurations.create.href({ namespace: query.namespace })}
              label={`New configuration in ${query.namespace}`}
              permission={can.createClientConfiguration}
              look="primary"
              testId="create-in-namespace"
            />
          ) : (
            ''
          )}
        </p>
      </ListEmpty>
    );
  }
  return (
    <ListEmpty testId="configurations-empty" message="There are no client configurations yet.">
      <p class="mt-4">
        <GuardedLink
          href={routes.clientConfigurations.create.href()}
          label="Create a client configuration"
          permission={can.createClientConfiguration}
          look="primary"
          testId="create-first-configuration"
        />
      </p>
    </ListEmpty>
  );
}

export interface ConfigurationResultsProps {
  view: ClientConfigurationListView;
  can: Permissions;
  focus?: boolean;
  /** The page's address: the results follow the cluster live. */
  live?: Url | undefined;
}

/** Count, table and page links: in the page, and alone for an htmx filter, sort or page. */
export function ConfigurationResults({
  view,
  can,
  focus,
  live,
}: ConfigurationResultsProps): JSX.Element {
  const { query, headers } = view;
  const sortable = { dense: true, link: resultsLink } as const;
  return (
    <ListResults
      id={RESULTS_ID}
      label="Client configuration list"
      view={view}
      focus={focus}
      live={live}
      sortField={{ name: listFilters.names.sort, form: FILTERS_ID }}
      reset={{
        href: routes.clientConfigurations.list.href(),
        label: 'Show all client configurations',
      }}
      total={{
        testId: 'configuration-total',
        noun: ['client configuration', 'client configurations'],
        filtered: isFiltered(query),
      }}
      empty={() => <EmptyState view={view} can={can} />}
    >
      <ListTable
        caption="Client configurations"
        head={
          <>
            <SortableColumnHeader {...sortable} header={headers.name} />
            <ColumnHeader label="Description" hideBelow="lg" dense />
            <SortableColumnHeader {...sortable} header={headers.namespace} />
            <SortableColumnHeader {...sortable} header={headers.pattern} />
            <SortableColumnHeader {...sortable} header={headers.backend} />
            <ColumnHeader label="Options" hideBelow="xl" dense end />
            <SortableColumnHeader {...sortable} header={headers.updated} />
          </>
        }
      >
        {view.rows.map((row) => (
          <Row row={row} />
        ))}
      </ListTable>
      <Pagination
        label="Client configuration pages"
        previousHref={view.previousHref}
        nextHref={view.nextHref}
        htmx={resultsLink}
      />
    </ListResults>
  );
}
