import { ConnectError } from '@connectrpc/connect';
import type { FormErrors } from '../../forms/errors.js';
import type { ConfigurationField } from '../../views/client-configurations/form.js';
import {
  type OptionRow,
  optionViolations,
  type RowErrors,
} from '../../views/client-configurations/options.js';

export const OPTIONS_MARKED = 'Check the options marked below.';

/**
 * The control plane's violations about single options beside their rows: the forms kit puts
 * `client_configuration.options[key]` on the options group; the rows holding those keys get
 * the words, and the group says to look at them.
 */
export function markRows(
  errors: FormErrors<ConfigurationField>,
  cause: unknown,
  rows: readonly OptionRow[],
): { errors: FormErrors<ConfigurationField>; rowErrors: RowErrors } {
  const rowErrors = cause instanceof ConnectError ? optionViolations(cause, rows) : {};
  if (Object.keys(rowErrors).length === 0) return { errors, rowErrors };
  return {
    errors: { ...errors, fields: { ...errors.fields, options: OPTIONS_MARKED } },
    rowErrors,
  };
}

/** Runs a control-plane call, keeping its error for `markRows` before passing it on. */
export function keepingError<T>(keep: (err: unknown) => void, call: () => Promise<T>): Promise<T> {
  return call().catch((err: unknown) => {
    keep(err);
    throw err;
  });
}
