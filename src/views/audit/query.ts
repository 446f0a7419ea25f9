import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { z } from 'zod';
import { defineForm, type FieldOf } from '../../forms/contract.js';
import { AdminService } from '../../gen/prism/admin/v1/admin_service_pb.js';
import {
  AuditOutcome,
  type GetAuditLogRequest,
  GetAuditLogRequestSchema,
} from '../../gen/prism/admin/v1/audit_pb.js';
import type { AuditQuery } from '../../routes/table.js';
import { pageSizeSchema, queryText, readQuery } from '../list-query.js';

/*
 * The audit log's query string: filters, time range, page size and the time cursor (`before`,
 * the id of the last entry shown). A bad value is reported in the page instead of queried.
 */

export const DEFAULT_AUDIT_PAGE_SIZE = 50;
export const MAX_AUDIT_PAGE_SIZE = 1000;
export const AUDIT_PAGE_SIZES = [25, DEFAULT_AUDIT_PAGE_SIZE, 100, 200, 500, 1000] as const;
/** The contract's most entries per GetAuditLog call: what an export reads at most. */
export const MAX_EXPORT_ENTRIES = 10_000;

/**
 * The RPCs that change something, by their gRPC names ("CreateNamespace"): every method whose
 * request carries a request id and a reason (the contract's mark of a mutation; GetAuditLog has
 * a request id too, as a filter), read from the generated service, so a new mutation appears
 * in the filter without a list kept here.
 */
const MUTATION_FIELDS = ['request_id', 'reason'];
export const MUTATING_OPERATIONS: readonly string[] = Object.values(AdminService.method)
  .filter((method) =>
    MUTATION_FIELDS.every((name) => method.input.fields.some((field) => field.name === name)),
  )
  .map((method) => method.name)
  .sort();

export const OUTCOMES = {
  success: AuditOutcome.SUCCESS,
  failure: AuditOutcome.FAILURE,
  denied: AuditOutcome.DENIED,
} as const;
export type OutcomeKey = keyof typeof OUTCOMES;

export const QUICK_RANGES = {
  hour: { label: 'Last hour', ms: 3_600_000 },
  day: { label: 'Last 24 hours', ms: 86_400_000 },
  week: { label: 'Last 7 days', ms: 7 * 86_400_000 },
} as const;
export type QuickRange = keyof typeof QUICK_RANGES;

/** The query string as Fastify hands it over: text that never fails (judged by `readAuditQuery`). */
export const auditQueryInput = z.object({
  actor: queryText,
  operation: queryText,
  namespace: queryText,
  resource: queryText,
  outcome: queryText,
  request: queryText,
  range: queryText,
  from: queryText,
  to: queryText,
  before: queryText,
  size: queryText,
  format: queryText,
});
export type AuditQueryInput = z.output<typeof auditQueryInput>;

/** The filter form: its field names and labels (components/audit/AuditFilters.tsx). */
export const auditFilterForm = defineForm({
  labels: {
    actor: 'Actor',
    operation: 'Operation',
    namespace: 'Namespace',
    resource: 'Resource',
    outcome: 'Outcome',
    request: 'Request id',
    range: 'Time',
    from: 'From (UTC)',
    to: 'To (UTC)',
    size: 'Per page',
  },
});
// A filter renamed in the form but not in the query schema (or back) does not compile.
auditQueryInput.shape satisfies Record<FieldOf<typeof auditFilterForm>, unknown>;

/** What the page filters by, as understood. Times are epoch ms (UTC). */
export interface AuditFilters {
  actor: string | undefined;
  operation: string | undefined;
  namespace: string | undefined;
  resource: string | undefined;
  outcome: OutcomeKey | undefined;
  request: string | undefined;
  range: QuickRange | undefined;
  /** `YYYY-MM-DDTHH:MM` as typed (UTC), and its time. */
  from: string | undefined;
  to: string | undefined;
  fromMs: number | undefined;
  toMs: number | undefined;
  before: string | undefined;
  size: number;
}

const text = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, `The ${what} is too long (at most ${max} characters).`)
    .transform((value) => (value === '' ? undefined : value));

const DATETIME_LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A datetime-local value read as UTC. */
export function parseUtcDateTime(value: string): number | undefined {
  const match = DATETIME_LOCAL.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const ms = Date.UTC(
    y ?? 0,
    (mo ?? 1) - 1,
    d ?? 1,
    h ?? 0,
    mi ?? 0,
    Number.isNaN(s) ? 0 : (s ?? 0),
  );
  const back = new Date(ms);
  // 2026-02-31 rolls over: not a date.
  if (back.getUTCDate() !== d || back.getUTCMonth() !== (mo ?? 1) - 1) return undefined;
  return ms;
}

const dateTime = (which: 'from' | 'to') =>
  z
    .string()
    .refine(
      (value) => parseUtcDateTime(value) !== undefined,
      `The "${which}" time must be a date and time (YYYY-MM-DDTHH:MM, UTC).`,
    );

function choice<K extends string>(keys: readonly K[], message: string) {
  return z
    .string()
    .refine((value): value is K => (keys as readonly string[]).includes(value), message);
}

export function readAuditQuery(input: AuditQueryInput): {
  filters: AuditFilters;
  problems: string[];
} {
  const { query, problems } = readQuery((read) => {
    const from = read(dateTime('from'), input.from, undefined);
    const to = read(dateTime('to'), input.to, undefined);
    return {
      actor: read(text(200, 'actor'), input.actor, undefined),
      operation: read(
        choice(MUTATING_OPERATIONS, 'Unknown operation; choose one from the list.'),
        input.operation,
        undefined,
      ),
      namespace: read(text(200, 'namespace'), input.namespace, undefined),
      resource: read(text(300, 'resource'), input.resource, undefined),
      outcome: read(
        choice(
          Object.keys(OUTCOMES) as OutcomeKey[],
          'Unknown outcome; use success, failure or denied.',
        ),
        input.outcome,
        undefined,
      ) as OutcomeKey | undefined,
      request: read(text(128, 'request id'), input.request, undefined),
      range: read(
        choice(
          Object.keys(QUICK_RANGES) as QuickRange[],
          'Unknown time range; use hour, day or week.',
        ),
        input.range,
        undefined,
      ) as QuickRange | undefined,
      from,
      to,
      fromMs: from === undefined ? undefined : parseUtcDateTime(from),
      toMs: to === undefined ? undefined : parseUtcDateTime(to),
      before: read(
        z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'The "older entries" link is not valid.'),
        input.before,
        undefined,
      ),
      size: read(pageSizeSchema(MAX_AUDIT_PAGE_SIZE), input.size, DEFAULT_AUDIT_PAGE_SIZE),
    };
  });
  if (query.range && (query.from || query.to)) {
    problems.push('Choose a quick time range or a from/to time, not both.');
  }
  if (query.fromMs !== undefined && query.toMs !== undefined && query.fromMs > query.toMs) {
    problems.push('The "from" time must not be after the "to" time.');
  }
  return { filters: query, problems };
}

/** Whether any filter is set (not the cursor or page size). */
export function isFiltered(f: AuditFilters): boolean {
  return [
    f.actor,
    f.operation,
    f.namespace,
    f.resource,
    f.outcome,
    f.request,
    f.range,
    f.from,
    f.to,
  ].some((value) => value !== undefined);
}

/** The query string of these filters (for links), with the cursor and page size as given. */
export function auditHrefQuery(
  f: AuditFilters,
  cursor: { before?: string | undefined; size?: number | undefined } = {},
): AuditQuery {
  return {
    actor: f.actor,
    operation: f.operation,
    namespace: f.namespace,
    resource: f.resource,
    outcome: f.outcome,
    request: f.request,
    range: f.range,
    from: f.from,
    to: f.to,
    before: cursor.before,
    size: cursor.size === DEFAULT_AUDIT_PAGE_SIZE ? undefined : cursor.size,
  };
}

/** The GetAuditLog request for these filters; `now` anchors a quick range. */
export function auditRequest(f: AuditFilters, limit: number, now: Date): GetAuditLogRequest {
  const startMs = f.range ? now.getTime() - QUICK_RANGES[f.range].ms : f.fromMs;
  return create(GetAuditLogRequestSchema, {
    actor: f.actor ?? '',
    operation: f.operation ?? '',
    namespace: f.namespace ?? '',
    resource: f.resource ?? '',
    requestId: f.request ?? '',
    outcome: f.outcome ? OUTCOMES[f.outcome] : AuditOutcome.UNSPECIFIED,
    beforeId: f.before ?? '',
    limit,
    ...(startMs !== undefined ? { startTime: timestampFromMs(startMs) } : {}),
    // "to" includes the minute (or second) typed: up to its end.
    ...(f.toMs !== undefined && !f.range
      ? { endTime: timestampFromMs(f.toMs + (f.to && f.to.length > 16 ? 1000 : 60_000)) }
      : {}),
  });
}
