import { Code, ConnectError } from '@connectrpc/connect';
import { describeError } from '../views/errors.js';
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
}

export interface WriteFailureOptions<F extends string> {
  /** Where the control plane's field violations go in this form. */
  violations: ViolationMap<F>;
  /** ALREADY_EXISTS: the field it is about (when the form has it) and what to say. */
  alreadyExists?: { field?: F; message: string };
}

export const UNREACHABLE_MESSAGE =
  'The control plane could not be reached; nothing was confirmed. Your input is kept below — submit again.';
export const TIMEOUT_MESSAGE =
  'The control plane did not answer in time, so it is not known whether this was done. Your input is kept below — submit again: the control plane recognises a repeated request and will not act twice.';

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
  });
  switch (err.code) {
    case Code.InvalidArgument:
      return { ...failure(422, []), errors: violationErrors(err, options.violations) };
    case Code.AlreadyExists: {
      const said = options.alreadyExists;
      const message = said?.message ?? err.rawMessage;
      if (said?.field === undefined) return failure(409, [message]);
      return {
        ...failure(409, []),
        errors: { fields: { [said.field]: message } as Partial<Record<F, string>>, general: [] },
      };
    }
    case Code.FailedPrecondition:
    case Code.Aborted:
      // Usually a stale version: the route then explains it with the current values instead.
      return { ...failure(409, [err.rawMessage]), conflict: true };
    case Code.Unavailable:
      return { ...failure(503, [UNREACHABLE_MESSAGE]), keepRequestId: true };
    case Code.DeadlineExceeded:
      return { ...failure(504, [TIMEOUT_MESSAGE]), keepRequestId: true };
    case Code.NotFound:
    case Code.Unauthenticated:
      return undefined;
    default: {
      const described = describeError(err);
      return failure(described.status, [described.message]);
    }
  }
}
