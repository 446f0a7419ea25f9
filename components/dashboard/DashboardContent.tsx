import type { Url } from '../../src/html/url.js';
import { routes } from '../../src/routes/table.js';
import {
  backendsState,
  cardLinks,
  type DashboardView,
  OK,
  type Part,
  raftState,
  upTotalState,
} from '../../src/views/dashboard.js';
import { formatNumber } from '../../src/views/format.js';
import { ErrorView } from '../layout/ErrorPage.js';
import { liveRegion } from '../layout/live.js';
import { Badge } from '../ui/Badge.js';
import { Card, stateOf } from './Card.js';

function Unavailable({ error }: { error: string }): JSX.Element {
  return (
    <p class="text-sm font-semibold text-red-800 dark:text-red-200" safe>
      {`Unavailable: ${error}`}
    </p>
  );
}

function show<T>(part: Part<T>, render: (value: T) => JSX.Element): JSX.Element {
  return part.ok ? render(part.value) : <Unavailable error={part.error} />;
}

function Count({ value, label }: { value: string; label: string }): JSX.Element {
  return (
    <p>
      <span class="text-3xl font-semibold tabular-nums" safe>
        {value}
      </span>{' '}
      <span class="text-sm text-slate-600 dark:text-slate-300" safe>
        {label}
      </span>
    </p>
  );
}

/** The live region: the page includes it, and its updates (stream or poll) are it alone. */
export const DASHBOARD_ID = 'dashboard';

/**
 * The live part of the dashboard (components/layout/live.ts): replaced when the cluster changes,
 * or every 10 seconds when the page has to poll.
 */
export function DashboardContent({
  view,
  live,
}: {
  view: DashboardView;
  /** The page's address, for the live region. */
  live?: Url | undefined;
}): JSX.Element {
  const proxies = stateOf(view.proxies, upTotalState);
  const launchers = stateOf(view.launchers, upTotalState);
  const raft = stateOf(view.cluster, raftState);
  const backends = stateOf(view.backends, backendsState);
  return (
    <div id={DASHBOARD_ID} {...liveRegion(DASHBOARD_ID, live)} class="space-y-6">
      {view.controlPlaneProblem ? (
        <ErrorView
          title={
            view.controlPlaneProblem === 'slow'
              ? 'Control plane too slow'
              : 'Control plane unreachable'
          }
          message={
            view.controlPlaneProblem === 'slow'
              ? 'The Prism control plane did not answer in time. This page refreshes by itself; nothing below is current.'
              : 'The console could not reach the Prism control plane. This page refreshes by itself; nothing below is current.'
          }
          retryHref={routes.dashboard.href()}
        />
      ) : (
        ''
      )}
      <div class="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Card title="Proxies up" testId="proxies" href={cardLinks.proxies(proxies)} state={proxies}>
          {show(view.proxies, (p) => (
            <Count value={`${p.up}/${p.total}`} label="registered" />
          ))}
        </Card>
        <Card
          title="Launchers up"
          testId="launchers"
          href={cardLinks.launchers(launchers)}
          state={launchers}
        >
          {show(view.launchers, (l) => (
            <Count value={`${l.up}/${l.total}`} label="registered" />
          ))}
        </Card>
        <Card
          title="Namespaces"
          testId="namespaces"
          href={cardLinks.namespaces()}
          state={stateOf(view.namespaces, () => OK)}
        >
          {show(view.namespaces, (n) => (
            <>
              <Count value={formatNumber(n.total)} label="in the cluster" />
              {n.suspended > 0 ? (
                <p class="mt-1 text-sm">
                  <a
                    href={cardLinks.suspendedNamespaces()}
                    class="text-indigo-700 hover:underline dark:text-indigo-300"
                    data-testid="suspended-link"
                    safe
                  >
                    {`${formatNumber(n.suspended)} suspended`}
                  </a>
                </p>
              ) : (
                ''
              )}
            </>
          ))}
        </Card>
        <Card
          title="Client sessions"
          testId="sessions"
          href={cardLinks.activeSessions()}
          state={stateOf(view.sessions, () => OK)}
        >
          {show(view.sessions, (s) => (
            <Count value={formatNumber(s.total)} label={`${formatNumber(s.active)} active`} />
          ))}
        </Card>
      </div>
      <div class="grid gap-4 lg:grid-cols-2">
        <Card title="Raft cluster" testId="raft" href={cardLinks.raft()} state={raft}>
          {show(view.cluster, (c) => (
            <div>
              <p class="text-sm">
                {c.leaderId ? (
                  <span safe>{`Leader ${c.leaderId}, term ${c.term}`}</span>
                ) : (
                  <Badge tone="red" label="no leader: election in progress" />
                )}
              </p>
              <p class="text-xs text-slate-500" safe>
                {`commit index ${c.commitIndex} · applied ${c.appliedIndex}`}
              </p>
              <table class="mt-3 w-full text-sm">
                <thead class="text-left text-xs text-slate-500">
                  <tr>
                    <th class="py-1 font-medium">Member</th>
                    <th class="py-1 font-medium">Role</th>
                    <th class="py-1 font-medium">Health</th>
                    <th class="py-1 font-medium">Last contact</th>
                  </tr>
                </thead>
                <tbody>
                  {c.members.map((m) => (
                    <tr class="border-t border-slate-100">
                      <td class="py-1">
                        <span safe>{m.id}</span>{' '}
                        <span class="text-xs text-slate-500" safe>
                          {m.address}
                        </span>
                      </td>
                      <td class="py-1" safe>
                        {m.role}
                      </td>
                      <td class="py-1">
                        <Badge
                          tone={!m.healthy ? 'red' : m.behind ? 'amber' : 'green'}
                          label={!m.healthy ? 'unreachable' : m.behind ? 'behind' : 'healthy'}
                        />
                      </td>
                      <td class="py-1 text-slate-500" safe>
                        {m.lastContact}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
        </Card>
        <Card
          title="Backends"
          testId="backends"
          href={cardLinks.backends(backends)}
          state={backends}
        >
          {show(view.backends, (backends) => (
            <ul class="divide-y divide-slate-100 text-sm">
              {backends.map((b) => (
                <li class="flex items-center justify-between gap-3 py-2">
                  <span class="min-w-0">
                    <span class="font-medium" safe>
                      {b.name}
                    </span>{' '}
                    <span class="text-xs text-slate-500" safe>
                      {b.type}
                    </span>
                    {b.message ? (
                      <span class="block text-xs text-slate-500 truncate" safe>
                        {b.message}
                      </span>
                    ) : (
                      ''
                    )}
                  </span>
                  <Badge tone={b.tone} label={b.health} />
                </li>
              ))}
            </ul>
          ))}
        </Card>
      </div>
    </div>
  );
}
