import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/*
 * What every mutation form carries besides the operator's fields: a request id (a resubmission
 * with the same id is recognised by the control plane and does not act twice) and, for changes
 * to something that exists, the version the operator read (optimistic concurrency).
 */

/** What a request id looks like (a UUID here; other clients' ids within these bounds). */
export const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const VERSION = /^\d{1,19}$/;

/** Whether the console request being answered showed something a repeat view must not reuse. */
export interface Unrepeatable {
  unrepeatable: boolean;
  /** A "Copy as command" region was rendered: the page loads its script (src/plugins/page.tsx). */
  copyRegion?: boolean;
}
const answering = new AsyncLocalStorage<Unrepeatable>();

/**
 * Runs `next` (the rest of a console request) noting whether it hands out a request id, or
 * reads what no ETag covers: such a page must never be answered "not modified"
 * (src/plugins/page.tsx), or a browser would submit a form with an id already used. Noted here
 * so no route has to remember it.
 */
export function noteUnrepeatable(scope: Unrepeatable, next: () => void): void {
  answering.run(scope, next);
}

/** The request being answered shows something that must not be reused (see above). */
export function markUnrepeatable(): void {
  const scope = answering.getStore();
  if (scope) scope.unrepeatable = true;
}

/**
 * The request being answered renders a "Copy as command" region. Noted in the same scope, so the
 * layout need not search the page's content for it (a search of a 60 KB page that is still a
 * rope of thousands of pieces copies it whole, once more than sending it does).
 */
export function markCopyRegion(): void {
  const scope = answering.getStore();
  if (scope) scope.copyRegion = true;
}

/** A fresh id per rendering of a form that was not sent: a double submit is one change. */
export const newRequestId = (): string => {
  markUnrepeatable();
  return randomUUID();
};

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
