import { markCopyRegion } from '../../src/forms/envelope.js';
import type { Url } from '../../src/html/url.js';
import { actionCommand, type CommandView } from '../../src/views/commands.js';
import { buttonClass } from './buttons.js';

/** The region htmx refreshes as the operator types; its answer is CommandText alone. */
export const COPY_COMMAND_ID = 'copy-command';

export interface CopyCommandProps {
  /**
   * Built by bufCurl() from the request the form would send (src/views/commands.ts), or an
   * action form's command with what it still needs (src/views/commands-forms.ts).
   */
  command: CommandView;
  /**
   * Where the form posts. With it, htmx posts the form there as the operator types (with the
   * region's id as HX-Target) and the route answers with the command alone, without calling
   * the control plane. Without it (or without JavaScript) the command is the one rendered.
   */
  live?: Url | undefined;
}

/** The command itself, or what the form still needs: the part the live region replaces. */
export function CommandText({ command: view }: { command: CommandView }): JSX.Element {
  const { command, missing } = actionCommand(view);
  return (
    <>
      {missing.length > 0 ? (
        <div class="mt-2 text-amber-800 dark:text-amber-300" data-testid="command-missing">
          <p>
            {command ? 'Before running it:' : 'The command appears once the form makes a request:'}
          </p>
          <ul class="list-disc pl-5">
            {missing.map((line) => (
              <li safe>{line}</li>
            ))}
          </ul>
        </div>
      ) : (
        ''
      )}
      {command ? (
        // Focusable, so a keyboard can scroll a long line; the text is plain and selectable.
        <pre
          class="mt-2 overflow-x-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100 dark:bg-black"
          tabindex="0"
        >
          <code data-command safe>
            {command}
          </code>
        </pre>
      ) : (
        ''
      )}
    </>
  );
}

/**
 * "Copy as command" under an action form: the equivalent `buf curl` call, folded, as selectable
 * text (no JavaScript needed). With JavaScript a Copy button appears (public asset
 * copy-command.js, no inline script) and says "Copied"; with htmx the command follows the form.
 */
export function CopyCommand({ command, live }: CopyCommandProps): JSX.Element {
  // The page loads copy-command.js only where a region is (src/plugins/page.tsx).
  markCopyRegion();
  const shown = actionCommand(command).command;
  // Commands built with commandOptions() name the console's schema; others rely on reflection.
  const ownSchema = shown === undefined || shown.includes('--schema ');
  return (
    <details class="mt-6 max-w-3xl text-sm" data-testid="copy-command" data-copy-region>
      <summary class="min-h-6 cursor-pointer py-2 font-medium text-slate-700 pointer-coarse:min-h-11 dark:text-slate-300">
        Copy as command
      </summary>
      <div class="space-y-2 text-slate-600 dark:text-slate-400">
        <p>
          The same request to the control plane with <code>buf curl</code> (the Buf CLI), for bash,
          zsh or sh. It reads your access token from <code>PRISM_TOKEN</code> and never contains it.{' '}
          {ownSchema
            ? 'The schema comes from this console, so the control plane needs no gRPC reflection.'
            : 'buf asks the control plane for the schema: it needs gRPC reflection enabled.'}
        </p>
        <p>
          It carries this form's request id: running it and also sending the form makes one change,
          not two (the control plane answers a repeated id with its first answer). To make another
          change with it, put a new request id in it. The typed confirmation is this console's own
          check: it is not part of the request.
        </p>
      </div>
      <div
        id={COPY_COMMAND_ID}
        data-testid="command-text"
        hx-post={live}
        hx-trigger={live ? 'input from:closest form delay:300ms' : undefined}
        hx-target={live ? 'this' : undefined}
        hx-swap={live ? 'innerHTML' : undefined}
        // Shares the form's lock. A command asked for while the form is being sent is not asked
        // (drop); a form sent while a command is on its way waits those few ms for it (htmx
        // queues it). Not `abort`: htmx reports every abort as an error in the browser console.
        hx-sync={live ? 'closest form:drop' : undefined}
        // The form's own (inherited: "find button[type=submit]") would find nothing from here.
        hx-disabled-elt={live ? 'this' : undefined}
      >
        <CommandText command={command} />
      </div>
      <p class="mt-2 flex items-center gap-3">
        {/* Shown by copy-command.js when the browser can copy; hidden without JavaScript. */}
        <button
          type="button"
          class={[buttonClass.secondary, 'pointer-coarse:min-h-11']}
          data-copy-command
          hidden
        >
          Copy command
        </button>
        <span role="status" class="text-slate-700 dark:text-slate-300" data-copy-status></span>
      </p>
    </details>
  );
}
