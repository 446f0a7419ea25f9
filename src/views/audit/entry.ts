import type { BadgeTone } from '../../../components/ui/Badge.js';
import { type AuditEntry, AuditOutcome } from '../../gen/prism/admin/v1/audit_pb.js';
import type { Url } from '../../html/url.js';
import { routes } from '../../routes/table.js';
import { fromEnumMap, unknownEnumLabel } from '../enums.js';
import { formatTime } from '../format.js';

/*
 * One audit entry as the page and the export show it. Everything the control plane wrote is
 * text to escape; unknown outcomes are shown as numbers, never dropped.
 */

export interface OutcomeLook {
  label: string;
  tone: BadgeTone;
}

const outcomes: Record<AuditOutcome, OutcomeLook> = {
  [AuditOutcome.UNSPECIFIED]: { label: 'Unspecified', tone: 'slate' },
  [AuditOutcome.SUCCESS]: { label: 'Success', tone: 'green' },
  [AuditOutcome.FAILURE]: { label: 'Failure', tone: 'red' },
  [AuditOutcome.DENIED]: { label: 'Denied', tone: 'amber' },
};

export function outcomeLook(outcome: AuditOutcome): OutcomeLook {
  return fromEnumMap(outcomes, outcome, (value) => ({
    label: unknownEnumLabel(value),
    tone: 'slate',
  }));
}

/** The outcome as the export writes it: `success`, `failure`, `denied`, or `unknown(9)`. */
export function outcomeName(outcome: AuditOutcome): string {
  const known: Record<number, string> = {
    [AuditOutcome.UNSPECIFIED]: 'unspecified',
    [AuditOutcome.SUCCESS]: 'success',
    [AuditOutcome.FAILURE]: 'failure',
    [AuditOutcome.DENIED]: 'denied',
  };
  return known[outcome] ?? `unknown(${outcome})`;
}

/** One path segment of a resource name; nothing that would leave it (`/`, `..`, empty). */
function segment(value: string): string | undefined {
  return value !== '' && value !== '.' && value !== '..' && !value.includes('/')
    ? value
    : undefined;
}

/**
 * The console page of a resource the audit log names, if the console has one:
 * `namespaces/x`, `clientConfigurations/x`, `sessions/x`, `operations/x`, `maintenance`.
 * Unknown kinds (and odd names) get none: they are shown as plain text.
 */
export function resourceHref(resource: string): Url | undefined {
  if (resource === 'maintenance') return routes.operations.maintenance.href();
  if (resource === 'namespaces') return routes.namespaces.list.href();
  const slash = resource.indexOf('/');
  if (slash < 0) return undefined;
  const kind = resource.slice(0, slash);
  const name = segment(resource.slice(slash + 1));
  if (name === undefined) return undefined;
  switch (kind) {
    case 'namespaces':
      return routes.namespaces.detail.href({ name });
    case 'clientConfigurations':
      return routes.clientConfigurations.detail.href({ name });
    case 'sessions':
      return routes.sessions.detail.href({ id: name });
    case 'operations':
      return routes.operations.detail.href({ id: name });
    default:
      return undefined;
  }
}

/** An entry's fields as text, in the export's column order. */
export const EXPORT_COLUMNS = [
  'id',
  'time',
  'actor',
  'operation',
  'resource',
  'namespace',
  'outcome',
  'error_code',
  'error_message',
  'reason',
  'request_id',
] as const;
export type ExportColumn = (typeof EXPORT_COLUMNS)[number];

/** The time as RFC 3339 (UTC), or '' when unset or out of range. */
function isoTime(entry: AuditEntry): string {
  const shown = formatTime(entry.time);
  if (!entry.time || !/^\d{4}-/.test(shown)) return '';
  const ms = Number(entry.time.seconds) * 1000 + Math.floor(entry.time.nanos / 1_000_000);
  return new Date(ms).toISOString();
}

export function exportRecord(entry: AuditEntry): Record<ExportColumn, string> {
  return {
    id: entry.id,
    time: isoTime(entry),
    actor: entry.actor,
    operation: entry.operation,
    resource: entry.resource,
    namespace: entry.namespace,
    outcome: outcomeName(entry.outcome),
    error_code: entry.errorCode,
    error_message: entry.errorMessage,
    reason: entry.reason,
    request_id: entry.requestId,
  };
}

/** One CSV cell (RFC 4180), inert in a spreadsheet: a formula-like start gets a leading `'`. */
export function csvCell(value: string): string {
  const inert = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(inert) ? `"${inert.replaceAll('"', '""')}"` : inert;
}

export function csvLine(values: readonly string[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

export function csvHeader(): string {
  return csvLine(EXPORT_COLUMNS);
}

export function csvRow(entry: AuditEntry): string {
  const record = exportRecord(entry);
  return csvLine(EXPORT_COLUMNS.map((column) => record[column]));
}

export function jsonLine(entry: AuditEntry): string {
  return `${JSON.stringify(exportRecord(entry))}\n`;
}
