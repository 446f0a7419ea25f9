import { binder } from '../../src/forms/contract.js';
import type { FormErrors } from '../../src/forms/errors.js';
import type { Url } from '../../src/html/url.js';
import type { ConflictView } from '../../src/views/client-configurations/changes.js';
import { backendOptions, type Choices } from '../../src/views/client-configurations/choices.js';
import {
  bindable,
  type ConfigurationField,
  type ConfigurationFormValues,
  configurationForm,
} from '../../src/views/client-configurations/form.js';
import type { RowErrors } from '../../src/views/client-configurations/options.js';
import { patternChoices } from '../../src/views/client-configurations/pattern.js';
import type { BufCurlCommand } from '../../src/views/commands.js';
import { buttonClass } from '../ui/buttons.js';
import { CopyCommand } from '../ui/CopyCommand.js';
import {
  CsrfField,
  checkMessage,
  ErrorSummary,
  formMessages,
  HiddenField,
  SelectField,
  TextAreaField,
  TextField,
} from '../ui/FormField.js';
import { ConflictPanel } from './ConflictPanel.js';
import { OptionsEditor } from './OptionsEditor.js';

export const CONFIGURATION_FORM_ID = 'configuration-form';
/** Field ids are `configuration-<field>`, so the summary can link to each. */
export const FIELD_ID_PREFIX = 'configuration';

export interface ConfigurationFormProps {
  mode: 'create' | 'edit';
  action: Url;
  values: ConfigurationFormValues;
  errors: FormErrors<ConfigurationField>;
  rowErrors: RowErrors;
  conflict?: ConflictView | undefined;
  checkHref?: Url | undefined;
  cancelHref: Url;
  csrfToken: string | undefined;
  /** What the pattern and backend selects offer. */
  choices: Choices;
  /** The request this form would send, as `buf curl`. */
  command: BufCurlCommand;
  /** After an editor button: where focus goes. */
  focus?: { row: number } | 'add' | undefined;
}

const PLACEHOLDER = { value: '', label: 'Choose…' };

/**
 * Create and edit. Posts without JavaScript; with htmx the same post swaps this form for the
 * answer: the form again (after an editor button, or with messages), or a redirect.
 */
export function ConfigurationForm(props: ConfigurationFormProps): JSX.Element {
  const { mode, values, errors, choices } = props;
  const bind = binder(configurationForm, FIELD_ID_PREFIX, bindable(values), errors);
  const messages = [
    ...formMessages(errors, configurationForm, FIELD_ID_PREFIX),
    ...checkMessage(props.checkHref),
  ];
  const submit =
    mode === 'create' ? 'Create configuration' : props.conflict ? 'Save my values' : 'Save changes';
  return (
    <form
      id={CONFIGURATION_FORM_ID}
      method="post"
      action={props.action}
      novalidate
      hx-post={props.action}
      hx-target="this"
      hx-swap="outerHTML"
      hx-disabled-elt="find button[data-save]"
      aria-label={mode === 'create' ? 'Create client configuration' : 'Edit client configuration'}
      class="max-w-3xl"
    >
      <CsrfField token={props.csrfToken} />
      {/*
       * Enter in a field submits with the form's first submit button: this one saves, so Enter
       * never means "Remove option 1". Not shown (display: none still takes part in implicit submission); the visible one is below.
       */}
      <button type="submit" class="hidden" tabindex="-1">
        Save
      </button>
      {messages.length > 0 ? (
        <ErrorSummary title="The client configuration was not saved" messages={messages} />
      ) : (
        ''
      )}
      {props.conflict ? <ConflictPanel conflict={props.conflict} /> : ''}
      <HiddenField field={bind('request_id')} />
      {mode === 'edit' ? (
        <>
          <HiddenField field={bind('version')} />
          <HiddenField field={bind('original_pattern')} />
          <HiddenField field={bind('original_backend')} />
          <HiddenField field={bind('original_description')} />
          <HiddenField field={bind('original_options')} />
        </>
      ) : (
        ''
      )}

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
              : 'A configuration keeps its name.'
          }
        />
        <TextField
          field={bind('namespace')}
          required
          readonly={mode === 'edit'}
          spellcheck={false}
          maxlength={63}
          hint={
            mode === 'create'
              ? 'The namespace whose clients use it.'
              : 'A configuration stays in its namespace.'
          }
        />
        <div class="grid gap-4 sm:grid-cols-2">
          {choices.patterns.ok ? (
            <SelectField
              field={bind('pattern')}
              required
              options={[PLACEHOLDER, ...patternChoices(choices.patterns.items, values.pattern)]}
              hint="The patterns the cluster’s launchers serve."
            />
          ) : (
            <TextField
              field={bind('pattern')}
              required
              spellcheck={false}
              hint={choices.patterns.why}
            />
          )}
          {choices.backends.ok ? (
            <SelectField
              field={bind('backend')}
              required
              options={[PLACEHOLDER, ...backendOptions(choices.backends.items, values.backend)]}
            />
          ) : (
            <TextField
              field={bind('backend')}
              required
              spellcheck={false}
              hint={choices.backends.why}
            />
          )}
        </div>
        <TextField field={bind('description')} maxlength={256} />
        <OptionsEditor
          idPrefix={FIELD_ID_PREFIX}
          rows={values.rows}
          rowErrors={props.rowErrors}
          error={errors.fields.options}
          focus={props.focus}
        />
        <TextAreaField
          field={bind('reason')}
          rows={2}
          required
          hint="Why you are making this change. It is recorded in the audit log."
        />
      </div>

      <div class="mt-6 flex items-center gap-3">
        <button type="submit" class={buttonClass.primary} data-save>
          {submit}
        </button>
        <a href={props.cancelHref} class={buttonClass.secondary}>
          Cancel
        </a>
        <span class="htmx-indicator text-sm text-slate-500" aria-hidden="true">
          Saving…
        </span>
      </div>
      <CopyCommand command={props.command} />
    </form>
  );
}
