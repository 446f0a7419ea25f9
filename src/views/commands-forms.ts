import type { FormErrors } from '../forms/errors.js';
import { AdminService } from '../gen/prism/admin/v1/admin_service_pb.js';
import { type BulkBody, bulkForm, parseBulkForm } from './client-sessions/bulk.js';
import {
  parseTerminateForm,
  type TerminateFormValues,
  terminateForm,
} from './client-sessions/terminate.js';
import {
  type ActionCommand,
  type BufCurlCommand,
  type BufCurlOptions,
  bufCurl,
  bufCurlEach,
} from './commands.js';
import {
  bulkTerminateRequest,
  createNamespaceRequest,
  deleteNamespaceRequest,
  terminateSessionRequest,
  updateNamespaceRequest,
} from './commands-requests.js';
import { type DeleteFormValues, deleteForm, parseDeleteForm } from './namespaces/delete.js';
import { type NamespaceFormValues, namespaceForm, parseNamespaceForm } from './namespaces/form.js';

/*
 * Each action form's values → its "Copy as command". The values go through the form's own
 * parser and the route's own request builder (src/views/commands-requests.ts), so the command
 * is the request the form would send now. Two checks are the console's alone and are not asked
 * of the command: the typed confirmation (the command names its target itself) and a reason not
 * yet given (the command is shown with an empty reason and a note, so an operator can open it
 * before filling the form in, also without JavaScript).
 */

/** The reason given, or a stand-in while it is empty (put back to '' in the request). */
const STAND_IN = 'reason';
const REASON_MISSING =
  'Reason: give one before running the command; the control plane refuses a change without it.';

function withReason<V extends { reason: string }>(values: V): { draft: V; noReason: boolean } {
  const noReason = values.reason.trim() === '';
  return { draft: noReason ? { ...values, reason: STAND_IN } : values, noReason };
}

/** The parser's messages, each with its field's label. */
function missingFrom<F extends string>(
  errors: FormErrors<F>,
  labels: Readonly<Record<F, string>>,
): string[] {
  const fields = Object.entries(errors.fields) as [F, string | undefined][];
  return [
    ...errors.general,
    ...fields.flatMap(([field, message]) => (message ? [`${labels[field]}: ${message}`] : [])),
  ];
}

type Parsed<I, F extends string> = { ok: true; input: I } | { ok: false; errors: FormErrors<F> };

/** The command for parsed draft values, or what the form still needs. */
function commandOf<I extends { reason: string }, F extends string>(
  parsed: Parsed<I, F>,
  noReason: boolean,
  labels: Readonly<Record<F, string>>,
  build: (input: I) => BufCurlCommand,
): ActionCommand {
  const reasonNote = noReason ? [REASON_MISSING] : [];
  if (!parsed.ok) {
    return { command: undefined, missing: [...missingFrom(parsed.errors, labels), ...reasonNote] };
  }
  const input = noReason ? { ...parsed.input, reason: '' } : parsed.input;
  return { command: build(input), missing: reasonNote };
}

/** Create or edit a namespace. */
export function namespaceCommand(
  values: NamespaceFormValues,
  mode: 'create' | 'edit',
  options: BufCurlOptions,
): ActionCommand {
  const { draft, noReason } = withReason(values);
  return commandOf(parseNamespaceForm(draft, mode), noReason, namespaceForm.labels, (input) =>
    mode === 'create'
      ? bufCurl(AdminService.method.createNamespace, createNamespaceRequest(input), options)
      : bufCurl(
          AdminService.method.updateNamespace,
          updateNamespaceRequest(input, values),
          options,
        ),
  );
}

export function deleteNamespaceCommand(
  values: DeleteFormValues,
  name: string,
  options: BufCurlOptions,
): ActionCommand {
  const { draft, noReason } = withReason({ ...values, confirm: name });
  return commandOf(parseDeleteForm(draft, name), noReason, deleteForm.labels, (input) =>
    bufCurl(AdminService.method.deleteNamespace, deleteNamespaceRequest(name, input), options),
  );
}

export function terminateSessionCommand(
  values: TerminateFormValues,
  id: string,
  options: BufCurlOptions,
): ActionCommand {
  const { draft, noReason } = withReason({ ...values, confirm: id });
  return commandOf(parseTerminateForm(draft, id), noReason, terminateForm.labels, (input) =>
    bufCurl(
      AdminService.method.terminateClientSession,
      terminateSessionRequest(id, input),
      options,
    ),
  );
}

/** Several sessions: one TerminateClientSession each, as a loop over their ids. */
export function bulkTerminateCommand(body: BulkBody, options: BufCurlOptions): ActionCommand {
  const { draft, noReason } = withReason({ ...body, confirm: String(body.ids.length) });
  return commandOf(parseBulkForm(draft), noReason, bulkForm.labels, (input) =>
    bufCurlEach(
      AdminService.method.terminateClientSession,
      input.ids,
      (id) => bulkTerminateRequest(input, id),
      options,
    ),
  );
}
