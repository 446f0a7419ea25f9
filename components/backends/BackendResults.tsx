import { routes } from '../../src/routes/table.js';
import type { BackendListView, LastCheck } from '../../src/views/backends/list.js';
import { STALE_CHECK_MS } from '../../src/views/backends/list.js';
import { formatNumber } from '../../src/views/format.js';
import { buttonClass } from '../ui/buttons.js';
import {
  ColumnHeader,
  hiddenBelow,
  TableFrame,
  tableClass,
  tableHeadClass,
  tableRowClass,
} from '../ui/Table.js';
import { HealthBadge } from './HealthBadge.js';

export const BACKEND_RESULTS_ID = 'backend-results';

const STALE_MINUTES = STALE_CHECK_MS / 60_000;

export function LastCheckText({ check }: { check: LastCheck }): JSX.Element {
  return (
    <span data-testid="last-check" data-stale={check.stale ? 'true' : 'false'}>
      <time title={check.exact} safe>
        {check.ago}
      </time>
      {check.stale ? ' ' : ''}
      {check.stale ? (
        <span
          class="ml-1 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-800"
          title={`No health check for more than ${STALE_MINUTES} minutes`}
          data-testid="stale"
        >
          stale
        </span>
      ) : (
        ''
      )}
    </span>
  );
}

/** The list region: the page includes it, and an htmx refresh aimed at it gets it alone. */
export function BackendResults({ view }: { view: BackendListView }): JSX.Element {
  const href = routes.backends.list.href({ health: view.filter?.value });
  return (
    <section id={BACKEND_RESULTS_ID} aria-label="Backend list" class="space-y-3">
      <div class="flex items-center justify-between">
        <p class="text-sm text-slate-600" data-testid="backend-total">
          <span class="font-semibold text-slate-900" safe>
            {formatNumber(view.total)}
          </span>{' '}
          {view.total === 1 ? 'backend' : 'backends'}
          {view.rows.length < view.total ? (
            <span safe>{` · showing ${view.rows.length}`}</span>
          ) : (
            ''
          )}
        </p>
        <a
          href={href}
          hx-get={href}
          hx-target={`#${BACKEND_RESULTS_ID}`}
          hx-swap="outerHTML"
          class={buttonClass.secondary}
          data-testid="refresh-backends"
        >
          Refresh
        </a>
      </div>
      {view.filter ? (
        <p
          class="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200 dark:bg-amber-950/40 dark:text-amber-100 dark:ring-amber-800"
          data-testid="filter-note"
        >
          <span safe>
            {view.rows.length === 0
              ? `None of the ${view.filter.of} backends is ${view.filter.label}. `
              : `Showing the ${view.rows.length} of ${view.filter.of} backends that are ${view.filter.label}. `}
          </span>
          <a
            href={routes.backends.list.href()}
            class="font-medium text-indigo-700 underline dark:text-indigo-300"
          >
            Show all backends
          </a>
        </p>
      ) : (
        ''
      )}
      {view.rows.length === 0 && view.filter ? (
        ''
      ) : view.rows.length === 0 ? (
        <div
          data-testid="backends-empty"
          class="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center"
        >
          <p class="font-medium text-slate-900">The control plane reports no backends.</p>
        </div>
      ) : (
        <TableFrame label="Backend table">
          <table class={tableClass}>
            <caption class="sr-only">Backends</caption>
            <thead class={tableHeadClass}>
              <tr>
                <ColumnHeader label="Name" />
                <ColumnHeader label="Kind" hideBelow="md" />
                <ColumnHeader label="Health" />
                <ColumnHeader label="Last check" />
                <ColumnHeader label="Instances healthy" end />
              </tr>
            </thead>
            <tbody class="divide-y divide-slate-100">
              {view.rows.map((row) => (
                <tr data-testid="backend-row" data-name={row.name} class={tableRowClass}>
                  <td class="whitespace-nowrap px-3 py-2.5 font-medium">
                    <a
                      href={routes.backends.detail.href({ name: row.name })}
                      class="text-indigo-700 hover:underline"
                      safe
                    >
                      {row.name}
                    </a>
                  </td>
                  <td class={['whitespace-nowrap px-3 py-2.5 text-slate-600', hiddenBelow.md]} safe>
                    {row.type}
                  </td>
                  <td class="px-3 py-2.5">
                    <HealthBadge health={row.health} />
                    {row.message ? (
                      <p class="mt-1 text-xs text-slate-600" data-testid="health-message" safe>
                        {row.message}
                      </p>
                    ) : (
                      ''
                    )}
                  </td>
                  <td class="whitespace-nowrap px-3 py-2.5 text-slate-600">
                    <LastCheckText check={row.lastCheck} />
                  </td>
                  <td
                    class="whitespace-nowrap px-3 py-2.5 text-right tabular-nums"
                    data-testid="instances-healthy"
                    safe
                  >
                    {`${formatNumber(row.healthyInstances)}/${formatNumber(row.totalInstances)}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      )}
    </section>
  );
}
