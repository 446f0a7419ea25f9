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
import { ConfirmActionForm } from '../ui/ConfirmActionForm.js';
import { checkMessage, formMessages } from '../ui/FormField.js';
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
  return (
    <ConfirmActionForm
      id={CANCEL_FORM_ID}
      action={props.action}
      label="Cancel operation"
      csrfToken={props.csrfToken}
      notDone="The operation was not cancelled"
      messages={[
        ...formMessages(errors, cancelOperationForm, FIELD_ID_PREFIX),
        ...checkMessage(props.checkHref),
      ]}
      hidden={[bind('request_id')]}
      reason={{
        field: bind('reason'),
        hint: 'Why you cancel it. It is recorded in the audit log.',
      }}
      confirm={{ field: bind('confirm'), hint: `Type ${props.id} to confirm.` }}
      submit="Cancel the drain"
      busy="Cancelling…"
      cancelHref={props.cancelHref}
      // "Cancel" beside "Cancel the drain" would read ambiguously.
      cancelLabel="Keep it running"
      command={props.command}
    >
      <p>
        The drain of <strong safe>{view?.target ?? props.id}</strong> stops where it stands.
        Sessions it has not closed yet stay open and take requests again; those it closed stay
        closed.
      </p>
      {view ? (
        <div class="mt-3">
          <ProgressMeter view={view} />
        </div>
      ) : (
        ''
      )}
    </ConfirmActionForm>
  );
}
