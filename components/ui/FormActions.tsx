import type { Url } from '../../src/html/url.js';
import { buttonClass } from './buttons.js';

export interface FormActionsProps {
  /** What the submit button says: "Save changes", "Terminate 3 sessions". */
  submit: string;
  /** `danger` for what cannot be undone (delete, terminate). */
  tone: 'primary' | 'danger';
  cancelHref: Url;
  /** What the link back says; "Cancel" unless that reads ambiguously ("Cancel the drain"). */
  cancelLabel?: string;
  /** Shown while htmx sends the form ("Saving…"); none for a form htmx does not send. */
  busy?: string;
}

/** The row under a form: its submit button, Cancel back to where the operator came from, and the busy text. */
export function FormActions({
  submit,
  tone,
  cancelHref,
  cancelLabel = 'Cancel',
  busy,
}: FormActionsProps): JSX.Element {
  return (
    <div class="mt-6 flex items-center gap-3">
      <button type="submit" class={buttonClass[tone]} safe>
        {submit}
      </button>
      <a href={cancelHref} class={buttonClass.secondary} safe>
        {cancelLabel}
      </a>
      {busy ? (
        <span class="htmx-indicator text-sm text-slate-500" aria-hidden="true" safe>
          {busy}
        </span>
      ) : (
        ''
      )}
    </div>
  );
}
