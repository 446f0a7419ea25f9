import { binder } from '../../src/forms/contract.js';
import type { FormErrors } from '../../src/forms/errors.js';
import type { Url } from '../../src/html/url.js';
import type { CommandView } from '../../src/views/commands.js';
import {
  CHANGEABLE,
  type ConflictView,
  type NamespaceField,
  type NamespaceFormValues,
  namespaceForm,
  ORIGINAL_FIELDS,
  sameFieldValue,
} from '../../src/views/namespaces/form.js';
import {
  isSettableStatus,
  statusChoices,
  statusFromFormValue,
  statusLabel,
} from '../../src/views/namespaces/status.js';
import { Alert } from '../ui/Alert.js';
import { CopyCommand } from '../ui/CopyCommand.js';
import { FormActions } from '../ui/FormActions.js';
import {
  checkMessage,
  ErrorSummary,
  formMessages,
  HiddenField,
  PostForm,
  SelectField,
  TextAreaField,
  TextField,
} from '../ui/FormField.js';

export const NAMESPACE_FORM_ID = 'namespace-form';
/** Field ids are `namespace-<field>` (`namespace-max-rps`), so the summary can link to each. */
export const FIELD_ID_PREFIX = 'namespace';

export interface NamespaceFormProps {
  mode: 'create' | 'edit';
  /** Where the form posts: the list for create, the namespace for edit. */
  action: Url;
  values: NamespaceFormValues;
  errors: FormErrors<NamespaceField>;
  /** Set when someone else changed the namespace since the operator read it. */
  conflict?: ConflictView | undefined;
  /** Where to check whether a write whose answer was lost was applied. */
  checkHref?: Url | undefined;
  cancelHref: Url;
  /** The CSRF token for a post without JavaScript (htmx sends it as a header too). */
  csrfToken: string | undefined;
  /** "Copy as command" under the form: the request it would send now. */
  command?: CommandView | undefined;
}

const QUOTA_FIELDS: readonly NamespaceField[] = ['max_sessions', 'max_storage', 'max_rps'];

function show(field: NamespaceField, value: string): string {
  if (field === 'status') return statusLabel(value);
  if (QUOTA_FIELDS.includes(field) && (value.trim() === '0' || value.trim() === '')) {
    return '0 (unlimited)';
  }
  return value === '' ? '(empty)' : value;
}

function ConflictPanel({
  conflict,
  values,
}: {
  conflict: ConflictView;
  values: NamespaceFormValues;
}): JSX.Element {
  return (
    <div data-testid="conflict">
      <Alert tone="warning" title="Someone else changed this namespace while you were editing">
        <p safe>
          {`Your changes were not saved. It is now at version ${conflict.version}, last changed ${conflict.updated}${
            conflict.updatedBy ? ` by ${conflict.updatedBy}` : ''
          }. Compare the current values with yours below. To apply yours over the current version, check them and save again; to keep the current ones, cancel.`}
        </p>
        <table class="mt-3 w-full text-left text-sm">
          <caption class="sr-only">Current values and yours</caption>
          <thead>
            <tr class="text-xs uppercase tracking-wide text-amber-800">
              <th scope="col" class="py-1 pr-3 font-semibold">
                Field
              </th>
              <th scope="col" class="py-1 pr-3 font-semibold">
                Current value
              </th>
              <th scope="col" class="py-1 font-semibold">
                Your value
              </th>
            </tr>
          </thead>
          <tbody class="divide-y divide-amber-200">
            {CHANGEABLE.map((field) => {
              const current = conflict.current[field];
              const mine = values[field];
              // The same comparison as the update mask's: the rows marked are what saving changes.
              const differs = !sameFieldValue(field, mine, current);
              return (
                <tr data-testid="conflict-row" data-field={field} data-differs={String(differs)}>
                  <th scope="row" class="py-1.5 pr-3 align-top font-medium" safe>
                    {namespaceForm.labels[field]}
                  </th>
                  <td
                    class="whitespace-pre-wrap break-all py-1.5 pr-3 align-top"
                    data-testid="current-value"
                    safe
                  >
                    {show(field, current)}
                  </td>
                  <td
                    class={[
                      'whitespace-pre-wrap break-all py-1.5 align-top',
                      differs ? 'font-semibold' : '',
                    ]}
                    safe
                  >
                    {show(field, mine)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Alert>
    </div>
  );
}

const STATUS_HINT = 'Read-only refuses writes; suspended refuses all traffic.';

/** The status hint, saying so when the current status is one the console does not know. */
function statusHint(value: string): string {
  const status = statusFromFormValue(value);
  if (status === undefined || isSettableStatus(status)) return STATUS_HINT;
  return `${statusLabel(value)} is a status this console does not know; it is kept unless you choose another. ${STATUS_HINT}`;
}

/**
 * Create and edit. Posts without JavaScript; with htmx the same post swaps this form for the
 * answer — the form again with messages, or a redirect to the namespace.
 */
export function NamespaceForm(props: NamespaceFormProps): JSX.Element {
  const { mode, values, errors, conflict } = props;
  const bind = binder(namespaceForm, FIELD_ID_PREFIX, values, errors);
  const messages = [
    ...formMessages(errors, namespaceForm, FIELD_ID_PREFIX),
    ...checkMessage(props.checkHref),
  ];
  return (
    <PostForm
      id={NAMESPACE_FORM_ID}
      action={props.action}
      label={mode === 'create' ? 'Create namespace' : 'Edit namespace'}
      class="max-w-3xl"
      csrfToken={props.csrfToken}
    >
      {messages.length > 0 ? (
        <ErrorSummary title="The namespace was not saved" messages={messages} />
      ) : (
        ''
      )}
      {conflict ? <ConflictPanel conflict={conflict} values={values} /> : ''}
      <HiddenField field={bind('request_id')} />
      {mode === 'edit' ? <HiddenField field={bind('version')} /> : ''}
      {/* The values this form was rendered from: saving sends only what the operator changed. */}
      {mode === 'edit' ? ORIGINAL_FIELDS.map((field) => <HiddenField field={bind(field)} />) : ''}

      <div class="space-y-6 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <TextField
          field={bind('name')}
          required
          readonly={mode === 'edit'}
          spellcheck={false}
          maxlength={63}
          hint={
            mode === 'create'
              ? '3 to 63 lower-case letters, digits and hyphens, starting with a letter. It cannot be changed later.'
              : 'A namespace keeps its name.'
          }
        />
        <TextAreaField field={bind('description')} rows={2} />
        <SelectField
          field={bind('status')}
          required
          options={statusChoices(values.status)}
          hint={statusHint(values.status)}
        />
        <fieldset>
          <legend class="text-sm font-semibold text-slate-900">Quota</legend>
          <p class="mt-1 text-xs text-slate-500">0 means unlimited.</p>
          <div class="mt-3 grid gap-4 sm:grid-cols-3">
            <TextField field={bind('max_sessions')} inputmode="numeric" required />
            <TextField
              field={bind('max_storage')}
              hint="Bytes, or a size such as 500MiB, 10GiB or 2TB."
              required
            />
            <TextField field={bind('max_rps')} inputmode="numeric" required />
          </div>
        </fieldset>
        <TextAreaField
          field={bind('config')}
          rows={5}
          mono
          spellcheck={false}
          hint="One key=value per line, for example retention=7d."
        />
        <TextAreaField
          field={bind('reason')}
          rows={2}
          required
          hint="Why you are making this change. It is recorded in the audit log."
        />
      </div>

      <FormActions
        tone="primary"
        submit={
          mode === 'create' ? 'Create namespace' : conflict ? 'Save my values' : 'Save changes'
        }
        cancelHref={props.cancelHref}
        busy="Saving…"
      />
      {props.command ? <CopyCommand command={props.command} live={props.action} /> : ''}
    </PostForm>
  );
}
