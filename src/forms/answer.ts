import type { FastifyRequest } from 'fastify';
import type { Url } from '../html/url.js';
import type { HtmlReply, Sent } from '../plugins/page.js';
import { envelopeVersion } from './envelope.js';
import type { FormErrors } from './errors.js';
import { attemptWrite, isFailedWrite, withNewRequestId } from './submit.js';
import type { WriteFailureOptions } from './write-failure.js';

/*
 * The post of a form that acts on one thing (delete, terminate, cancel): read the form, make
 * the write, and answer with the redirect, or the form again as the operator left it with the
 * thing as it is now. The route says what is specific: the call, the redirect, the page.
 */

/** What the form is sent (back) with. */
export interface FormAnswer<F extends string, V, T> {
  status: number;
  values: V;
  errors: FormErrors<F>;
  /** The thing as it is now; undefined when it could not be read (or the outcome is unknown). */
  current: T | undefined;
  /** Someone else changed it after the operator opened the page (a stale version). */
  changedMeanwhile?: boolean;
  /** Where to check whether a write whose answer was lost was applied. */
  checkHref?: Url | undefined;
}

export interface SubmitSpec<F extends string, V, I, T> {
  /** For the log: "delete namespace". */
  what: string;
  values: V;
  parsed: { ok: true; input: I } | { ok: false; errors: FormErrors<F> };
  failure: WriteFailureOptions<F>;
  /** The thing as it is now; undefined when the control plane cannot be reached to read it. */
  reread: () => Promise<T | undefined>;
  /** The control-plane call and, when it succeeded, the redirect with the notice. */
  write: (input: I) => Promise<Sent>;
  /** The form again. */
  send: (answer: FormAnswer<F, V, T>) => Promise<Sent>;
  /**
   * For a form that carries the version it was read at: after a stale-version conflict it comes
   * back at the current version, marked `changedMeanwhile`, to confirm again.
   */
  versionOf?: (current: T) => bigint;
}

export async function submitForm<
  F extends string,
  V extends { request_id: string; version?: string },
  I,
  T,
>(request: FastifyRequest, reply: HtmlReply, spec: SubmitSpec<F, V, I, T>): Promise<Sent> {
  const { parsed, values } = spec;
  if (!parsed.ok) {
    const current = await spec.reread();
    return spec.send({
      status: 422,
      values: withNewRequestId(values),
      errors: parsed.errors,
      current,
    });
  }
  const { input } = parsed;
  const result = await attemptWrite(request, spec.what, values, spec.failure, () =>
    spec.write(input),
  );
  if (!isFailedWrite(result)) return result;
  const { failure } = result;
  if (failure.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(failure.retryAfterSeconds));
  }
  const answer: FormAnswer<F, V, T> = {
    status: failure.status,
    values: result.values,
    errors: failure.errors,
    // An unknown outcome keeps the form as sent; otherwise show the thing as it is now.
    current: failure.outcomeUnknown ? undefined : await spec.reread(),
    checkHref: failure.checkHref,
  };
  const version = answer.current && spec.versionOf?.(answer.current);
  if (failure.conflict && version !== undefined && version !== envelopeVersion(values)) {
    // Changed since the operator looked: nothing was done; show it as it is now and let them
    // confirm again against the new version.
    answer.values = { ...answer.values, version: version.toString() };
    answer.errors = { ...answer.errors, general: [] };
    answer.changedMeanwhile = true;
  }
  return spec.send(answer);
}
