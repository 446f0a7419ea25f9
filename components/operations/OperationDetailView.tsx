import { routes } from '../../src/routes/table.js';
import type { OperationView } from '../../src/views/operations/operation.js';
import { ColumnHeader, cellClass, TableFrame, tableClass, tableHeadClass } from '../ui/Table.js';
import { OperationLive } from './OperationLive.js';

export interface OperationDetailProps {
  view: OperationView;
  mayCancel: boolean;
  /** Admins read the audit log: the request id and the audit trail are links then. */
  canReadAudit: boolean;
}

const dtClass = 'font-medium text-slate-600 dark:text-slate-400';

/** One operation: its live progress, then what it is, who started it and why. */
export function OperationDetailView({
  view,
  mayCancel,
  canReadAudit,
}: OperationDetailProps): JSX.Element {
  const auditHref = routes.audit.log.href({ resource: `operations/${view.id}` });
  return (
    <div class="space-y-6">
      <div class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">
        <OperationLive view={view} mayCancel={mayCancel} />
      </div>
      <dl
        class="grid grid-cols-1 gap-x-6 gap-y-3 rounded-lg bg-white p-6 text-sm shadow-sm ring-1 ring-slate-200 sm:grid-cols-[12rem_1fr] dark:bg-slate-900 dark:ring-slate-700"
        data-testid="operation-facts"
      >
        <dt class={dtClass}>Operation</dt>
        <dd class="font-mono" safe>
          {view.id}
        </dd>
        <dt class={dtClass}>Target</dt>
        <dd data-testid="operation-target">
          {view.namespace ? (
            <a
              class="text-indigo-700 underline dark:text-indigo-300"
              href={routes.namespaces.detail.href({ name: view.namespace })}
              safe
            >
              {view.namespace}
            </a>
          ) : (
            <span safe>{view.target}</span>
          )}
        </dd>
        <dt class={dtClass}>Started by</dt>
        <dd safe>{view.startedBy || '—'}</dd>
        <dt class={dtClass}>Started</dt>
        <dd>
          <time datetime={view.start.datetime} safe>
            {view.start.absolute}
          </time>
        </dd>
        <dt class={dtClass}>Deadline</dt>
        <dd safe>
          {`${view.deadline} (${view.deadlineTime.absolute}) — ${
            view.force
              ? 'sessions still open then are closed by force'
              : 'sessions still open then are left open'
          }`}
        </dd>
        <dt class={dtClass}>Reason</dt>
        <dd class="whitespace-pre-wrap" safe>
          {view.reason || '—'}
        </dd>
        <dt class={dtClass}>Request id</dt>
        <dd data-testid="operation-request-id">
          {view.requestId && canReadAudit ? (
            <a
              class="font-mono break-all text-indigo-700 underline dark:text-indigo-300"
              href={routes.audit.log.href({ request: view.requestId })}
              safe
            >
              {view.requestId}
            </a>
          ) : (
            <span class="font-mono break-all" safe>
              {view.requestId || '—'}
            </span>
          )}
        </dd>
        {canReadAudit ? (
          <>
            <dt class={dtClass}>Audit</dt>
            <dd>
              <a
                class="text-indigo-700 underline dark:text-indigo-300"
                href={auditHref}
                data-testid="operation-audit"
              >
                Changes to this operation
              </a>
            </dd>
          </>
        ) : (
          ''
        )}
      </dl>
      {view.byNamespace.length > 0 ? (
        <section aria-labelledby="by-namespace">
          <h2 id="by-namespace" class="mb-2 text-base font-semibold">
            Sessions targeted per namespace
          </h2>
          <TableFrame testId="by-namespace">
            <table class={tableClass}>
              <thead class={tableHeadClass}>
                <tr>
                  <ColumnHeader label="Namespace" />
                  <ColumnHeader label="Sessions when it started" end />
                </tr>
              </thead>
              <tbody>
                {view.byNamespace.map((row) => (
                  <tr>
                    <td class={cellClass} safe>
                      {row.namespace}
                    </td>
                    <td class={[cellClass, 'text-right tabular-nums']} safe>
                      {row.count}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableFrame>
        </section>
      ) : (
        ''
      )}
    </div>
  );
}
