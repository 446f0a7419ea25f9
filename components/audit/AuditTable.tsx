import type { AuditEntry } from '../../src/gen/prism/admin/v1/audit_pb.js';
import type { Url } from '../../src/html/url.js';
import { routes } from '../../src/routes/table.js';
import { outcomeLook, resourceHref } from '../../src/views/audit/entry.js';
import { formatNumber, formatTime } from '../../src/views/format.js';
import { Badge } from '../ui/Badge.js';
import { buttonClass } from '../ui/buttons.js';
import {
  ColumnHeader,
  cellClass,
  hiddenBelow,
  TableFrame,
  tableClass,
  tableHeadClass,
  tableRowClass,
} from '../ui/Table.js';
import { AUDIT_RESULTS_ID } from './AuditFilters.js';

/*
 * The audit table, in pieces a streamed answer writes one after the other: the frame (region,
 * export links, table head) with two slots — the rows, then the summary after the table — then
 * the rows of each batch as it arrives, then the summary.
 */

export const ROWS_SLOT = '<!--audit-rows-->';
export const SUMMARY_SLOT = '<!--audit-summary-->';
const COLUMNS = 8;

export interface ExportLinks {
  csv: Url;
  jsonl: Url;
}

export function AuditResultsFrame({ exports }: { exports: ExportLinks }): JSX.Element {
  return (
    <div id={AUDIT_RESULTS_ID} class="space-y-3" data-testid="audit-results">
      <p class="flex flex-wrap items-center gap-3 text-sm">
        <span>Export these entries (up to 10,000, newest first):</span>
        <a href={exports.csv} class="underline" data-testid="export-csv">
          CSV
        </a>
        <a href={exports.jsonl} class="underline" data-testid="export-jsonl">
          JSON Lines
        </a>
      </p>
      <TableFrame label="Audit log entries">
        <table class={tableClass}>
          <thead class={tableHeadClass}>
            <tr>
              <ColumnHeader label="Time (UTC)" dense />
              <ColumnHeader label="Actor" dense />
              <ColumnHeader label="Operation" dense />
              <ColumnHeader label="Resource" dense />
              <ColumnHeader label="Outcome" dense />
              <ColumnHeader label="Error" dense hideBelow="lg" />
              <ColumnHeader label="Reason" dense hideBelow="md" />
              <ColumnHeader label="Request id" dense hideBelow="xl" />
            </tr>
          </thead>
          <tbody>{ROWS_SLOT}</tbody>
        </table>
      </TableFrame>
      {SUMMARY_SLOT}
    </div>
  );
}

const cell = ['px-2 py-2.5 align-top'];

function Resource({ resource }: { resource: string }): JSX.Element {
  if (resource === '') return <span class="text-slate-500">—</span>;
  const href = resourceHref(resource);
  return href ? (
    <a href={href} class="break-all underline" safe>
      {resource}
    </a>
  ) : (
    <span class="break-all" safe>
      {resource}
    </span>
  );
}

export function AuditRow({ entry }: { entry: AuditEntry }): JSX.Element {
  const outcome = outcomeLook(entry.outcome);
  return (
    <tr class={tableRowClass} data-testid="audit-row" data-entry={entry.id}>
      <td class={[...cell, 'whitespace-nowrap']} safe>
        {formatTime(entry.time)}
      </td>
      <td class={cell} safe>
        {entry.actor}
      </td>
      <td class={cell} safe>
        {entry.operation}
      </td>
      <td class={cell}>
        <Resource resource={entry.resource} />
      </td>
      <td class={cell}>
        <Badge tone={outcome.tone} label={outcome.label} />
      </td>
      <td class={[...cell, hiddenBelow.lg]}>
        {entry.errorCode || entry.errorMessage ? (
          <>
            <code class="font-mono text-xs" safe>
              {entry.errorCode}
            </code>{' '}
            <span class="break-words" safe>
              {entry.errorMessage}
            </span>
          </>
        ) : (
          ''
        )}
      </td>
      <td class={[...cell, hiddenBelow.md, 'break-words']} safe>
        {entry.reason}
      </td>
      <td class={[...cell, hiddenBelow.xl]}>
        {entry.requestId ? (
          <a
            href={routes.audit.log.href({ request: entry.requestId })}
            class="break-all font-mono text-xs underline"
            title="Every entry of this request"
            safe
          >
            {entry.requestId}
          </a>
        ) : (
          ''
        )}
      </td>
    </tr>
  );
}

/** A row across the table: nothing matched, or the stream failed part-way. */
export function MessageRow({
  tone,
  title,
  message,
}: {
  tone: 'empty' | 'error';
  title: string;
  message: string;
}): JSX.Element {
  return (
    <tr data-testid={tone === 'error' ? 'audit-error' : 'audit-empty'}>
      <td colspan={String(COLUMNS)} class={cellClass}>
        <div
          role={tone === 'error' ? 'alert' : 'status'}
          class={
            tone === 'error'
              ? 'rounded-md border border-red-300 bg-red-50 px-4 py-3 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100'
              : 'py-4 text-center text-slate-600 dark:text-slate-400'
          }
        >
          <p class="font-semibold" safe>
            {title}
          </p>
          <p safe>{message}</p>
        </div>
      </td>
    </tr>
  );
}

export interface SummaryProps {
  shown: number;
  /** Entries matching the filters from the cursor back; undefined when the stream failed. */
  total: number | undefined;
  olderHref: Url | undefined;
  newestHref: Url | undefined;
}

/** "50 of 230 entries", and the links further back and to the newest. */
export function AuditSummary({ shown, total, olderHref, newestHref }: SummaryProps): JSX.Element {
  return (
    <div
      class="flex flex-wrap items-center justify-between gap-3 text-sm"
      data-testid="audit-summary"
    >
      <p class="text-slate-600 dark:text-slate-400">
        {total === undefined ? (
          <span safe>{`${formatNumber(shown)} entries shown`}</span>
        ) : (
          <span
            safe
          >{`${formatNumber(shown)} of ${formatNumber(total)} ${total === 1 ? 'entry' : 'entries'}${newestHref ? ' from here back' : ''}`}</span>
        )}
      </p>
      <nav aria-label="Audit log pages" class="flex gap-3">
        {newestHref ? (
          <a href={newestHref} class={buttonClass.secondary} data-testid="audit-newest">
            Newest
          </a>
        ) : (
          ''
        )}
        {olderHref ? (
          <a href={olderHref} class={buttonClass.secondary} data-testid="audit-older">
            Older entries
          </a>
        ) : (
          ''
        )}
      </nav>
    </div>
  );
}
