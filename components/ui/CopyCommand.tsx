import type { BufCurlCommand } from '../../src/views/commands.js';

export interface CopyCommandProps {
  /** Built by bufCurl() from the request the form would send (src/views/commands.ts). */
  command: BufCurlCommand;
}

/**
 * "Copy as command" under an action form: the equivalent `buf curl` call, folded, selectable
 * text (works without JavaScript). The token is read from $PRISM_TOKEN, never shown.
 */
export function CopyCommand({ command }: CopyCommandProps): JSX.Element {
  return (
    <details class="mt-6 text-sm" data-testid="copy-command">
      <summary class="cursor-pointer text-slate-700 dark:text-slate-300">Copy as command</summary>
      <p class="mt-2 text-slate-600 dark:text-slate-400">
        The same request with <code>buf curl</code>; set <code>PRISM_TOKEN</code> to your access
        token first.
      </p>
      <pre class="mt-2 overflow-x-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100">
        <code safe>{command}</code>
      </pre>
    </details>
  );
}
