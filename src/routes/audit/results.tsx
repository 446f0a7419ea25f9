import { Code, ConnectError } from '@connectrpc/connect';
import { codeToString } from '@connectrpc/connect/protocol-connect';
import type { FastifyRequest } from 'fastify';
import {
  AuditResultsFrame,
  AuditRow,
  AuditSummary,
  MessageRow,
  ROWS_SLOT,
  SUMMARY_SLOT,
} from '../../../components/audit/AuditTable.js';
import type { AuditEntry, GetAuditLogResponse } from '../../gen/prism/admin/v1/audit_pb.js';
import { type AuditFilters, auditHrefQuery } from '../../views/audit/query.js';
import { describeError, type ErrorDescription } from '../../views/errors.js';
import { routes } from '../table.js';

/** `html` cut at each slot, in order: one more piece than slots. */
export function splitAtSlots(html: string, slots: readonly string[]): string[] {
  const pieces: string[] = [];
  let rest = html;
  for (const slot of slots) {
    const at = rest.indexOf(slot);
    if (at < 0) throw new Error(`slot ${slot} missing`);
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at + slot.length);
  }
  pieces.push(rest);
  return pieces;
}

/** The stream's first batch, and the rest of it. */
export interface OpenedAuditLog {
  readonly first: IteratorResult<GetAuditLogResponse>;
  readonly rest: AsyncIterator<GetAuditLogResponse>;
}

/**
 * Opens GetAuditLog and waits for its first batch, so a refusal, an outage or a bad cursor is
 * answered as an error page with its status (403, 503, 400) before anything is sent; after it
 * the rows stream. The first batch must come within `firstBatchMs` (the stream is cancelled
 * otherwise, and the answer is a timeout).
 */
export async function openAuditLog(
  stream: AsyncIterable<GetAuditLogResponse>,
  firstBatchMs: number,
): Promise<OpenedAuditLog> {
  const rest = stream[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ConnectError('no answer from the control plane', Code.DeadlineExceeded)),
      firstBatchMs,
    );
  });
  try {
    return { first: await Promise.race([rest.next(), late]), rest };
  } catch (err) {
    await rest.return?.().catch(() => undefined);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Why the log cannot be shown, as the error page says it. */
export function auditFailure(err: unknown, filters: AuditFilters): ErrorDescription {
  if (err instanceof ConnectError && err.code === Code.InvalidArgument && filters.before) {
    return {
      status: 400,
      title: 'This page of older entries cannot be shown',
      message:
        'The entry it continues from is no longer in the audit log (old entries are dropped), or the link was changed. Start again from the newest entries.',
      serverFault: false,
    };
  }
  return describeError(err);
}

/**
 * The results region of the audit log, written as GetAuditLog batches arrive: the frame with
 * the table head at once, the rows of each batch, then "N of M entries" and the links further
 * back. A failure part-way shows as a row in the table (the page around it stays whole); the
 * rows already shown stay, and the summary says only what was shown.
 */
export async function* auditResults(
  request: FastifyRequest,
  filters: AuditFilters,
  { first, rest }: OpenedAuditLog,
): AsyncGenerator<string> {
  const exports = {
    csv: routes.audit.export.href({ ...auditHrefQuery(filters), format: 'csv' }),
    jsonl: routes.audit.export.href({ ...auditHrefQuery(filters), format: 'jsonl' }),
  };
  const [open = '', middle = '', close = ''] = splitAtSlots(
    await (<AuditResultsFrame exports={exports} />),
    [ROWS_SLOT, SUMMARY_SLOT],
  );
  yield open;
  let shown = 0;
  let lastTotal = 0;
  let last: AuditEntry | undefined;
  let failed = false;
  try {
    for (let next = first; !next.done; next = await rest.next()) {
      const batch = next.value;
      lastTotal = batch.totalSize;
      if (batch.entries.length === 0) continue;
      shown += batch.entries.length;
      last = batch.entries.at(-1);
      const rows = await Promise.all(batch.entries.map((entry) => <AuditRow entry={entry} />));
      yield rows.join('');
    }
  } catch (err) {
    failed = true;
    request.log.warn({ err }, 'audit log: the stream failed');
    const described = auditFailure(err, filters);
    // Rows came already: the log broke off part-way, which is not "could not reach".
    const brokeOff =
      shown > 0
        ? {
            title: `The log broke off after ${shown.toLocaleString('en-US')} entries`,
            message: `The control plane's stream failed part-way (${
              err instanceof ConnectError ? err.rawMessage || codeToString(err.code) : 'an error'
            }). The entries above are all that arrived; nothing after them is shown. Try again, or narrow the filters.`,
          }
        : described;
    yield await (<MessageRow tone="error" title={brokeOff.title} message={brokeOff.message} />);
  } finally {
    // The browser went away part-way: close the control plane's stream.
    await rest.return?.();
  }
  if (!failed && shown === 0) {
    yield await (
      <MessageRow
        tone="empty"
        title="No entries"
        message={
          filters.before
            ? 'No older entries match these filters.'
            : 'No audit entries match these filters.'
        }
      />
    );
  }
  yield middle;
  // An older control plane without total_size: more may remain when the page is full.
  const total = !failed && lastTotal >= shown ? lastTotal : undefined;
  const more = total === undefined ? !failed && shown >= filters.size : total > shown;
  yield await (
    <AuditSummary
      shown={shown}
      total={total}
      olderHref={
        more && last
          ? routes.audit.log.href(auditHrefQuery(filters, { before: last.id, size: filters.size }))
          : undefined
      }
      newestHref={
        filters.before
          ? routes.audit.log.href(auditHrefQuery(filters, { size: filters.size }))
          : undefined
      }
    />
  );
  yield close;
}
