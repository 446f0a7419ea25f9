import type { Children } from '@kitajs/html';
import {
  type BoundField,
  CSRF_FIELD,
  type FormContract,
  fieldId,
} from '../../src/forms/contract.js';
import type { FormErrors } from '../../src/forms/errors.js';
import { anchorHref, type Url } from '../../src/html/url.js';

/*
 * Form fields with their label, hint and error bound to the control: the error sits beside the
 * field, the control says it is invalid (`aria-invalid`) and points at the hint and error
 * (`aria-describedby`), so a screen reader hears why when it lands on the field.
 */

export interface FieldProps {
  /**
   * The field from its form's contract (src/forms/contract.ts): name, label, id, value and
   * error. The hint and error use the ids `<id>-hint` and `<id>-error`.
   */
  field: BoundField;
  hint?: string | undefined;
  required?: boolean;
}

export const errorId = (id: string) => `${id}-error`;
const hintId = (id: string) => `${id}-hint`;

function describedBy({ field, hint }: FieldProps): string | undefined {
  const ids = [hint ? hintId(field.id) : '', field.error ? errorId(field.id) : ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

const controlClass = (error: string | undefined) => [
  'block w-full min-h-10 rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset placeholder:text-slate-500 focus:ring-2 focus:ring-inset read-only:bg-slate-50 read-only:text-slate-600 dark:bg-slate-900 dark:text-slate-100 dark:placeholder:text-slate-400 dark:read-only:bg-slate-800 dark:read-only:text-slate-300',
  error
    ? 'ring-red-400 focus:ring-red-600 dark:ring-red-500'
    : 'ring-slate-300 focus:ring-indigo-600 dark:ring-slate-600 dark:focus:ring-indigo-400',
];

function Field(props: FieldProps & { children?: Children }): JSX.Element {
  const { hint, required } = props;
  const { id, error, label } = props.field;
  return (
    <div data-field={props.field.name}>
      <label for={id} class="block text-sm font-medium text-slate-900">
        <span safe>{label}</span>
        {required ? '' : <span class="ml-1 font-normal text-slate-500">(optional)</span>}
      </label>
      {hint ? (
        <p id={hintId(id)} class="mt-1 text-xs text-slate-500" safe>
          {hint}
        </p>
      ) : (
        ''
      )}
      {error ? (
        <p
          id={errorId(id)}
          class="mt-1 text-sm font-medium text-red-700 dark:text-red-300"
          data-testid="field-error"
        >
          <span class="sr-only">Error: </span>
          <span safe>{error}</span>
        </p>
      ) : (
        ''
      )}
      <div class="mt-1.5">{props.children}</div>
    </div>
  );
}

export function TextField(
  props: FieldProps & {
    type?: 'text' | 'search' | 'email' | 'url';
    inputmode?: 'text' | 'numeric' | 'decimal';
    readonly?: boolean;
    autocomplete?: string;
    pattern?: string;
    maxlength?: number;
    placeholder?: string;
    spellcheck?: boolean;
  },
): JSX.Element {
  return (
    <Field {...props}>
      <input
        type={props.type ?? 'text'}
        id={props.field.id}
        name={props.field.name}
        value={props.field.value}
        required={props.required}
        readonly={props.readonly}
        inputmode={props.inputmode}
        autocomplete={props.autocomplete ?? 'off'}
        pattern={props.pattern}
        maxlength={props.maxlength}
        placeholder={props.placeholder}
        spellcheck={props.spellcheck === false ? 'false' : undefined}
        aria-invalid={props.field.error ? 'true' : undefined}
        aria-describedby={describedBy(props)}
        class={controlClass(props.field.error)}
      />
    </Field>
  );
}

export function TextAreaField(
  props: FieldProps & { rows?: number; maxlength?: number; spellcheck?: boolean; mono?: boolean },
): JSX.Element {
  return (
    <Field {...props}>
      <textarea
        id={props.field.id}
        name={props.field.name}
        rows={String(props.rows ?? 3)}
        required={props.required}
        maxlength={props.maxlength}
        spellcheck={props.spellcheck === false ? 'false' : undefined}
        aria-invalid={props.field.error ? 'true' : undefined}
        aria-describedby={describedBy(props)}
        class={[...controlClass(props.field.error), props.mono ? 'font-mono' : '']}
        safe
      >
        {/* The parser drops one newline right after <textarea>: keep a leading blank line. */}
        {props.field.value.startsWith('\n') ? `\n${props.field.value}` : props.field.value}
      </textarea>
    </Field>
  );
}

export function SelectField(
  props: FieldProps & { options: readonly { value: string; label: string }[] },
): JSX.Element {
  return (
    <Field {...props}>
      <select
        id={props.field.id}
        name={props.field.name}
        required={props.required}
        aria-invalid={props.field.error ? 'true' : undefined}
        aria-describedby={describedBy(props)}
        class={controlClass(props.field.error)}
      >
        {props.options.map((option) => (
          <option value={option.value} selected={option.value === props.field.value} safe>
            {option.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

// `autofocus` is a global attribute, but the JSX types only know it on form controls.
const autofocus = { autofocus: true } as const;

export interface ErrorSummaryProps {
  title: string;
  /** Each message, linked to its field when it has one. */
  messages: readonly { text: string; href?: Url | undefined }[];
  children?: Children;
}

/**
 * The list of problems at the top of a form. It takes focus when it appears (also after an
 * htmx swap), so keyboard and screen-reader users start from what went wrong.
 */
export function ErrorSummary({ title, messages, children }: ErrorSummaryProps): JSX.Element {
  return (
    <div
      role="alert"
      tabindex="-1"
      // htmx focuses an [autofocus] element after a swap, and browsers do on page load.
      {...autofocus}
      aria-labelledby="error-summary-title"
      data-testid="error-summary"
      class="mb-6 rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900 focus:outline-2 focus:outline-red-600 dark:border-red-800 dark:bg-red-950 dark:text-red-100 dark:focus:outline-red-400"
    >
      <h2 id="error-summary-title" class="font-semibold" safe>
        {title}
      </h2>
      {messages.length > 0 ? (
        <ul class="mt-2 list-disc space-y-1 pl-5">
          {messages.map((message) => (
            <li>
              {message.href ? (
                <a href={message.href} class="underline hover:no-underline" safe>
                  {message.text}
                </a>
              ) : (
                <span safe>{message.text}</span>
              )}
            </li>
          ))}
        </ul>
      ) : (
        ''
      )}
      {children}
    </div>
  );
}

/** A value the form carries unseen (a request id, a version), from the form's contract. */
export function HiddenField({ field }: { field: BoundField }): JSX.Element {
  return <input type="hidden" name={field.name} value={field.value} />;
}

/** The CSRF token, for a post without JavaScript (htmx sends it as a header too). */
export function CsrfField({ token }: { token: string | undefined }): JSX.Element {
  return <input type="hidden" name={CSRF_FIELD} value={token} />;
}

/**
 * The summary's messages: those that belong to no field first, then each field's in the
 * form's order, labelled and linked to the field.
 */
export function formMessages<V extends string, H extends string>(
  errors: FormErrors<V>,
  form: FormContract<V, H>,
  idPrefix: string,
): { text: string; href?: Url }[] {
  return [
    ...errors.general.map((text) => ({ text })),
    ...form.visible.flatMap((field) => {
      const message = errors.fields[field];
      return message
        ? [
            {
              text: `${form.labels[field]}: ${message}`,
              href: anchorHref(fieldId(idPrefix, field)),
            },
          ]
        : [];
    }),
  ];
}

/**
 * The summary's link to where the operator can see whether a write whose answer was lost was
 * applied (a write failure's `checkHref`); nothing when there is none.
 */
export function checkMessage(checkHref: Url | undefined): { text: string; href: Url }[] {
  return checkHref ? [{ text: 'Check whether it was applied', href: checkHref }] : [];
}

export interface PostFormProps {
  id: string;
  action: Url;
  /** The form's accessible name. */
  label: string;
  class?: string;
  /** The CSRF token for a post without JavaScript (htmx sends it as a header too). */
  csrfToken: string | undefined;
  children?: Children;
}

/**
 * A form that changes something: a plain post without JavaScript (answered 303, or the form
 * again with messages); with htmx the same post replaces this form with the answer, and the
 * submit button is disabled while it is in flight.
 */
export function PostForm(props: PostFormProps): JSX.Element {
  return (
    <form
      id={props.id}
      method="post"
      action={props.action}
      novalidate
      hx-post={props.action}
      hx-target="this"
      hx-swap="outerHTML"
      hx-disabled-elt="find button[type=submit]"
      aria-label={props.label}
      class={props.class}
    >
      <CsrfField token={props.csrfToken} />
      {props.children}
    </form>
  );
}
