import type { NamespaceSessionsView } from '../../src/views/client-sessions/namespace.js';
import { buttonClass } from '../ui/buttons.js';
import { RelativeTime, SessionStatusBadge } from './parts.js';

/** A namespace's client sessions on its detail page: counts, the newest few, and actions. */
export function NamespaceSessions({ view }: { view: NamespaceSessionsView }): JSX.Element {
  return (
    <section aria-labelledby="sessions-heading" data-testid="namespace-sessions">
      <div class="flex flex-wrap items-center justify-between gap-3">
        <h2 id="sessions-heading" class="text-base font-semibold text-slate-900">
          Client sessions
        </h2>
        <div class="flex flex-wrap gap-2">
          {view.terminateIdleHref ? (
            <a
              href={view.terminateIdleHref}
              class={buttonClass.danger}
              data-testid="terminate-idle"
              safe
            >
              {`Terminate all idle (${view.idleCount})`}
            </a>
          ) : (
            ''
          )}
          <a href={view.allHref} class={buttonClass.secondary} data-testid="all-sessions">
            All sessions of this namespace
          </a>
        </div>
      </div>
      {view.unavailable ? (
        <p class="mt-3 text-sm text-amber-800" data-testid="sessions-unavailable" safe>
          {view.unavailable}
        </p>
      ) : (
        <>
          <ul class="mt-3 flex flex-wrap gap-3 text-sm" data-testid="session-counts">
            <li safe>{`${view.total} in total`}</li>
            {view.counts.map((c) => (
              <li>
                {c.href ? (
                  <a href={c.href} class="text-indigo-700 hover:underline" safe>
                    {`${c.label} ${c.count}`}
                  </a>
                ) : (
                  <span safe>{`${c.label} ${c.count}`}</span>
                )}
              </li>
            ))}
          </ul>
          {view.rows.length === 0 ? (
            <p class="mt-3 text-sm text-slate-500">No client sessions.</p>
          ) : (
            <div class="mt-3 overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
              <table class="min-w-full divide-y divide-slate-200 text-sm">
                <caption class="sr-only">Newest client sessions</caption>
                <thead class="bg-slate-50">
                  <tr>
                    <th scope="col" class="px-3 py-2 text-left font-semibold">
                      Client
                    </th>
                    <th scope="col" class="px-3 py-2 text-left font-semibold">
                      Status
                    </th>
                    <th scope="col" class="px-3 py-2 text-left font-semibold">
                      Started
                    </th>
                    <th scope="col" class="px-3 py-2 text-left font-semibold">
                      Last activity
                    </th>
                  </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                  {view.rows.map((row) => (
                    <tr data-testid="namespace-session">
                      <td class="max-w-56 truncate px-3 py-2" title={row.clientId}>
                        <a href={row.href} class="text-indigo-700 hover:underline" safe>
                          {row.clientId || row.id}
                        </a>
                      </td>
                      <td class="px-3 py-2">
                        <SessionStatusBadge status={row.status} />
                      </td>
                      <td class="whitespace-nowrap px-3 py-2 text-slate-600">
                        <RelativeTime time={row.started} />
                      </td>
                      <td class="whitespace-nowrap px-3 py-2 text-slate-600">
                        <RelativeTime time={row.lastActivity} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
