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
import { CopyCommand } from '../ui/CopyCommand.js';
import { FormActions } from '../ui/FormActions.js';
import {
  checkMessage,
  ErrorSummary,
  formMessages,
  HiddenField,
  PostForm,
  TextAreaField,
  TextField,
} from '../ui/FormField.js';
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
  const messages = [
    ...formMessages(errors, terminateForm, FIELD_ID_PREFIX),
    ...checkMessage(props.checkHref),
  ];
  return (
    <PostForm
      id={TERMINATE_FORM_ID}
      action={props.action}
      label="Terminate client session"
      class="max-w-2xl"
      csrfToken={props.csrfToken}
    >
      {messages.length > 0 ? (
        <ErrorSummary title="The session was not terminated" messages={messages} />
      ) : (
        ''
      )}
      <HiddenField field={bind('request_id')} />
      <div class="space-y-6 rounded-lg bg-white p-6 shadow-sm ring-1 ring-red-200">
        <div class="rounded-md bg-red-50 p-4 text-sm text-red-900">
          <p>
            The client <strong safe>{session?.clientId || props.id}</strong> loses this session and
            has to connect again. Without force, a session with requests in flight is only marked
            expiring and closes when they finish.
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
        </div>
        <TextAreaField
          field={bind('reason')}
          rows={2}
          required
          hint="Why this session is being terminated. It is recorded in the audit log."
        />
        <CheckboxField
          field={bind('force')}
          hint="Closes the session at once; requests in flight fail."
        />
        <TextField
          field={bind('confirm')}
          required
          spellcheck={false}
          hint={`Type ${props.id} to confirm.`}
        />
      </div>
      <FormActions
        tone="danger"
        submit="Terminate session"
        cancelHref={props.cancelHref}
        busy="Terminating…"
      />
      {props.command ? <CopyCommand command={props.command} live={props.action} /> : ''}
    </PostForm>
  );
}
