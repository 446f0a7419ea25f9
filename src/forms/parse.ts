import type { z } from 'zod';
import type { FormContract } from './contract.js';
import { envelopeProblem } from './envelope.js';
import { type FormErrors, fieldErrorsFrom } from './errors.js';

/** A form read: what its schema made of it, or the messages to send it back with. */
export type Parsed<F extends string, T> =
  | { ok: true; data: T }
  | { ok: false; errors: FormErrors<F> };

/**
 * Reads a mutation form: the operator's fields with `schema` (each problem beside its field)
 * and its envelope (request id, and the version when `needsVersion`). An unusable envelope is
 * the one general message: the form arrived incomplete, and nothing was sent.
 */
export function parseForm<V extends string, H extends string, T>(
  form: FormContract<V, H>,
  schema: z.ZodType<T>,
  values: { request_id: string; version?: string },
  needsVersion: boolean,
): Parsed<V, T> {
  const parsed = schema.safeParse(values);
  const problem = envelopeProblem(values, needsVersion);
  if (parsed.success && !problem) return { ok: true, data: parsed.data };
  const errors = parsed.success
    ? { fields: {}, general: [] }
    : fieldErrorsFrom(parsed.error.issues, form.visible);
  return { ok: false, errors: { ...errors, general: problem ? [problem] : errors.general } };
}
