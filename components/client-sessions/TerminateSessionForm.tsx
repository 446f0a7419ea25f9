import { binder } from '../../src/forms/contract.js';
import type { FormErrors } from '../../src/forms/errors.js';
import type { Url } from '../../src/html/url.js';
import type { SessionDetail } from '../../src/views/client-sessions/detail.js';
import {
  type TerminateField,
  type TerminateFormValues,
  terminateForm,
} from '../../src/views/client-sessions/terminate.js';
import type { CommandView } from '../../src/views/commands.js';
import { ConfirmActionForm } from '../ui/ConfirmActionForm.js';
import { checkMessage, formMessages } from '../ui/FormField.js';
import { CheckboxField, RelativeTime, SessionStatusBadge } from './parts.js';

export const TERMINATE_FORM_ID = 'terminate-session-form';
const FIELD_ID_PREFIX = 'terminate';

export interface TerminateSessionFormProps {
  id: string;
  /** The session as it is now; missing when the control plane could not be reached to read it. */
  session: SessionDetail | undefined;
  action: Url;
  cancelHref: Url;
  values: TerminateFormValues;
  errors: FormErrors<TerminateField>;
  checkHref?: Url | undefined;
  csrfToken: string | undefined;
  /** "Copy as command" under the form: the request it would send now. */
  command?: CommandView | undefined;
}

/** Terminating asks for a reason and the session id typed out; force is a separate choice. */
export function TerminateSessionForm(props: TerminateSessionFormProps): JSX.Element {
  const { session, values, errors } = props;
  const bind = binder(terminateForm, FIELD_ID_PREFIX, values, errors);
  return (
    <ConfirmActionForm
      id={TERMINATE_FORM_ID}
      action={props.action}
      label="Terminate client session"
      csrfToken={props.csrfToken}
      notDone="The session was not terminated"
      messages={[
        ...formMessages(errors, terminateForm, FIELD_ID_PREFIX),
        ...checkMessage(props.checkHref),
      ]}
      hidden={[bind('request_id')]}
      reason={{
        field: bind('reason'),
        hint: 'Why this session is being terminated. It is recorded in the audit log.',
      }}
      extra={
        <CheckboxField
          field={bind('force')}
          hint="Closes the session at once; requests in flight fail."
        />
      }
      confirm={{ field: bind('confirm'), hint: `Type ${props.id} to confirm.` }}
      submit="Terminate session"
      busy="Terminating…"
      cancelHref={props.cancelHref}
      command={props.command}
      live={props.action}
    >
      <p>
        The client <strong safe>{session?.clientId || props.id}</strong> loses this session and has
        to connect again. Without force, a session with requests in flight is only marked expiring
        and closes when they finish.
      </p>
      {session ? (
        <dl class="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 sm:grid-cols-4">
          <dt class="font-medium">Status</dt>
          <dd>
            <SessionStatusBadge status={session.status} />
          </dd>
          <dt class="font-medium">Last activity</dt>
          <dd>
            <RelativeTime time={session.lastActivity} />
          </dd>
          <dt class="font-medium">Namespace</dt>
          <dd safe>{session.namespace}</dd>
          <dt class="font-medium">Requests/s</dt>
          <dd class="tabular-nums" safe>
            {session.metrics.find((m) => m.testId === 'rps')?.value ?? ''}
          </dd>
        </dl>
      ) : (
        ''
      )}
    </ConfirmActionForm>
  );
}
