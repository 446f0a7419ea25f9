import type { NamespaceConfigurationsView } from '../../src/views/client-configurations/namespace.js';
import { GuardedLink } from '../namespaces/NamespaceActions.js';

/** The namespace page's "Client configurations" section: the count, the first few, links. */
export function NamespaceConfigurations({
  view,
}: {
  view: NamespaceConfigurationsView;
}): JSX.Element {
  return (
    <section aria-labelledby="configurations-heading" data-testid="namespace-configurations">
      <div class="flex flex-wrap items-center justify-between gap-3">
        <h2 id="configurations-heading" class="text-base font-semibold text-slate-900">
          Client configurations
          {view.total === undefined ? (
            ''
          ) : (
            <span
              class="ml-2 font-normal text-slate-500 tabular-nums"
              data-testid="configuration-count"
              safe
            >
              {`(${view.total})`}
            </span>
          )}
        </h2>
        <GuardedLink
          href={view.newHref}
          label="New configuration"
          permission={view.create}
          look="secondary"
          testId="new-namespace-configuration"
        />
      </div>
      {view.problem ? (
        <p class="mt-3 text-sm text-amber-800 dark:text-amber-200" safe>
          {view.problem}
        </p>
      ) : view.rows.length === 0 ? (
        <p class="mt-3 text-sm text-slate-500">No client configurations use this namespace.</p>
      ) : (
        <ul class="mt-3 divide-y divide-slate-100 rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
          {view.rows.map((row) => (
            <li
              class="flex flex-wrap items-baseline gap-x-3 px-4 py-2.5 text-sm"
              data-testid="namespace-configuration"
            >
              <a href={row.href} class="font-medium text-indigo-700 hover:underline" safe>
                {row.name}
              </a>
              <span class="text-slate-600" safe>
                {row.pattern}
              </span>
              {row.backendHref ? (
                <a href={row.backendHref} class="text-slate-600 underline hover:no-underline" safe>
                  {row.backend}
                </a>
              ) : (
                ''
              )}
            </li>
          ))}
        </ul>
      )}
      <p class="mt-2 text-sm">
        <a
          href={view.allHref}
          class="text-indigo-700 underline hover:no-underline"
          data-testid="all-configurations"
        >
          All configurations of this namespace
        </a>
      </p>
    </section>
  );
}
