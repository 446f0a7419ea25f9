import type { OperationView } from '../../src/views/operations/operation.js';
import {
  ColumnHeader,
  cellClass,
  hiddenBelow,
  TableFrame,
  Truncate,
  tableClass,
  tableHeadClass,
  tableRowClass,
} from '../ui/Table.js';
import { OperationStateBadge } from './OperationLive.js';

function progressText(view: OperationView): string {
  return view.progress ? `${view.progress.text} (${view.progress.percent}%)` : '—';
}

/** Running and recent operations, newest first, each linking to its page. */
export function OperationsTable({ views }: { views: readonly OperationView[] }): JSX.Element {
  if (views.length === 0) {
    return (
      <p class="text-sm text-slate-600" data-testid="no-operations">
        No operations yet. A drain started here or by any other client shows up in this list.
      </p>
    );
  }
  return (
    <TableFrame testId="operations-table">
      <table class={tableClass}>
        <thead class={tableHeadClass}>
          <tr>
            <ColumnHeader label="Operation" />
            <ColumnHeader label="State" />
            <ColumnHeader label="Target" />
            <ColumnHeader label="Started by" hideBelow="md" />
            <ColumnHeader label="Started" hideBelow="lg" />
            <ColumnHeader label="Progress" />
          </tr>
        </thead>
        <tbody>
          {views.map((view) => (
            <tr class={tableRowClass} data-testid="operation-row" data-id={view.id}>
              <td class={cellClass}>
                <a
                  class="font-mono text-indigo-700 underline dark:text-indigo-300"
                  href={view.href}
                >
                  <span safe>{view.kind}</span> <span safe>{view.id}</span>
                </a>
              </td>
              <td class={cellClass}>
                <OperationStateBadge view={view} />
              </td>
              <td class={cellClass}>
                <Truncate text={view.target} width="sm" />
              </td>
              <td class={[cellClass, hiddenBelow.md]}>
                <Truncate text={view.startedBy || '—'} width="xs" />
              </td>
              <td class={[cellClass, hiddenBelow.lg]}>
                <time datetime={view.start.datetime} title={view.start.absolute} safe>
                  {view.start.relative}
                </time>
              </td>
              <td class={[cellClass, 'tabular-nums']} data-testid="operation-progress-text" safe>
                {progressText(view)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableFrame>
  );
}
