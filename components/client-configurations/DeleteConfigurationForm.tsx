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
import { ChangedMeanwhile } from '../ui/ChangedMeanwhile.js';
import { ConfirmActionForm } from '../ui/ConfirmActionForm.js';
import { checkMessage, formMessages } from '../ui/FormField.js';

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
  return (
    <ConfirmActionForm
      id={DELETE_FORM_ID}
      action={props.action}
      label="Delete client configuration"
      csrfToken={props.csrfToken}
      notDone="The client configuration was not deleted"
      messages={[
        ...formMessages(errors, deleteConfigurationForm, FIELD_ID_PREFIX),
        ...checkMessage(props.checkHref),
      ]}
      warning={
        props.changedMeanwhile && c ? (
          <ChangedMeanwhile what="configuration" current={c} />
        ) : undefined
      }
      hidden={[bind('request_id'), bind('version')]}
      reason={{
        field: bind('reason'),
        hint: 'Why this configuration is being deleted. It is recorded in the audit log.',
      }}
      confirm={{ field: bind('confirm'), hint: `Type ${props.name} to confirm.` }}
      submit="Delete configuration"
      busy="Deleting…"
      cancelHref={props.cancelHref}
      command={props.command}
    >
      <p class="font-semibold">This cannot be undone.</p>
      <p class="mt-1">
        Clients that use <strong safe>{props.name}</strong> can no longer reach their data through
        it.
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
    </ConfirmActionForm>
  );
}
