import { randomUUID } from 'node:crypto';

/*
 * What every mutation form carries besides the operator's fields: a request id (a resubmission
 * with the same id is recognised by the control plane and does not act twice) and, for changes
 * to something that exists, the version the operator read (optimistic concurrency).
 */

/** What a request id looks like (a UUID here; other clients' ids within these bounds). */
export const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const VERSION = /^\d{1,19}$/;

/** A fresh id per rendering of a form that was not sent: a double submit is one change. */
export const newRequestId = (): string => randomUUID();

export const INCOMPLETE_FORM =
  'The form arrived incomplete (its request id or version was missing). Nothing was changed; check the values and submit again.';

/** Why the envelope is unusable, or undefined when it is sound. */
export function envelopeProblem(
  values: { request_id: string; version?: string },
  needsVersion: boolean,
): string | undefined {
  if (!REQUEST_ID.test(values.request_id)) return INCOMPLETE_FORM;
  if (needsVersion && !VERSION.test(values.version ?? '')) return INCOMPLETE_FORM;
  return undefined;
}

/** The version a sound envelope carries (0 when the form has none). */
export function envelopeVersion(values: { version?: string }): bigint {
  return values.version && VERSION.test(values.version) ? BigInt(values.version) : 0n;
}
