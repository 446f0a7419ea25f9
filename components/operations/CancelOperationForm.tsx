import { binder } from '../../src/forms/contract.js';
import type { FormErrors } from '../../src/forms/errors.js';
import type { Url } from '../../src/html/url.js';
import type { BufCurlCommand } from '../../src/views/commands.js';
import {
  type CancelField,
  type CancelFormValues,
  cancelOperationForm,
} from '../../src/views/operations/cancel-form.js';
import type { OperationView } from '../../src/views/operations/operation.js';
import { buttonClass } from '../ui/buttons.js';
import { CopyCommand } from '../ui/CopyCommand.js';
import {
  checkMessage,
  ErrorSummary,
  formMessages,
  HiddenField,
  PostForm,
  TextAreaField,
  TextField,
} from '../ui/FormField.js';
import { ProgressMeter } from './OperationLive.js';

export const CANCEL_FORM_ID = 'cancel-operation-form';
const FIELD_ID_PREFIX = 'cancel';

export interface CancelOperationFormProps {
  id: string;
  /** The operation as it is now; missing when it could not be read. */
  view: OperationView | undefined;
  action: Url;
  cancelHref: Url;
  values: CancelFormValues;
  errors: FormErrors<CancelField>;
  checkHref?: Url | undefined;
  command: BufCurlCommand;
  csrfToken: string | undefined;
}

/** Cancelling asks for a reason and the operation id typed out. */
export function CancelOperationForm(props: CancelOperationFormProps): JSX.Element {
  const { view, values, errors } = props;
  const bind = binder(cancelOperationForm, FIELD_ID_PREFIX, values, errors);
  const messages = [
    ...formMessages(errors, cancelOperationForm, FIELD_ID_PREFIX),
    ...checkMessage(props.checkHref),
  ];
  return (
    <PostForm
      id={CANCEL_FORM_ID}
      action={props.action}
      label="Cancel operation"
      class="max-w-2xl"
      csrfToken={props.csrfToken}
    >
      {messages.length > 0 ? (
        <ErrorSummary title="The operation was not cancelled" messages={messages} />
      ) : (
        ''
      )}
      <HiddenField field={bind('request_id')} />
      <div class="space-y-6 rounded-lg bg-white p-6 shadow-sm ring-1 ring-red-200 dark:bg-slate-900 dark:ring-red-900">
        <div class="space-y-3 rounded-md bg-red-50 p-4 text-sm text-red-900 dark:bg-red-950 dark:text-red-100">
          <p>
            The drain of <strong safe>{view?.target ?? props.id}</strong> stops where it stands.
            Sessions it has not closed yet stay open and take requests again; those it closed stay
            closed.
          </p>
          {view ? <ProgressMeter view={view} /> : ''}
        </div>
        <TextAreaField
          field={bind('reason')}
          rows={2}
          required
          hint="Why you cancel it. It is recorded in the audit log."
        />
        <TextField
          field={bind('confirm')}
          required
          spellcheck={false}
          hint={`Type ${props.id} to confirm.`}
        />
      </div>
      {/* Not FormActions: its "Cancel" link beside "Cancel the drain" would read ambiguously. */}
      <div class="mt-6 flex items-center gap-3">
        <button type="submit" class={buttonClass.danger}>
          Cancel the drain
        </button>
        <a href={props.cancelHref} class={buttonClass.secondary}>
          Keep it running
        </a>
        <span class="htmx-indicator text-sm text-slate-500" aria-hidden="true">
          Cancelling…
        </span>
      </div>
      <CopyCommand command={props.command} />
    </PostForm>
  );
}
