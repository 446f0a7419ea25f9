import { binder } from '../../src/forms/contract.js';
import type { FormErrors } from '../../src/forms/errors.js';
import type { Url } from '../../src/html/url.js';
import {
  BULK_STEP,
  type BulkField,
  type BulkFormValues,
  type BulkItem,
  type BulkOutcome,
  type BulkSummary,
  bulkForm,
  type OutcomeKind,
  sessionRequestId,
} from '../../src/views/client-sessions/bulk.js';
import type { CommandView } from '../../src/views/commands.js';
import { Alert } from '../ui/Alert.js';
import { Badge, type BadgeTone } from '../ui/Badge.js';
import { buttonClass } from '../ui/buttons.js';
import { CopyCommand } from '../ui/CopyCommand.js';
import { FormActions } from '../ui/FormActions.js';
import {
  CsrfField,
  ErrorSummary,
  formMessages,
  HiddenField,
  TextAreaField,
  TextField,
} from '../ui/FormField.js';
import { RequestReceipt } from '../ui/RequestReceipt.js';
import { CheckboxField, SessionStatusBadge } from './parts.js';

export const BULK_FORM_ID = 'bulk-terminate-form';
const FIELD_ID_PREFIX = 'bulk';

export interface BulkConfirmProps {
  items: readonly BulkItem[];
  action: Url;
  cancelHref: Url;
  values: BulkFormValues;
  errors: FormErrors<BulkField>;
  csrfToken: string | undefined;
  /** "Copy as command" under the form: the request it would send now. */
  command?: CommandView | undefined;
}

/**
 * The confirmation: the sessions, a reason, force, and their number typed out. A plain post
 * (with or without JavaScript): its answer is the results page.
 */
export function BulkConfirmForm(props: BulkConfirmProps): JSX.Element {
  const { items, values, errors } = props;
  const bind = binder(bulkForm, FIELD_ID_PREFIX, values, errors);
  const messages = formMessages(errors, bulkForm, FIELD_ID_PREFIX);
  if (items.length === 0) {
    // Nothing to confirm: say why, and offer the way back instead of an empty form.
    return (
      <div id={BULK_FORM_ID} class="max-w-3xl">
        <ErrorSummary title="There is nothing to terminate" messages={messages} />
        <a href={props.cancelHref} class={buttonClass.secondary}>
          Back
        </a>
      </div>
    );
  }
  return (
    <form
      id={BULK_FORM_ID}
      method="post"
      action={props.action}
      novalidate
      aria-label="Terminate client sessions"
      class="max-w-3xl"
    >
      <CsrfField token={props.csrfToken} />
      {messages.length > 0 ? (
        <ErrorSummary title="No session was terminated" messages={messages} />
      ) : (
        ''
      )}
      <HiddenField field={bind('request_id')} />
      <input type="hidden" name={bulkForm.names.step} value={BULK_STEP.terminate} />
      {items.map((item) => (
        <input type="hidden" name={bulkForm.names.id} value={item.id} />
      ))}
      <div class="space-y-6 rounded-lg bg-white p-6 shadow-sm ring-1 ring-red-200">
        <div class="text-sm text-red-900">
          <p class="font-semibold" data-testid="bulk-count" safe>
            {`${items.length} ${items.length === 1 ? 'session' : 'sessions'} will be terminated:`}
          </p>
          <ul
            class="mt-2 max-h-64 space-y-1 overflow-y-auto rounded-md bg-red-50 p-3"
            data-testid="bulk-items"
          >
            {items.map((item) => (
              <li
                class="flex flex-wrap items-center gap-2"
                data-testid="bulk-item"
                data-id={item.id}
              >
                <a href={item.href} class="font-mono text-xs text-indigo-700 hover:underline" safe>
                  {item.id}
                </a>
                {item.clientId ? (
                  <span class="text-slate-700" safe>
                    {item.clientId}
                  </span>
                ) : (
                  ''
                )}
                {item.status ? <SessionStatusBadge status={item.status} /> : ''}
              </li>
            ))}
          </ul>
        </div>
        <TextAreaField
          field={bind('reason')}
          rows={2}
          required
          hint="Why these sessions are being terminated. It is recorded in the audit log for each."
        />
        <CheckboxField
          field={bind('force')}
          hint="Closes them at once; without it, a session with requests in flight is marked expiring and closes when they finish."
        />
        <TextField
          field={bind('confirm')}
          required
          inputmode="numeric"
          hint={`Type ${items.length} to confirm.`}
        />
      </div>
      <FormActions
        tone="danger"
        submit={`Terminate ${items.length} ${items.length === 1 ? 'session' : 'sessions'}`}
        cancelHref={props.cancelHref}
      />
      {props.command ? <CopyCommand command={props.command} live={props.action} /> : ''}
    </form>
  );
}

const outcomeLook: Record<OutcomeKind, { tone: BadgeTone; label: string }> = {
  terminated: { tone: 'green', label: 'Terminated' },
  expiring: { tone: 'amber', label: 'Expiring' },
  failed: { tone: 'red', label: 'Failed' },
  unknown: { tone: 'amber', label: 'Unknown outcome' },
};

/** What happened to each session; failures first, never hidden behind a success. */
export function BulkResults({
  outcomes,
  summary,
  listHref,
  requestId,
  canReadAudit = false,
}: {
  outcomes: readonly BulkOutcome[];
  summary: BulkSummary;
  listHref: Url;
  /** The confirmation's request id: each session's change has its own, derived from it. */
  requestId?: string | undefined;
  canReadAudit?: boolean;
}): JSX.Element {
  const order: Record<OutcomeKind, number> = { failed: 0, unknown: 1, expiring: 2, terminated: 3 };
  const sorted = [...outcomes].sort((a, b) => order[a.kind] - order[b.kind]);
  return (
    <div class="max-w-3xl space-y-4" data-testid="bulk-results">
      {summary.allDone ? (
        <Alert tone="success" title="Every session was terminated or marked expiring." />
      ) : (
        <Alert tone="warning" title="Not every session was terminated.">
          <p>The sessions that failed are listed first, with what the control plane said.</p>
        </Alert>
      )}
      <ul class="divide-y divide-slate-100 rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
        {sorted.map((outcome) => (
          <li
            class="flex flex-wrap items-start gap-3 px-4 py-3 text-sm"
            data-testid="bulk-outcome"
            data-id={outcome.id}
            data-outcome={outcome.kind}
          >
            <Badge tone={outcomeLook[outcome.kind].tone} label={outcomeLook[outcome.kind].label} />
            <a href={outcome.href} class="font-mono text-xs text-indigo-700 hover:underline" safe>
              {outcome.id}
            </a>
            <span class="min-w-0 flex-1 text-slate-700" safe>
              {outcome.message}
            </span>
            {requestId ? (
              <div class="w-full">
                <RequestReceipt
                  requestId={sessionRequestId(requestId, outcome.id)}
                  canReadAudit={canReadAudit}
                />
              </div>
            ) : (
              ''
            )}
          </li>
        ))}
      </ul>
      <p>
        <a href={listHref} class={buttonClass.secondary}>
          Back to client sessions
        </a>
      </p>
    </div>
  );
}
