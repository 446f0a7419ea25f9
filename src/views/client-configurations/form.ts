import { z } from 'zod';
import {
  defineForm,
  type FieldOf,
  type FormValues,
  type VisibleFieldOf,
} from '../../forms/contract.js';
import { envelopeProblem, envelopeVersion } from '../../forms/envelope.js';
import { type FormErrors, fieldErrorsFrom, type ViolationMap } from '../../forms/errors.js';
import { reasonField } from '../../forms/fields.js';
import type {
  AccessPattern,
  ClientConfiguration,
} from '../../gen/prism/admin/v1/client_configuration_pb.js';
import { type OptionRow, optionRows, optionsText, parseOptions, rowsFrom } from './options.js';
import { isKnownPattern, patternFromFormValue, patternValue } from './pattern.js';

/* The create and edit form: its field contract, its values, and what it asks for. */

export const configurationForm = defineForm({
  labels: {
    name: 'Name',
    namespace: 'Namespace',
    pattern: 'Access pattern',
    backend: 'Backend',
    description: 'Description',
    options: 'Options',
    reason: 'Reason',
  },
  hidden: [
    'request_id',
    'version',
    // One of each per options row, in order.
    'option_key',
    'option_value',
    // Which button sent the form: "add-row", "remove-<n>", or the save button (empty).
    'action',
    // The values the edit form was rendered from: what changed meanwhile, after a conflict.
    'original_pattern',
    'original_backend',
    'original_description',
    'original_options',
  ],
});
export type ConfigurationField = VisibleFieldOf<typeof configurationForm>;
type AllValues = FormValues<FieldOf<typeof configurationForm>>;
type RowFields = 'option_key' | 'option_value' | 'options';

/** What the operator typed: every scalar field as sent, and the options rows. */
export type ConfigurationFormValues = Omit<AllValues, RowFields> & { rows: OptionRow[] };

/** The body as Fastify validates it: the contract's fields, with the row fields as lists. */
export const configurationBody = z.unknown().transform((raw) => {
  const values = configurationForm.body.parse(raw) as AllValues;
  const body = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const { option_key: _k, option_value: _v, options: _o, ...rest } = values;
  return { ...rest, rows: rowsFrom(body.option_key, body.option_value) };
});

/** The values a binder reads (the row fields are rendered by the options editor). */
export function bindable(values: ConfigurationFormValues): AllValues {
  const { rows: _rows, ...rest } = values;
  return { ...rest, option_key: '', option_value: '', options: '' };
}

export const configurationViolations: ViolationMap<ConfigurationField> = {
  name: 'name',
  'client_configuration.name': 'name',
  'client_configuration.namespace': 'namespace',
  'client_configuration.pattern': 'pattern',
  'client_configuration.backend': 'backend',
  'client_configuration.description': 'description',
  'client_configuration.options': 'options',
  reason: 'reason',
};

export const CONFIGURATION_EXISTS =
  'A client configuration with this name already exists; choose another name.';

export function emptyConfigurationForm(requestId: string, namespace = ''): ConfigurationFormValues {
  const { option_key: _k, option_value: _v, options: _o, ...rest } = configurationForm.empty();
  return { ...rest, namespace, request_id: requestId, rows: [{ key: '', value: '' }] };
}

function originalsOf(c: ClientConfiguration) {
  return {
    original_pattern: patternValue(c.pattern),
    original_backend: c.backend,
    original_description: c.description,
    original_options: optionsText(c.options),
  };
}

export function configurationFormValues(
  c: ClientConfiguration,
  requestId: string,
): ConfigurationFormValues {
  return {
    name: c.name,
    namespace: c.namespace,
    pattern: patternValue(c.pattern),
    backend: c.backend,
    description: c.description,
    reason: '',
    request_id: requestId,
    version: c.version.toString(),
    action: '',
    ...originalsOf(c),
    rows: optionRows(c.options),
  };
}

/** The operator's values over `c` (changed meanwhile): its version and originals, their input. */
export function rebaseConfigurationForm(
  values: ConfigurationFormValues,
  c: ClientConfiguration,
): ConfigurationFormValues {
  return { ...values, version: c.version.toString(), ...originalsOf(c) };
}

export interface ConfigurationInput {
  name: string;
  namespace: string;
  pattern: AccessPattern;
  backend: string;
  description: string;
  options: Record<string, string>;
  reason: string;
  requestId: string;
  version: bigint;
}

export const NAME_PATTERN = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;
const NAME_RULE =
  'Use 3 to 63 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen.';
export const UNKNOWN_PATTERN_KEPT_ONLY =
  'This access pattern is not one the console can set; choose another.';

const schema = z.object({
  name: z.string().trim().min(1, 'Enter a name.').regex(NAME_PATTERN, NAME_RULE),
  namespace: z
    .string()
    .trim()
    .min(1, 'Enter the namespace this configuration belongs to.')
    .regex(NAME_PATTERN, 'This is not a namespace name. '.concat(NAME_RULE)),
  pattern: z.string().transform((value, ctx) => {
    const pattern = patternFromFormValue(value);
    if (pattern === undefined) {
      ctx.addIssue({ code: 'custom', message: 'Choose an access pattern.' });
      return z.NEVER;
    }
    return pattern;
  }),
  backend: z.string().trim().min(1, 'Choose a backend.').max(253, 'The backend name is too long.'),
  description: z.string().trim(),
  reason: reasonField,
});

export type ParsedForm =
  | { ok: true; input: ConfigurationInput }
  | { ok: false; errors: FormErrors<ConfigurationField>; rows: Record<number, string> };

export function parseConfigurationForm(
  values: ConfigurationFormValues,
  mode: 'create' | 'edit',
): ParsedForm {
  const parsed = schema.safeParse(values);
  const options = parseOptions(values.rows);
  const problem = envelopeProblem(values, mode === 'edit');
  const errors: FormErrors<ConfigurationField> = parsed.success
    ? { fields: {}, general: [] }
    : fieldErrorsFrom(parsed.error.issues, configurationForm.visible);
  // An unknown pattern can be kept (sent back as read) but never chosen.
  if (
    parsed.success &&
    !isKnownPattern(parsed.data.pattern) &&
    !(mode === 'edit' && values.pattern === values.original_pattern)
  ) {
    errors.fields.pattern = UNKNOWN_PATTERN_KEPT_ONLY;
  }
  if (!options.ok) errors.fields.options = 'Check the options marked below.';
  if (problem) errors.general.push(problem);
  if (!parsed.success || !options.ok || Object.keys(errors.fields).length > 0 || problem) {
    return { ok: false, errors, rows: options.ok ? {} : options.rows };
  }
  return {
    ok: true,
    input: {
      ...parsed.data,
      options: options.options,
      requestId: values.request_id,
      version: mode === 'edit' ? envelopeVersion(values) : 0n,
    },
  };
}

/** The ClientConfiguration message of a valid form. */
export function configurationMessage(input: ConfigurationInput) {
  return {
    name: input.name,
    namespace: input.namespace,
    pattern: input.pattern,
    backend: input.backend,
    description: input.description,
    options: input.options,
    version: input.version,
  };
}
