import type { Url } from '../../src/html/url.js';
import { routes } from '../../src/routes/table.js';
import {
  type ClientConfigurationListView,
  type ClientConfigurationRow,
  isFiltered,
  listFilters,
  sortParam,
} from '../../src/views/client-configurations/list.js';
import type { Permissions } from '../../src/views/permissions.js';
import { GuardedLink } from '../namespaces/NamespaceActions.js';
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

export const RESULTS_ID = 'configuration-results';
export const FILTERS_ID = 'configuration-filters';

export const resultsLink: HxAttributes = {
  'hx-target': `#${RESULTS_ID}`,
  'hx-swap': 'outerHTML',
  'hx-push-url': 'true',
};

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
  const filtered = isFiltered(view.query);
  return (
    <div
      data-testid="configurations-empty"
      class="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center"
    >
      {filtered ? (
        <>
          <p class="font-medium text-slate-900">No client configurations match these filters.</p>
          <p class="mt-4 flex justify-center gap-3">
            <a href={routes.clientConfigurations.list.href()} class={buttonClass.secondary}>
              Clear the filters
            </a>
            {view.query.namespace ? (
              <GuardedLink
                href={routes.clientConfigurations.create.href({
                  namespace: view.query.namespace,
                })}
                label={`New configuration in ${view.query.namespace}`}
                permission={can.createClientConfiguration}
                look="primary"
                testId="create-in-namespace"
              />
            ) : (
              ''
            )}
          </p>
        </>
      ) : (
        <>
          <p class="font-medium text-slate-900">There are no client configurations yet.</p>
          <p class="mt-4">
            <GuardedLink
              href={routes.clientConfigurations.create.href()}
              label="Create a client configuration"
              permission={can.createClientConfiguration}
              look="primary"
              testId="create-first-configuration"
            />
          </p>
        </>
      )}
    </div>
  );
}

export interface ConfigurationResultsProps {
  view: ClientConfigurationListView;
  can: Permissions;
  focus?: boolean;
}

/** Count, table and page links: in the page, and alone for an htmx filter, sort or page. */
export function ConfigurationResults({ view, can, focus }: ConfigurationResultsProps): JSX.Element {
  const { query, headers } = view;
  const link = { dense: true, link: resultsLink } as const;
  return (
    <section
      id={RESULTS_ID}
      aria-label="Client configuration list"
      class="space-y-3"
      {...(focus ? takeFocus : {})}
    >
      {sortParam(query.sort) !== 'name' ? (
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
          resetHref={routes.clientConfigurations.list.href()}
          resetLabel="Show all client configurations"
        />
      ) : view.rows.length === 0 ? (
        <EmptyState view={view} can={can} />
      ) : (
        <>
          <ListTotal
            testId="configuration-total"
            total={view.total}
            shown={view.rows.length}
            paged={Boolean(view.previousHref || view.nextHref)}
            noun={['client configuration', 'client configurations']}
            filtered={isFiltered(query)}
          />
          <div class="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
            <table class="min-w-full divide-y divide-slate-200 text-sm">
              <caption class="sr-only">Client configurations</caption>
              <thead class="bg-slate-50">
                <tr>
                  <SortableColumnHeader {...link} header={headers.name} />
                  <ColumnHeader label="Description" hideBelow="lg" dense />
                  <SortableColumnHeader {...link} header={headers.namespace} />
                  <SortableColumnHeader {...link} header={headers.pattern} />
                  <SortableColumnHeader {...link} header={headers.backend} />
                  <ColumnHeader label="Options" hideBelow="xl" dense end />
                  <SortableColumnHeader {...link} header={headers.updated} />
                </tr>
              </thead>
              <tbody class="divide-y divide-slate-100">
                {view.rows.map((row) => (
                  <Row row={row} />
                ))}
              </tbody>
            </table>
          </div>
          <Pagination
            label="Client configuration pages"
            previousHref={view.previousHref}
            nextHref={view.nextHref}
            htmx={resultsLink}
          />
        </>
      )}
    </section>
  );
}
