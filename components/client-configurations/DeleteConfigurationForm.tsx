import { binder } from '../../src/forms/contract.js';
import type { FormErrors } from '../../src/forms/errors.js';
import type { Url } from '../../src/html/url.js';
import {
  type DeleteConfigurationField,
  type DeleteConfigurationValues,
  deleteConfigurationForm,
} from '../../src/views/client-configurations/delete.js';
import type { ConfigurationDetail } from '../../src/views/client-configurations/detail.js';
import type { BufCurlCommand } from '../../src/views/commands.js';
import { Alert } from '../ui/Alert.js';
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

export const DELETE_FORM_ID = 'delete-configuration-form';
const FIELD_ID_PREFIX = 'delete';

export interface DeleteConfigurationFormProps {
  name: string;
  /** As it is now; missing when the control plane could not be reached to read it. */
  configuration: ConfigurationDetail | undefined;
  action: Url;
  cancelHref: Url;
  values: DeleteConfigurationValues;
  errors: FormErrors<DeleteConfigurationField>;
  changedMeanwhile?: boolean;
  checkHref?: Url | undefined;
  csrfToken: string | undefined;
  command: BufCurlCommand;
}

/** Deleting asks for a reason and the name typed out, so it is never one careless click. */
export function DeleteConfigurationForm(props: DeleteConfigurationFormProps): JSX.Element {
  const { configuration: c, values, errors } = props;
  const bind = binder(deleteConfigurationForm, FIELD_ID_PREFIX, values, errors);
  const messages = [
    ...formMessages(errors, deleteConfigurationForm, FIELD_ID_PREFIX),
    ...checkMessage(props.checkHref),
  ];
  return (
    <PostForm
      id={DELETE_FORM_ID}
      action={props.action}
      label="Delete client configuration"
      class="max-w-2xl"
      csrfToken={props.csrfToken}
    >
      {messages.length > 0 ? (
        <ErrorSummary title="The client configuration was not deleted" messages={messages} />
      ) : (
        ''
      )}
      {props.changedMeanwhile && c ? (
        <div data-testid="conflict">
          <Alert tone="warning" title="This configuration changed after you opened this page">
            <p safe>
              {`It is now at version ${c.version}, last changed ${c.updated}${
                c.updatedBy ? ` by ${c.updatedBy}` : ''
              }. Nothing was deleted. Check it below and confirm again if you still want to delete it.`}
            </p>
          </Alert>
        </div>
      ) : (
        ''
      )}
      <HiddenField field={bind('request_id')} />
      <HiddenField field={bind('version')} />

      <div class="space-y-6 rounded-lg bg-white p-6 shadow-sm ring-1 ring-red-200">
        <div class="rounded-md bg-red-50 p-4 text-sm text-red-900">
          <p class="font-semibold">This cannot be undone.</p>
          <p class="mt-1">
            Clients that use <strong safe>{props.name}</strong> can no longer reach their data
            through it.
          </p>
          {c ? (
            <dl class="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 sm:grid-cols-4">
              <dt class="font-medium">Namespace</dt>
              <dd safe>{c.namespace}</dd>
              <dt class="font-medium">Pattern</dt>
              <dd safe>{c.pattern}</dd>
              <dt class="font-medium">Backend</dt>
              <dd safe>{c.backend}</dd>
              <dt class="font-medium">Version</dt>
              <dd class="tabular-nums" data-testid="version" safe>
                {c.version}
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
          hint="Why this configuration is being deleted. It is recorded in the audit log."
        />
        <TextField
          field={bind('confirm')}
          required
          spellcheck={false}
          hint={`Type ${props.name} to confirm.`}
        />
      </div>

      <FormActions
        tone="danger"
        submit="Delete configuration"
        cancelHref={props.cancelHref}
        busy="Deleting…"
      />
      <CopyCommand command={props.command} />
    </PostForm>
  );
}
