import { binder } from '../../src/forms/contract.js';
import type { FormErrors } from '../../src/forms/errors.js';
import type { Url } from '../../src/html/url.js';
import type { BufCurlCommand } from '../../src/views/commands.js';
import {
  ALL_NAMESPACES,
  confirmText,
  DRAIN_STEPS,
  type DrainField,
  type DrainFormValues,
  drainForm,
  targetLabel,
} from '../../src/views/operations/drain-form.js';
import type { DrainImpact } from '../../src/views/operations/impact.js';
import { CheckboxField } from '../client-sessions/parts.js';
import { buttonClass } from '../ui/buttons.js';
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
import { ColumnHeader, cellClass, TableFrame, tableClass, tableHeadClass } from '../ui/Table.js';

export const DRAIN_FORM_ID = 'drain-form';
const FIELD_ID_PREFIX = 'drain';

export interface DrainFormProps {
  action: Url;
  cancelHref: Url;
  values: DrainFormValues;
  errors: FormErrors<DrainField>;
  /** The namespaces to choose from; undefined when they could not be read. */
  namespaces: readonly string[] | undefined;
  /** The second step: what it would close, and the typed confirmation. */
  confirming: boolean;
  /** What it would close; undefined when it could not be read (the confirmation still works). */
  impact?: DrainImpact | undefined;
  checkHref?: Url | undefined;
  command: BufCurlCommand;
  csrfToken: string | undefined;
}

/** Step one: target, deadline, force, reason. Step two (impact given): the preview to confirm. */
export function DrainForm(props: DrainFormProps): JSX.Element {
  const { values, errors, confirming } = props;
  const bind = binder(drainForm, FIELD_ID_PREFIX, values, errors);
  const messages = [
    ...formMessages(errors, drainForm, FIELD_ID_PREFIX),
    ...checkMessage(props.checkHref),
  ];
  const step = { ...bind('step'), value: confirming ? DRAIN_STEPS.confirm : DRAIN_STEPS.preview };
  return (
    <PostForm
      id={DRAIN_FORM_ID}
      action={props.action}
      label="Drain connections"
      class="max-w-2xl"
      csrfToken={props.csrfToken}
    >
      {messages.length > 0 ? (
        <ErrorSummary
          title={confirming ? 'The drain was not started' : 'Check the drain'}
          messages={messages}
        />
      ) : (
        ''
      )}
      <HiddenField field={bind('request_id')} />
      <HiddenField field={step} />
      {confirming ? <Preview {...props} /> : <Fields {...props} />}
      <CopyCommand command={props.command} />
    </PostForm>
  );
}

function Fields(props: DrainFormProps): JSX.Element {
  const bind = binder(drainForm, FIELD_ID_PREFIX, props.values, props.errors);
  const names = props.namespaces ?? [];
  const chosen = props.values.target;
  // A preselected namespace stays a choice even when the list could not be read.
  const options = [
    { value: '', label: 'Choose…' },
    { value: ALL_NAMESPACES, label: 'All namespaces' },
    ...(chosen && chosen !== ALL_NAMESPACES && !names.includes(chosen) ? [chosen] : []).map(
      (name) => ({ value: name, label: name }),
    ),
    ...names.map((name) => ({ value: name, label: name })),
  ];
  return (
    <>
      <div class="space-y-6 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">
        <p class="text-sm text-slate-700 dark:text-slate-300">
          Draining marks the target's sessions expiring (they take no new requests) and closes each
          as its requests finish. It runs on the control plane: you can leave the page, and anyone
          may follow or cancel it on the operations page.
        </p>
        {props.namespaces === undefined ? (
          <p class="text-sm text-amber-800" data-testid="namespaces-unknown">
            The namespaces could not be read just now; only “All namespaces” and a preselected
            namespace can be chosen.
          </p>
        ) : (
          ''
        )}
        <SelectField field={bind('target')} options={options} required />
        <div class="grid grid-cols-2 gap-4">
          <TextField
            field={bind('deadline')}
            inputmode="numeric"
            required
            hint="How long sessions get to finish; at most one hour."
          />
          <SelectField
            field={bind('deadline_unit')}
            options={[
              { value: 'seconds', label: 'seconds' },
              { value: 'minutes', label: 'minutes' },
            ]}
            required
          />
        </div>
        <CheckboxField
          field={bind('force')}
          hint="Without it, sessions still open at the deadline are left open (and stay expiring)."
        />
        <TextAreaField
          field={bind('reason')}
          rows={2}
          required
          hint="Why you drain. It is recorded in the audit log."
        />
      </div>
      <FormActions
        tone="primary"
        submit="Preview the drain"
        cancelHref={props.cancelHref}
        busy="Checking…"
      />
    </>
  );
}

function Preview(props: DrainFormProps): JSX.Element {
  const { values, impact } = props;
  const bind = binder(drainForm, FIELD_ID_PREFIX, values, props.errors);
  const target = targetLabel(values.target);
  const unit = values.deadline_unit === 'seconds' ? 'seconds' : 'minutes';
  return (
    <>
      <HiddenField field={bind('target')} />
      <HiddenField field={bind('deadline')} />
      <HiddenField field={bind('deadline_unit')} />
      <HiddenField field={bind('force')} />
      <HiddenField field={bind('reason')} />
      <div
        class="space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-red-200 dark:bg-slate-900 dark:ring-red-900"
        data-testid="drain-preview"
      >
        {impact ? (
          <p class="text-sm">
            Draining <strong safe>{target}</strong> closes{' '}
            <strong data-testid="impact-total" safe>
              {impact.totalText}
            </strong>{' '}
            {impact.total === 1 ? 'session' : 'sessions'} within{' '}
            <strong safe>{`${values.deadline.trim()} ${unit}`}</strong>;{' '}
            {values.force === 'on'
              ? 'those still open then are closed by force.'
              : 'those still open then are left open.'}{' '}
            Counted just now; sessions may come and go before it starts.
          </p>
        ) : (
          <p class="text-sm" data-testid="impact-unknown">
            Draining <strong safe>{target}</strong> within{' '}
            <strong safe>{`${values.deadline.trim()} ${unit}`}</strong>. How many sessions it closes
            could not be read just now.
          </p>
        )}
        <p class="text-sm">
          Reason:{' '}
          <span class="whitespace-pre-wrap" safe>
            {values.reason}
          </span>
        </p>
        {impact && impact.rows.length > 0 ? (
          <TableFrame testId="drain-impact">
            <table class={tableClass}>
              <thead class={tableHeadClass}>
                <tr>
                  <ColumnHeader label="Namespace" />
                  <ColumnHeader label="Open sessions" end />
                </tr>
              </thead>
              <tbody>
                {impact.rows.map((row) => (
                  <tr data-namespace={row.namespace}>
                    <td class={cellClass} safe>
                      {row.namespace}
                    </td>
                    <td class={[cellClass, 'text-right tabular-nums']} safe>
                      {row.sessions}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableFrame>
        ) : (
          ''
        )}
        <TextField
          field={bind('confirm')}
          required
          spellcheck={false}
          hint={`Type ${confirmText(values.target)} to confirm.`}
        />
      </div>
      <div class="mt-6 flex flex-wrap items-center gap-3">
        <button type="submit" class={buttonClass.danger}>
          Start the drain
        </button>
        <button
          type="submit"
          name={drainForm.names.step}
          value={DRAIN_STEPS.edit}
          class={buttonClass.secondary}
          formnovalidate
        >
          Back
        </button>
        <a href={props.cancelHref} class={buttonClass.secondary}>
          Cancel
        </a>
        <span class="htmx-indicator text-sm text-slate-500" aria-hidden="true">
          Starting…
        </span>
      </div>
    </>
  );
}
