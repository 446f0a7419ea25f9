import { bulkForm } from '../../src/views/client-sessions/bulk.js';
import type { SessionRow, StatusCountLink } from '../../src/views/client-sessions/list.js';
import { Badge } from '../ui/Badge.js';
import type { HxAttributes } from '../ui/htmx.js';
import { RelativeTime, SessionStatusBadge } from './parts.js';
import { SESSION_RESULTS_ID } from './SessionFilters.js';

/* The session table's pieces: its headers, the counts per status and one row. */

/** Links inside the results swap only the results, and put their URL in the address bar. */
export const resultsLink: HxAttributes = {
  'hx-target': `#${SESSION_RESULTS_ID}`,
  'hx-swap': 'outerHTML',
  'hx-push-url': 'true',
};

export function StatusCounts({ counts }: { counts: readonly StatusCountLink[] }): JSX.Element {
  if (counts.length === 0) return '';
  return (
    <nav aria-label="Sessions per status" data-testid="status-counts">
      <ul class="flex flex-wrap gap-2">
        {counts.map((c) => {
          const content = (
            <>
              <Badge tone={c.tone} label={c.label} />
              <span class="tabular-nums font-semibold text-slate-900" safe>
                {c.count}
              </span>
            </>
          );
          const look = [
            'inline-flex items-center gap-2 rounded-md px-2.5 py-1.5 text-sm ring-1 ring-inset',
            c.current ? 'bg-indigo-50 ring-indigo-300' : 'bg-white ring-slate-200',
          ];
          return (
            <li data-testid="status-count" data-label={c.label}>
              {c.href ? (
                <a
                  href={c.href}
                  hx-get={c.href}
                  {...resultsLink}
                  aria-current={c.current ? 'true' : undefined}
                  class={[...look, 'hover:bg-slate-50']}
                >
                  {content}
                </a>
              ) : (
                <span class={look}>{content}</span>
              )}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

export function Row({ row, selectable }: { row: SessionRow; selectable: boolean }): JSX.Element {
  const cell = 'whitespace-nowrap px-2 py-2';
  return (
    <tr data-testid="session-row" data-id={row.id} class="hover:bg-slate-50">
      {selectable ? (
        <td class="w-8 px-2 py-2">
          {row.open ? (
            <input
              type="checkbox"
              name={bulkForm.names.id}
              value={row.id}
              aria-label={`Select ${row.id}`}
              class="h-4 w-4 rounded border-slate-300"
            />
          ) : (
            ''
          )}
        </td>
      ) : (
        ''
      )}
      <td class="max-w-48 px-2 py-2">
        <div class="truncate font-medium" title={`${row.clientId} · session ${row.id}`}>
          <a href={row.href} class="text-indigo-700 hover:underline" safe>
            {row.clientId || row.id}
          </a>
        </div>
        <div class="truncate font-mono text-xs text-slate-500" title={row.clientAddress} safe>
          {row.clientAddress}
        </div>
      </td>
      <td class={[cell, 'max-w-32 truncate']} title={row.namespace}>
        {row.namespaceHref ? (
          <a href={row.namespaceHref} class="text-indigo-700 hover:underline" safe>
            {row.namespace}
          </a>
        ) : (
          '—'
        )}
      </td>
      <td class={cell}>
        <SessionStatusBadge status={row.status} />
      </td>
      <td class={[cell, 'text-slate-600']}>
        <RelativeTime time={row.started} testId="started" />
      </td>
      <td class={[cell, 'text-slate-600']}>
        <RelativeTime time={row.lastActivity} testId="last-activity" />
      </td>
      <td class={[cell, 'text-right tabular-nums']} data-testid="requests" safe>
        {row.requests}
      </td>
      <td class={[cell, 'text-right tabular-nums']} title={row.bytesTitle} data-testid="bytes" safe>
        {row.bytes}
      </td>
      <td class={[cell, 'hidden text-right tabular-nums xl:table-cell']} safe>
        {row.rps}
      </td>
      <td class={[cell, 'hidden text-slate-600 xl:table-cell']} safe>
        {row.proxy || '—'}
      </td>
    </tr>
  );
}
