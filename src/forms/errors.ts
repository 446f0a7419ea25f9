import type { ConnectError } from '@connectrpc/connect';
import { BadRequestSchema } from '../gen/google/rpc/error_details_pb.js';
import { controlPlaneSaid } from '../views/errors.js';

/** Messages for a form: beside each field, and those that belong to no field. */
export interface FormErrors<F extends string> {
  fields: Partial<Record<F, string>>;
  general: string[];
}

export const noErrors = <F extends string>(): FormErrors<F> => ({ fields: {}, general: [] });

export function hasErrors<F extends string>(errors: FormErrors<F>): boolean {
  return errors.general.length > 0 || Object.keys(errors.fields).length > 0;
}

/** The first message of each field a zod parse found wrong (its path's first key is the field). */
export function fieldErrorsFrom<F extends string>(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  fields: readonly F[],
): FormErrors<F> {
  const errors = noErrors<F>();
  for (const issue of issues) {
    const key = issue.path[0];
    const field = fields.find((f) => f === key);
    if (field === undefined) errors.general.push(issue.message);
    else errors.fields[field] ??= issue.message;
  }
  return errors;
}

/**
 * Where the control plane's field violations go in a form: a violation's path (as the control
 * plane writes it: `namespace.quota.max_rps`, camel or snake case, map keys in brackets) →
 * the form field that holds it.
 */
export type ViolationMap<F extends string> = Readonly<Record<string, F>>;

/**
 * The form field of a violation's path: `namespace.quota.maxSessions` reads like its proto path
 * `namespace.quota.max_sessions`, and a path inside a field (`namespace.config["x"]`,
 * `namespace.config.x`) belongs to the longest mapped path it starts with.
 */
function fieldOf<F extends string>(path: string, violations: ViolationMap<F>): F | undefined {
  let candidate = path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/\[.*$/, '');
  for (;;) {
    if (Object.hasOwn(violations, candidate)) return violations[candidate];
    const dot = candidate.lastIndexOf('.');
    if (dot < 0) return undefined;
    candidate = candidate.slice(0, dot);
  }
}

/**
 * Maps the control plane's field violations onto a form's fields; a violation for a field the
 * form does not have (or an INVALID_ARGUMENT without details) becomes a general message.
 */
export function violationErrors<F extends string>(
  err: ConnectError,
  violations: ViolationMap<F>,
): FormErrors<F> {
  const errors = noErrors<F>();
  const details = err.findDetails(BadRequestSchema).flatMap((d) => d.fieldViolations);
  for (const violation of details) {
    const field = fieldOf(violation.field, violations);
    if (field !== undefined) {
      errors.fields[field] ??= violation.description;
    } else {
      errors.general.push(
        violation.field ? `${violation.field}: ${violation.description}` : violation.description,
      );
    }
  }
  if (details.length === 0) {
    errors.general.push(err.rawMessage ? controlPlaneSaid(err) : 'The control plane refused it.');
  }
  return errors;
}
