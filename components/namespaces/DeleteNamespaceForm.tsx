import { binder } from '../../src/forms/contract.js';
import type { FormErrors } from '../../src/forms/errors.js';
import type { Url } from '../../src/html/url.js';
import type { CommandView } from '../../src/views/commands.js';
import {
  type DeleteField,
  type DeleteFormValues,
  deleteForm,
} from '../../src/views/namespaces/delete.js';
import type { NamespaceDetail } from '../../src/views/namespaces/detail.js';
import { ChangedMeanwhile } from '../ui/ChangedMeanwhile.js';
import { ConfirmActionForm } from '../ui/ConfirmActionForm.js';
import { checkMessage, formMessages } from '../ui/FormField.js';
import { StatusBadge } from './StatusBadge.js';

export const DELETE_FORM_ID = 'delete-namespace-form';
/** Field ids are `delete-reason` and `delete-confirm`. */
const FIELD_ID_PREFIX = 'delete';

export interface DeleteNamespaceFormProps {
  name: string;
  /**
   * The namespace as it is now (after a conflict: as it is after the other change); missing
   * when the control plane could not be reached to read it.
   */
  namespace: NamespaceDetail | undefined;
  action: Url;
  cancelHref: Url;
  values: DeleteFormValues;
  errors: FormErrors<DeleteField>;
  /** Someone else changed the namespace after the operator opened this page. */
  changedMeanwhile?: boolean;
  /** Where to check whether a write whose answer was lost was applied. */
  checkHref?: Url | undefined;
  /** The CSRF token for a post without JavaScript (htmx sends it as a header too). */
  csrfToken: string | undefined;
  /** "Copy as command" under the form: the request it would send now. */
  command?: CommandView | undefined;
}

/** Deleting asks for a reason and the name typed out, so it is never one careless click. */
export function DeleteNamespaceForm(props: DeleteNamespaceFormProps): JSX.Element {
  const { namespace: ns, values, errors } = props;
  const bind = binder(deleteForm, FIELD_ID_PREFIX, values, errors);
  const sessions = ns?.usage[0];
  const sessionsText = sessions ? `${sessions.used} of ${sessions.limit}` : 'unknown';
  return (
    <ConfirmActionForm
      id={DELETE_FORM_ID}
      action={props.action}
      label="Delete namespace"
      csrfToken={props.csrfToken}
      notDone="The namespace was not deleted"
      messages={[
        ...formMessages(errors, deleteForm, FIELD_ID_PREFIX),
        ...checkMessage(props.checkHref),
      ]}
      warning={
        props.changedMeanwhile && ns ? (
          <ChangedMeanwhile what="namespace" current={ns} />
        ) : undefined
      }
      hidden={[bind('request_id'), bind('version')]}
      reason={{
        field: bind('reason'),
        hint: 'Why this namespace is being deleted. It is recorded in the audit log.',
      }}
      confirm={{ field: bind('confirm'), hint: `Type ${props.name} to confirm.` }}
      submit="Delete namespace"
      busy="Deleting…"
      cancelHref={props.cancelHref}
      command={props.command}
      live={props.action}
    >
      <p class="font-semibold">This cannot be undone.</p>
      <p class="mt-1">
        Deleting <strong safe>{props.name}</strong> removes its data and configuration, and its
        clients lose access.
      </p>
      {ns ? (
        <dl class="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 sm:grid-cols-4">
          <dt class="font-medium">Status</dt>
          <dd>
            <StatusBadge status={ns.status} />
          </dd>
          <dt class="font-medium">Active sessions</dt>
          <dd class="tabular-nums" data-testid="active-sessions" safe>
            {sessionsText}
          </dd>
          <dt class="font-medium">Version</dt>
          <dd class="tabular-nums" safe>
            {ns.version}
          </dd>
        </dl>
      ) : (
        ''
      )}
    </ConfirmActionForm>
  );
}
