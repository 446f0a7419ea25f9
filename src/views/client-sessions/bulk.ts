import { Code, ConnectError } from '@connectrpc/connect';
import { z } from 'zod';
import { answerMayHaveArrived } from '../../control-plane/errors.js';
import {
  defineForm,
  type FieldOf,
  type FormValues,
  type VisibleFieldOf,
} from '../../forms/contract.js';
import { envelopeProblem } from '../../forms/envelope.js';
import { type FormErrors, fieldErrorsFrom } from '../../forms/errors.js';
import { reasonField } from '../../forms/fields.js';
import { type ClientSession, SessionStatus } from '../../gen/prism/admin/v1/client_session_pb.js';
import type { Url } from '../../html/url.js';
import { routes } from '../../routes/table.js';
import { describeError } from '../errors.js';
import { formatNumber } from '../format.js';
import { type SessionStatusInfo, sessionStatusInfo } from './status.js';
import { CHECKED } from './terminate.js';

/*
 * Terminating several sessions: the list's selected rows (or a namespace's idle sessions) →
 * a confirmation (reason, force, the number of sessions typed out) → one TerminateClientSession
 * per session → an outcome per session. Partial failure is the heading, not a footnote.
 *
 * Reload safety: the results are rendered as the answer to the confirmation's post (no-store,
 * like every page). Each session's request id is derived from the one request id the
 * confirmation form carries (`<form id>:<session id>`), so a reload that re-posts the form sends
 * the same ids and the control plane replays its first answers instead of acting again. That
 * holds even across console replicas and restarts, which a results page kept in the operator's
 * console session would not (it expires, and is lost with the session store).
 */

export const BULK_STEP = { select: 'select', terminate: 'terminate' } as const;

/** Most sessions one confirmation may hold: the control plane's largest page. */
export const MAX_BULK_SESSIONS = 500;
/** TerminateClientSession calls in flight at once. */
export const BULK_CONCURRENCY = 8;

export const bulkForm = defineForm({
  labels: {
    reason: 'Reason',
    force: 'Close them now, even with requests in flight',
    confirm: 'Number of sessions',
  },
  // `id` is repeated: one per session (the list's checkboxes, the confirmation's hidden fields).
  hidden: ['id', 'step', 'request_id'],
});
export type BulkFormValues = FormValues<FieldOf<typeof bulkForm>>;
export type BulkField = VisibleFieldOf<typeof bulkForm>;

const SESSION_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Every `id` sent (a checkbox each), in order, without repeats. */
function idsOf(raw: unknown): string[] {
  const value = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).id : undefined;
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return [...new Set(list.filter((v): v is string => typeof v === 'string' && v !== ''))];
}

/** The body: the form's fields, and every selected session id. Never fails. */
export const bulkBody = z.unknown().transform((raw) => ({
  ...bulkForm.body.parse(raw),
  ids: idsOf(raw),
}));
export type BulkBody = z.output<typeof bulkBody>;

/** Why these ids cannot be confirmed, or undefined when they can. */
export function selectionProblem(ids: readonly string[]): string | undefined {
  if (ids.length === 0)
    return 'No sessions were selected. Tick the sessions to terminate in the list.';
  if (ids.length > MAX_BULK_SESSIONS) {
    return `At most ${MAX_BULK_SESSIONS} sessions can be terminated at once; ${formatNumber(ids.length)} were selected.`;
  }
  if (!ids.every((id) => SESSION_ID.test(id)))
    return 'The selection holds an id that is no session id.';
  return undefined;
}

export interface BulkInput {
  ids: string[];
  reason: string;
  force: boolean;
  requestId: string;
}

export function parseBulkForm(
  body: BulkBody,
): { ok: true; input: BulkInput } | { ok: false; errors: FormErrors<BulkField> } {
  const count = String(body.ids.length);
  const schema = z.object({
    reason: reasonField,
    force: z.string(),
    confirm: z
      .string()
      .trim()
      .min(1, 'Type the number of sessions to confirm.')
      .refine((typed) => typed === count, `Type ${count}: the number of sessions listed.`),
  } satisfies Record<BulkField, z.ZodType>);
  const parsed = schema.safeParse(body);
  const problem = selectionProblem(body.ids) ?? envelopeProblem(body, false);
  if (!parsed.success || problem) {
    const errors = parsed.success
      ? { fields: {}, general: [] }
      : fieldErrorsFrom(parsed.error.issues, bulkForm.visible);
    return { ok: false, errors: { ...errors, general: problem ? [problem] : errors.general } };
  }
  return {
    ok: true,
    input: {
      ids: body.ids,
      reason: parsed.data.reason,
      force: body.force === CHECKED,
      requestId: body.request_id,
    },
  };
}

/** One session's own request id: stable for the same confirmation, distinct per session. */
export function sessionRequestId(formRequestId: string, sessionId: string): string {
  return `${formRequestId}:${sessionId}`;
}

/** A session in the confirmation: what is known of it (only its id when selected in the list). */
export interface BulkItem {
  id: string;
  href: Url;
  clientId: string | undefined;
  status: SessionStatusInfo | undefined;
}

export function bulkItem(id: string, session?: ClientSession): BulkItem {
  return {
    id,
    href: routes.sessions.detail.href({ id }),
    clientId: session?.clientId,
    status: session ? sessionStatusInfo(session.status) : undefined,
  };
}

export type OutcomeKind = 'terminated' | 'expiring' | 'failed' | 'unknown';

export interface BulkOutcome {
  id: string;
  href: Url;
  kind: OutcomeKind;
  /** What happened, in words; the control plane's own (quoted) when it refused. */
  message: string;
}

export const UNKNOWN_OUTCOME =
  'The control plane did not answer, so it is not known whether this session was terminated. Open it to check; sending the same confirmation again is safe (the control plane recognises the repeated request and does not act twice).';

/** The outcome of a TerminateClientSession that answered. */
export function answeredOutcome(id: string, session: ClientSession | undefined): BulkOutcome {
  const href = routes.sessions.detail.href({ id });
  switch (session?.status) {
    case SessionStatus.TERMINATED:
      return { id, href, kind: 'terminated', message: 'Terminated.' };
    case SessionStatus.EXPIRING:
      return {
        id,
        href,
        kind: 'expiring',
        message: 'Marked expiring: it closes when its requests in flight finish.',
      };
    default:
      return {
        id,
        href,
        kind: 'unknown',
        message: `The control plane answered, but the session is ${
          session
            ? sessionStatusInfo(session.status).label.toLowerCase()
            : 'missing from its answer'
        }.`,
      };
  }
}

/** The outcome of a TerminateClientSession that failed; sign-in problems are thrown on. */
export function failedOutcome(id: string, err: unknown): BulkOutcome {
  const href = routes.sessions.detail.href({ id });
  if (!(err instanceof ConnectError) || err.code === Code.Unauthenticated) throw err;
  if (err.code === Code.DeadlineExceeded || answerMayHaveArrived(err)) {
    return { id, href, kind: 'unknown', message: UNKNOWN_OUTCOME };
  }
  const message =
    err.code === Code.NotFound
      ? 'The control plane has no session with this id: it may have ended and been forgotten.'
      : err.code === Code.Unavailable
        ? 'The control plane could not be reached; this session was not terminated.'
        : describeError(err).message;
  return { id, href, kind: 'failed', message };
}

export interface BulkSummary {
  /** The page heading: "3 of 5 terminated, 2 failed". */
  heading: string;
  counts: Record<OutcomeKind, number>;
  allDone: boolean;
}

export function bulkSummary(outcomes: readonly BulkOutcome[]): BulkSummary {
  const counts: Record<OutcomeKind, number> = { terminated: 0, expiring: 0, failed: 0, unknown: 0 };
  for (const outcome of outcomes) counts[outcome.kind] += 1;
  const parts = [
    `${formatNumber(counts.terminated)} of ${formatNumber(outcomes.length)} terminated`,
  ];
  if (counts.expiring > 0) parts.push(`${formatNumber(counts.expiring)} marked expiring`);
  if (counts.failed > 0) parts.push(`${formatNumber(counts.failed)} failed`);
  if (counts.unknown > 0) parts.push(`${formatNumber(counts.unknown)} with unknown outcome`);
  return {
    heading: parts.join(', '),
    counts,
    allDone: counts.failed === 0 && counts.unknown === 0,
  };
}

/** Runs `fn` over `items`, at most `limit` at a time; results in the items' order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
