import { z } from 'zod';

/*
 * A form's field-name contract: the names a component renders (`name=`) and the names the
 * handler reads come from one definition, so renaming a field on one side breaks the build.
 *
 *   export const namespaceForm = defineForm(['name', 'max_rps', 'request_id']);
 *   <TextField field={bind('max_rps')} … />          (components: a typo does not compile)
 *   post(app, route, { body: namespaceForm.body }, (request) => request.body.max_rps)
 */

declare const fieldNameBrand: unique symbol;
/** A form field's `name`: only a form contract produces one (checked by scripts/check-jsx.ts). */
export type FieldName<N extends string = string> = N & { readonly [fieldNameBrand]: 'FieldName' };

/** What the operator typed in each field, exactly, so a failed form comes back as they left it. */
export type FormValues<N extends string> = { [K in N]: string };

export interface FormContract<N extends string> {
  readonly fields: readonly N[];
  readonly names: { readonly [K in N]: FieldName<K> };
  /**
   * The body schema: each field as the string the browser sent ('' when missing; the first of
   * repeated values), anything else dropped. It never fails: what is wrong with a value is the
   * form's own parser's to say, beside the field.
   */
  readonly body: z.ZodType<FormValues<N>>;
  /** Every field empty. */
  empty(): FormValues<N>;
}

/** The CSRF token's field, on every form that posts (the csrf plugin reads it). */
export const CSRF_FIELD = '_csrf' as FieldName<'_csrf'>;

const firstString = z
  .unknown()
  .optional()
  .transform((value): string => {
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' ? first : '';
  });

export function defineForm<const N extends string>(fields: readonly N[]): FormContract<N> {
  const names = Object.fromEntries(fields.map((field) => [field, field])) as {
    [K in N]: FieldName<K>;
  };
  // The CSRF token travels in the body too: the csrf plugin reads it after this schema ran.
  const shape = Object.fromEntries([...fields, CSRF_FIELD].map((field) => [field, firstString]));
  const body = z.preprocess(
    (raw) => (raw && typeof raw === 'object' ? raw : {}),
    z.object(shape),
  ) as unknown as z.ZodType<FormValues<N>>;
  const empty = () => Object.fromEntries(fields.map((field) => [field, ''])) as FormValues<N>;
  return { fields, names, body, empty };
}

/** A field as a component renders it: name, id, what was typed, and the message beside it. */
export interface BoundField {
  name: FieldName;
  id: string;
  value: string;
  error: string | undefined;
}

/**
 * Binds a contract to the values and messages of one rendering: `bind('max_rps')` gives the
 * field's name, id (`<idPrefix>-max-rps`), value and error.
 */
export function binder<N extends string>(
  form: FormContract<N>,
  idPrefix: string,
  values: FormValues<N>,
  errors: { fields: { readonly [field: string]: string | undefined } },
): (field: N) => BoundField {
  return (field) => ({
    name: form.names[field],
    id: fieldId(idPrefix, field),
    value: values[field],
    error: errors.fields[field],
  });
}

/** `namespace` + `max_rps` → `namespace-max-rps`: what a summary message links to. */
export function fieldId(idPrefix: string, field: string): string {
  return `${idPrefix}-${field.replace(/_/g, '-')}`;
}
