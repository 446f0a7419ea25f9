import type { FastifyRequest } from 'fastify';
import type { Sent } from '../plugins/page.js';
import { newRequestId } from './envelope.js';
import { type WriteFailure, type WriteFailureOptions, writeFailure } from './write-failure.js';

/** A failed write, to answer with the form again. */
export interface FailedWrite<F extends string, V> {
  failure: WriteFailure<F>;
  /** What the operator sent, with the request id kept (outcome unknown) or renewed (refused). */
  values: V;
}

/**
 * Runs a write (the control-plane call and the answer on success). A refusal or failure the
 * form can explain comes back as `FailedWrite`; anything else (NOT_FOUND, sign in again, a bug)
 * is thrown to the error handler.
 */
export async function attemptWrite<F extends string, V extends { request_id: string }>(
  request: FastifyRequest,
  what: string,
  values: V,
  options: WriteFailureOptions<F>,
  write: () => Promise<Sent>,
): Promise<Sent | FailedWrite<F, V>> {
  try {
    return await write();
  } catch (err) {
    const failure = writeFailure(err, options);
    if (!failure) throw err;
    request.log.info({ err }, `${what}: refused or failed`);
    return {
      failure,
      // Not known to have been reached: the same id lets the control plane recognise a
      // resubmission. Refused: the next submission is a new request.
      values: { ...values, request_id: failure.keepRequestId ? values.request_id : newRequestId() },
    };
  }
}

export function isFailedWrite<F extends string, V>(
  result: Sent | FailedWrite<F, V>,
): result is FailedWrite<F, V> {
  return 'failure' in result;
}

/** An invalid form goes back with a new request id: it was never sent. */
export function withNewRequestId<V extends { request_id: string }>(values: V): V {
  return { ...values, request_id: newRequestId() };
}
