import { z } from 'zod';

/*
 * A form's contract: the names a component renders (`name=`), the labels it shows, and the names
 * the handler reads come from one definition, so renaming a field on one side breaks the build.
 *
 *   export const namespaceForm = defineForm({
 *     labels: { name: 'Name', max_rps: 'Max requests per second' },   // shown, in this order
 *     hidden: ['request_id'],                                          // carried unseen
 *   });
 *   <TextField field={bind('max_rps')} />     (components: a typo does not compile)
 *   post(app, route, { body: namespaceForm.body }, (request) => request.body.max_rps)
 */

declare const fieldNameBrand: unique symbol;
/** A form field's `name`: only a form contract produces one (checked by scripts/check-jsx.ts). */
export type FieldName<N extends string = string> = N & { readonly [fieldNameBrand]: 'FieldName' };

/** What the operator typed in each field, exactly, so a failed form comes back as they left it. */
export type FormValues<N extends string> = { [K in N]: string };

export interface FormContract<V extends string, H extends string = never> {
  /** The fields the operator fills in, in the order the form shows them. */
  readonly visible: readonly V[];
  /** Every field the form posts: the visible ones, then the hidden ones. */
  readonly fields: readonly (V | H)[];
  /** What each visible field is called, beside it and in the summary of problems. */
  readonly labels: Readonly<Record<V, string>>;
  readonly names: { readonly [K in V | H]: FieldName<K> };
  /**
   * The body schema: each field as the string the browser sent ('' when missing; the first of
   * repeated values), anything else dropped. It never fails: what is wrong with a value is the
   * form's own parser's to say, beside the field.
   */
  readonly body: z.ZodType<FormValues<V | H>>;
  /** Every field empty. */
  empty(): FormValues<V | H>;
}

/** Every field name of a contract (`FieldOf<typeof namespaceForm>`). */
export type FieldOf<C> = C extends FormContract<infer V, infer H> ? V | H : never;
/** The fields the operator fills in. */
export type VisibleFieldOf<C> = C extends FormContract<infer V, infer _H> ? V : never;

/** The CSRF token's field, on every form that posts (the csrf plugin reads it). */
export const CSRF_FIELD = '_csrf' as FieldName<'_csrf'>;

const firstString = z
  .unknown()
  .optional()
  .transform((value): string => {
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' ? first : '';
  });

export function defineForm<
  const L extends Readonly<Record<string, string>>,
  const H extends string = never,
>(spec: { labels: L; hidden?: readonly H[] }): FormContract<keyof L & string, H> {
  type V = keyof L & string;
  const visible = Object.keys(spec.labels) as V[];
  const fields: (V | H)[] = [...visible, ...(spec.hidden ?? [])];
  const names = Object.fromEntries(fields.map((field) => [field, field])) as {
    [K in V | H]: FieldName<K>;
  };
  // The CSRF token travels in the body too: the csrf plugin reads it after this schema ran.
  const shape = Object.fromEntries([...fields, CSRF_FIELD].map((field) => [field, firstString]));
  const body = z.preprocess(
    (raw) => (raw && typeof raw === 'object' ? raw : {}),
    z.object(shape),
  ) as unknown as z.ZodType<FormValues<V | H>>;
  const empty = () => Object.fromEntries(fields.map((field) => [field, ''])) as FormValues<V | H>;
  return { visible, fields, labels: spec.labels, names, body, empty };
}

/** A field as a component renders it: name, id, what was typed, and the message beside it. */
export interface BoundField {
  name: FieldName;
  /** The contract's label (empty for a hidden field). */
  label: string;
  id: string;
  value: string;
  error: string | undefined;
}

/**
 * Binds a contract to the values and messages of one rendering: `bind('max_rps')` gives the
 * field's name, label, id (`<idPrefix>-max-rps`), value and error.
 */
export function binder<V extends string, H extends string>(
  form: FormContract<V, H>,
  idPrefix: string,
  values: FormValues<V | H>,
  errors: { fields: { readonly [field: string]: string | undefined } },
): (field: V | H) => BoundField {
  const labels: Readonly<Record<string, string>> = form.labels;
  return (field) => ({
    name: form.names[field],
    label: labels[field] ?? '',
    id: fieldId(idPrefix, field),
    value: values[field],
    error: errors.fields[field],
  });
}

/** `namespace` + `max_rps` → `namespace-max-rps`: what a summary message links to. */
export function fieldId(idPrefix: string, field: string): string {
  return `${idPrefix}-${field.replace(/_/g, '-')}`;
}
