import { binder } from '../../src/forms/contract.js';
import type { FormErrors } from '../../src/forms/errors.js';
import type { Url } from '../../src/html/url.js';
import type { BufCurlCommand } from '../../src/views/commands.js';
import {
  CONFIRM_WORD,
  type MaintenanceField,
  type MaintenanceFormValues,
  type MaintenanceMode,
  maintenanceForm,
  parseDatetimeLocal,
} from '../../src/views/operations/maintenance-form.js';
import {
  impactText,
  type MaintenanceImpact,
} from '../../src/views/operations/maintenance-impact.js';
import { buttonClass } from '../ui/buttons.js';
import { CopyCommand } from '../ui/CopyCommand.js';
import {
  checkMessage,
  ErrorSummary,
  formMessages,
  HiddenField,
  PostForm,
  TextField,
} from '../ui/FormField.js';
import { Card, fieldIdPrefix, formTitle, maintenanceFormId } from './MaintenanceForm.js';

export interface MaintenancePreviewProps {
  mode: MaintenanceMode;
  on: boolean;
  values: MaintenanceFormValues;
  errors: FormErrors<MaintenanceField>;
  /** Who will be told; undefined when it could not be counted (`impactProblem` says why). */
  impact: MaintenanceImpact | undefined;
  impactProblem?: string | undefined;
  action: Url;
  csrfToken: string | undefined;
  checkHref?: Url | undefined;
  command: BufCurlCommand;
}

const applyLabel = (mode: MaintenanceMode, on: boolean) =>
  mode === 'end' ? 'End maintenance' : on ? 'Save changes' : 'Turn on maintenance mode';

/** `2026-12-24T18:00` → `2026-12-24 18:00 UTC`. */
function endText(value: string): string {
  const ms = parseDatetimeLocal(value);
  return ms === undefined
    ? 'none scheduled'
    : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * The second step: what will happen and who will be told, then the typed confirmation. The
 * values travel on in hidden fields; "Change the values" goes back to the form with them.
 */
export function MaintenancePreview(props: MaintenancePreviewProps): JSX.Element {
  const { mode, on, values, errors, impact } = props;
  const bind = binder(maintenanceForm, fieldIdPrefix(mode), values, errors);
  const messages = [
    ...formMessages(errors, maintenanceForm, fieldIdPrefix(mode)),
    ...checkMessage(props.checkHref),
  ];
  const word = CONFIRM_WORD[mode];
  return (
    <PostForm
      id={maintenanceFormId(mode)}
      action={props.action}
      label={`Confirm: ${formTitle(mode, on)}`}
      class="max-w-2xl"
      csrfToken={props.csrfToken}
    >
      <Card title={`Confirm: ${formTitle(mode, on)}`}>
        {messages.length > 0 ? (
          <ErrorSummary title="Nothing was changed" messages={messages} />
        ) : (
          ''
        )}
        <div
          class="rounded-md bg-amber-50 p-4 text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-50"
          data-testid="maintenance-impact"
        >
          {impact ? (
            <p>
              <strong safe>{impactText(impact)}</strong>
              {mode === 'end'
                ? ' will be told that maintenance is over.'
                : on
                  ? ' will be told the new message and end.'
                  : ' will be told that maintenance has begun.'}
            </p>
          ) : (
            <p safe>
              {`Who will be told could not be counted: ${props.impactProblem ?? 'the control plane did not answer'}. You can still go ahead.`}
            </p>
          )}
        </div>
        <dl class="grid grid-cols-1 gap-x-4 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
          {mode === 'enable' ? (
            <>
              <dt class="font-medium">Message</dt>
              <dd class="whitespace-pre-line break-words" data-testid="preview-message" safe>
                {values.message.trim()}
              </dd>
              <dt class="font-medium">Scheduled end</dt>
              <dd data-testid="preview-end" safe>
                {endText(values.scheduled_end)}
              </dd>
            </>
          ) : (
            ''
          )}
          <dt class="font-medium">Reason</dt>
          <dd class="whitespace-pre-line break-words" safe>
            {values.reason.trim()}
          </dd>
        </dl>
        <HiddenField field={bind('request_id')} />
        <HiddenField field={bind('mode')} />
        <HiddenField field={bind('message')} />
        <HiddenField field={bind('scheduled_end')} />
        <HiddenField field={bind('reason')} />
        <TextField
          field={bind('confirm')}
          required
          spellcheck={false}
          hint={`Type ${word} to confirm.`}
        />
        <div class="flex flex-wrap items-center gap-3">
          <button
            type="submit"
            name={maintenanceForm.names.step}
            value="confirm"
            class={mode === 'end' ? buttonClass.danger : buttonClass.primary}
          >
            {applyLabel(mode, on)}
          </button>
          <button
            type="submit"
            name={maintenanceForm.names.step}
            value="edit"
            formnovalidate
            class={buttonClass.secondary}
          >
            Change the values
          </button>
          <span class="htmx-indicator text-sm text-slate-500" aria-hidden="true">
            Sending…
          </span>
        </div>
      </Card>
      <CopyCommand command={props.command} />
    </PostForm>
  );
}
