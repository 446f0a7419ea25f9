import { Code, ConnectError } from '@connectrpc/connect';
import { answerMayHaveArrived, isNotLeader, mayBeStaleVersion } from '../control-plane/errors.js';
import type { Url } from '../html/url.js';
import { controlPlaneSaid, describeError, notLeaderMessage } from '../views/errors.js';
import { type FormErrors, type ViolationMap, violationErrors } from './errors.js';

/** How a failed write is answered: the form again, with this status and these messages. */
export interface WriteFailure<F extends string> {
  status: number;
  errors: FormErrors<F>;
  /**
   * True when it is not known whether the control plane acted (it was not reached, or did not
   * answer in time): the form is sent back with the same request id, so submitting again is
   * recognised as the same request and cannot act twice. False when it refused: a new id.
   */
  keepRequestId: boolean;
  /** It was changed by someone else since the operator read it (a stale version). */
  conflict: boolean;
  /**
   * The outcome is unknown: the answer was lost after the request may have reached the
   * control plane (a broken connection, the deadline). The form offers `checkHref`.
   */
  outcomeUnknown: boolean;
  /** Where to check whether it was applied (the option of that name), when the outcome is unknown. */
  checkHref?: Url;
  /** RESOURCE_EXHAUSTED with RetryInfo: answer with this `Retry-After`. */
  retryAfterSeconds?: number;
}

export interface WriteFailureOptions<F extends string> {
  /** Where the control plane's field violations go in this form. */
  violations: ViolationMap<F>;
  /** ALREADY_EXISTS: the field it is about (when the form has it) and what to say. */
  alreadyExists?: { field?: F; message: string };
  /** What shows whether the write was applied (its detail page), for when that is unknown. */
  checkHref?: Url;
}

export const UNREACHABLE_MESSAGE =
  'The control plane could not be reached; nothing was confirmed. Your input is kept below — submit again.';
export const TIMEOUT_MESSAGE =
  'The control plane did not answer in time, so it is not known whether this change was applied. Check whether it was applied; your input is kept below, and submitting it again is safe: the control plane recognises a repeated request and will not act twice.';
export const LOST_ANSWER_MESSAGE =
  'The connection to the control plane broke before it answered, so it is not known whether this change was applied. Check whether it was applied; your input is kept below, and submitting it again is safe: the control plane recognises a repeated request and will not act twice.';

/**
 * Turns a refused or failed write into form messages. Returns undefined for what the error
 * handler answers better: the thing is gone (404) or the operator must sign in again.
 */
export function writeFailure<F extends string>(
  err: unknown,
  options: WriteFailureOptions<F>,
): WriteFailure<F> | undefined {
  if (!(err instanceof ConnectError)) return undefined;
  const failure = (status: number, general: string[]): WriteFailure<F> => ({
    status,
    errors: { fields: {}, general },
    keepRequestId: false,
    conflict: false,
    outcomeUnknown: false,
  });
  // Not known whether it was applied: same request id, and where to look.
  const unknown = (status: number, message: string): WriteFailure<F> => ({
    ...failure(status, [message]),
    keepRequestId: true,
    outcomeUnknown: true,
    ...(options.checkHref ? { checkHref: options.checkHref } : {}),
  });
  switch (err.code) {
    case Code.InvalidArgument:
      return { ...failure(422, []), errors: violationErrors(err, options.violations) };
    case Code.AlreadyExists: {
      const said = options.alreadyExists;
      const message = said?.message ?? controlPlaneSaid(err);
      if (said?.field === undefined) return failure(409, [message]);
      return {
        ...failure(409, []),
        errors: { fields: { [said.field]: message } as Partial<Record<F, string>>, general: [] },
      };
    }
    case Code.FailedPrecondition:
    case Code.Aborted:
      // A stale version (PreconditionFailure VERSION, or no details to say otherwise): the
      // route then explains it with the current values instead.
      return { ...failure(409, [controlPlaneSaid(err)]), conflict: mayBeStaleVersion(err) };
    case Code.Unavailable:
      if (answerMayHaveArrived(err)) return unknown(503, LOST_ANSWER_MESSAGE);
      // Not reached, or it said it could not serve: nothing was applied. The same id anyway,
      // so a resubmission that races a late success is still recognised.
      return {
        ...failure(503, [isNotLeader(err) ? notLeaderMessage(err) : UNREACHABLE_MESSAGE]),
        keepRequestId: true,
      };
    case Code.DeadlineExceeded:
      return unknown(504, TIMEOUT_MESSAGE);
    case Code.NotFound:
    case Code.Unauthenticated:
      return undefined;
    default: {
      // RESOURCE_EXHAUSTED (429, Retry-After), UNIMPLEMENTED (501) and the rest: as a page says it.
      const described = describeError(err);
      const { retryAfterSeconds } = described;
      return {
        ...failure(described.status, [described.message]),
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      };
    }
  }
}
