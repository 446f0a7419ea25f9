import type { Children } from '@kitajs/html';
import type { BoundField } from '../../src/forms/contract.js';
import type { Url } from '../../src/html/url.js';
import type { CommandView } from '../../src/views/commands.js';
import { CopyCommand } from './CopyCommand.js';
import { FormActions } from './FormActions.js';
import { ErrorSummary, HiddenField, PostForm, TextAreaField, TextField } from './FormField.js';

/*
 * A form for what cannot be undone (delete, terminate, cancel): what will happen, a reason for
 * the audit log, the name or id typed out, the hidden request id (and version), the submit row
 * and "Copy as command". Each form says its own text; the frame and the order are the same.
 */

export interface ConfirmActionFormProps {
  id: string;
  action: Url;
  /** The form's accessible name ("Delete namespace"). */
  label: string;
  csrfToken: string | undefined;
  /** The summary's title when something is wrong ("The namespace was not deleted"). */
  notDone: string;
  /** The summary's messages (formMessages + checkMessage); no summary when empty. */
  messages: readonly { text: string; href?: Url | undefined }[];
  /** Shown above the form (e.g. "This changed after you opened this page"). */
  warning?: Children;
  /** Carried unseen: the request id, the version. */
  hidden: readonly BoundField[];
  reason: { field: BoundField; hint: string };
  /** Fields between the reason and the confirmation (e.g. a force checkbox). */
  extra?: Children;
  confirm: { field: BoundField; hint: string };
  /** The submit button ("Delete namespace") and its busy text ("Deleting…"). */
  submit: string;
  busy: string;
  cancelHref: Url;
  /** What the link back says, when "Cancel" would read ambiguously. */
  cancelLabel?: string;
  /** "Copy as command" under the form: the request it would send now. */
  command: CommandView | undefined;
  /** Where the live command region posts (see CopyCommand); none to render it once. */
  live?: Url | undefined;
  /** What will happen: the red box's content. */
  children: Children;
}

/** Asks for a reason and the thing's name typed out, so it is never one careless click. */
export function ConfirmActionForm(props: ConfirmActionFormProps): JSX.Element {
  return (
    <PostForm
      id={props.id}
      action={props.action}
      label={props.label}
      class="max-w-2xl"
      csrfToken={props.csrfToken}
    >
      {props.messages.length > 0 ? (
        <ErrorSummary title={props.notDone} messages={props.messages} />
      ) : (
        ''
      )}
      {props.warning}
      {props.hidden.map((field) => (
        <HiddenField field={field} />
      ))}
      <div class="space-y-6 rounded-lg bg-white p-6 shadow-sm ring-1 ring-red-200 dark:bg-slate-900 dark:ring-red-900">
        <div class="rounded-md bg-red-50 p-4 text-sm text-red-900 dark:bg-red-950 dark:text-red-100">
          {props.children}
        </div>
        <TextAreaField field={props.reason.field} rows={2} required hint={props.reason.hint} />
        {props.extra}
        <TextField
          field={props.confirm.field}
          required
          spellcheck={false}
          hint={props.confirm.hint}
        />
      </div>
      <FormActions
        tone="danger"
        submit={props.submit}
        cancelHref={props.cancelHref}
        cancelLabel={props.cancelLabel}
        busy={props.busy}
      />
      {props.command ? <CopyCommand command={props.command} live={props.live} /> : ''}
    </PostForm>
  );
}
