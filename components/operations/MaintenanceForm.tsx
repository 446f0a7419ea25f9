import type { Children } from '@kitajs/html';
import { type BoundField, binder } from '../../src/forms/contract.js';
import type { FormErrors } from '../../src/forms/errors.js';
import type { Url } from '../../src/html/url.js';
import type { Role } from '../../src/plugins/operator.js';
import type { BufCurlCommand } from '../../src/views/commands.js';
import {
  MAX_MESSAGE_LENGTH,
  type MaintenanceField,
  type MaintenanceFormValues,
  type MaintenanceMode,
  maintenanceForm,
} from '../../src/views/operations/maintenance-form.js';
import type { Permission } from '../../src/views/permissions.js';
import { buttonClass } from '../ui/buttons.js';
import { CopyCommand } from '../ui/CopyCommand.js';
import {
  checkMessage,
  ErrorSummary,
  errorId,
  formMessages,
  HiddenField,
  PostForm,
  TextAreaField,
} from '../ui/FormField.js';

/** Each form's element id: htmx swaps the preview in its place. */
export const maintenanceFormId = (mode: MaintenanceMode): string => `maintenance-${mode}-form`;
/** Both forms can be on one page: each its own field ids. */
export const fieldIdPrefix = (mode: MaintenanceMode): string => `maintenance-${mode}`;

export interface MaintenanceFormProps {
  mode: MaintenanceMode;
  /** Maintenance is on now: `enable` changes it. */
  on: boolean;
  values: MaintenanceFormValues;
  errors: FormErrors<MaintenanceField>;
  action: Url;
  csrfToken: string | undefined;
  /** May this operator change it; when not, the form is shown disabled with the role it needs. */
  permission: Permission;
  role: Role | undefined;
  checkHref?: Url | undefined;
  /** The SetMaintenanceMode request this form would send, as `buf curl`. */
  command: BufCurlCommand;
}

export function formTitle(mode: MaintenanceMode, on: boolean): string {
  if (mode === 'end') return 'End maintenance';
  return on ? 'Change maintenance' : 'Turn on maintenance mode';
}

/** Why the form is disabled, naming the role it needs. */
export function NeedsRole({
  permission,
  role,
}: {
  permission: Permission;
  role: Role | undefined;
}) {
  return (
    <p class="text-sm text-slate-600 dark:text-slate-400" data-testid="needs-role" safe>
      {`Changing maintenance mode needs the ${permission.needs} role; you are signed in as ${role ?? 'nobody'}.`}
    </p>
  );
}

/** The first step: what to tell (message, scheduled end) and why; the next step previews it. */
export function MaintenanceForm(props: MaintenanceFormProps): JSX.Element {
  const { mode, on, values, errors, permission } = props;
  const bind = binder(maintenanceForm, fieldIdPrefix(mode), values, errors);
  const messages = [
    ...formMessages(errors, maintenanceForm, fieldIdPrefix(mode)),
    ...checkMessage(props.checkHref),
  ];
  const title = formTitle(mode, on);
  return (
    <PostForm
      id={maintenanceFormId(mode)}
      action={props.action}
      label={title}
      class="max-w-2xl"
      csrfToken={props.csrfToken}
    >
      <Card title={title}>
        {messages.length > 0 ? (
          <ErrorSummary title="Nothing was changed" messages={messages} />
        ) : (
          ''
        )}
        {permission.allowed ? '' : <NeedsRole permission={permission} role={props.role} />}
        <HiddenField field={bind('request_id')} />
        <HiddenField field={bind('mode')} />
        <fieldset disabled={!permission.allowed} class="space-y-5">
          {mode === 'enable' ? (
            <>
              <TextAreaField
                field={bind('message')}
                rows={3}
                required
                maxlength={MAX_MESSAGE_LENGTH}
                hint={`Shown to operators on every page and to clients. At most ${MAX_MESSAGE_LENGTH} characters.`}
              />
              <DateTimeField
                field={bind('scheduled_end')}
                hint="When it is expected to end, in UTC (not your browser's time zone). It does not end by itself: end it here. Leave empty for no scheduled end."
              />
            </>
          ) : (
            <p class="text-sm text-slate-700 dark:text-slate-300">
              Clients and operators are told that maintenance is over.
            </p>
          )}
          <TextAreaField
            field={bind('reason')}
            rows={2}
            required
            hint="Why. It is recorded in the audit log."
          />
          <div class="flex flex-wrap items-center gap-3">
            <button
              type="submit"
              name={maintenanceForm.names.step}
              value="preview"
              class={mode === 'end' ? buttonClass.danger : buttonClass.primary}
            >
              Preview
            </button>
            <span class="htmx-indicator text-sm text-slate-500" aria-hidden="true">
              Counting sessions…
            </span>
          </div>
        </fieldset>
      </Card>
      <CopyCommand command={props.command} />
    </PostForm>
  );
}

/**
 * A datetime-local input bound to the contract (read as UTC), marked up as the kit's fields are
 * (label, hint, error beside it, aria-describedby), which have no date type.
 */
function DateTimeField({ field, hint }: { field: BoundField; hint: string }): JSX.Element {
  const hintId = `${field.id}-hint`;
  const described = [hintId, field.error ? errorId(field.id) : ''].filter(Boolean).join(' ');
  return (
    <div data-field={field.name}>
      <label for={field.id} class="block text-sm font-medium text-slate-900 dark:text-slate-100">
        <span safe>{field.label}</span>
        <span class="ml-1 font-normal text-slate-500 dark:text-slate-400">(optional)</span>
      </label>
      <p id={hintId} class="mt-1 text-xs text-slate-500 dark:text-slate-400" safe>
        {hint}
      </p>
      {field.error ? (
        <p
          id={errorId(field.id)}
          class="mt-1 text-sm font-medium text-red-700 dark:text-red-300"
          data-testid="field-error"
        >
          <span class="sr-only">Error: </span>
          <span safe>{field.error}</span>
        </p>
      ) : (
        ''
      )}
      <input
        type="datetime-local"
        id={field.id}
        name={field.name}
        value={field.value}
        aria-invalid={field.error ? 'true' : undefined}
        aria-describedby={described}
        class={[
          'mt-1.5 block min-h-10 w-full max-w-xs rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset focus:ring-2 focus:ring-inset dark:bg-slate-900 dark:text-slate-100 dark:[color-scheme:dark]',
          field.error
            ? 'ring-red-400 focus:ring-red-600 dark:ring-red-500'
            : 'ring-slate-300 focus:ring-indigo-600 dark:ring-slate-600 dark:focus:ring-indigo-400',
        ]}
      />
    </div>
  );
}

/** A white panel with a heading. */
export function Card({ title, children }: { title: string; children?: Children }): JSX.Element {
  return (
    <section class="space-y-5 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">
      <h2 class="text-base font-semibold" safe>
        {title}
      </h2>
      {children}
    </section>
  );
}
