import { configurationForm } from '../../src/views/client-configurations/form.js';
import type { OptionRow, RowErrors } from '../../src/views/client-configurations/options.js';
import { buttonClass } from '../ui/buttons.js';

/** Field ids: `<prefix>-options` for the group, `<prefix>-option-key-<n>` for a row's key. */
export const optionKeyId = (prefix: string, index: number) => `${prefix}-option-key-${index}`;

const inputClass = (error: boolean) => [
  'block w-full min-h-10 rounded-md border-0 bg-white px-3 py-2 font-mono text-sm text-slate-900 shadow-sm ring-1 ring-inset focus:ring-2 focus:ring-inset dark:bg-slate-900 dark:text-slate-100',
  error
    ? 'ring-red-400 focus:ring-red-600 dark:ring-red-500'
    : 'ring-slate-300 focus:ring-indigo-600 dark:ring-slate-600 dark:focus:ring-indigo-400',
];

// `autofocus` is a global attribute; the JSX types only know it on form controls.
const autofocus = { autofocus: true } as const;

export interface OptionsEditorProps {
  idPrefix: string;
  rows: readonly OptionRow[];
  /** Beside each row, by index. */
  rowErrors: RowErrors;
  /** Beside the whole group. */
  error: string | undefined;
  /** After "Add option": the new row's key takes focus. After "Remove": the Add button. */
  focus?: { row: number } | 'add' | undefined;
}

/**
 * Key/value rows. "Add option" and each "Remove" are submit buttons of the form they sit in:
 * without JavaScript the form comes back with one more or one less row and everything else
 * kept; with htmx the same post swaps only the form. Nothing is sent to the control plane.
 */
export function OptionsEditor(props: OptionsEditorProps): JSX.Element {
  const { idPrefix, rows, rowErrors } = props;
  const groupId = `${idPrefix}-options`;
  const names = configurationForm.names;
  return (
    <fieldset
      id={groupId}
      tabindex="-1"
      aria-describedby={`${groupId}-hint${props.error ? ` ${groupId}-error` : ''}`}
      data-testid="options-editor"
    >
      <legend class="text-sm font-medium text-slate-900">
        Options <span class="ml-1 font-normal text-slate-500">(optional)</span>
      </legend>
      <p id={`${groupId}-hint`} class="mt-1 text-xs text-slate-500">
        Settings passed to the pattern, such as ttl_seconds or topic. Empty rows are ignored.
      </p>
      {props.error ? (
        <p
          id={`${groupId}-error`}
          class="mt-1 text-sm font-medium text-red-700 dark:text-red-300"
          data-testid="field-error"
        >
          <span class="sr-only">Error: </span>
          <span safe>{props.error}</span>
        </p>
      ) : (
        ''
      )}
      <ol class="mt-3 space-y-3">
        {rows.map((row, index) => {
          const n = index + 1;
          const keyId = optionKeyId(idPrefix, index);
          const valueId = `${idPrefix}-option-value-${index}`;
          const errorId = `${keyId}-error`;
          const error = rowErrors[index];
          const focused = typeof props.focus === 'object' && props.focus.row === index;
          return (
            <li data-testid="option-row" data-index={String(index)}>
              <div class="flex flex-wrap items-end gap-2">
                <div class="min-w-40 flex-1">
                  <label for={keyId} class="block text-xs font-medium text-slate-700" safe>
                    {`Option ${n} key`}
                  </label>
                  <input
                    type="text"
                    id={keyId}
                    name={names.option_key}
                    value={row.key}
                    autocomplete="off"
                    spellcheck="false"
                    maxlength={128}
                    aria-invalid={error ? 'true' : undefined}
                    aria-describedby={error ? errorId : undefined}
                    class={['mt-1', ...inputClass(Boolean(error))]}
                    {...(focused ? autofocus : {})}
                  />
                </div>
                <div class="min-w-48 flex-[2]">
                  <label for={valueId} class="block text-xs font-medium text-slate-700" safe>
                    {`Option ${n} value`}
                  </label>
                  <input
                    type="text"
                    id={valueId}
                    name={names.option_value}
                    value={row.value}
                    autocomplete="off"
                    spellcheck="false"
                    class={['mt-1', ...inputClass(false)]}
                  />
                </div>
                <button
                  type="submit"
                  name={names.action}
                  value={`remove-${index}`}
                  formnovalidate
                  class={buttonClass.secondary}
                  aria-label={`Remove option ${n}`}
                  data-testid="remove-option"
                >
                  Remove
                </button>
              </div>
              {error ? (
                <p
                  id={errorId}
                  class="mt-1 text-sm font-medium text-red-700 dark:text-red-300"
                  data-testid="option-error"
                >
                  <span class="sr-only" safe>
                    {`Error in option ${n}: `}
                  </span>
                  <span safe>{error}</span>
                </p>
              ) : (
                ''
              )}
            </li>
          );
        })}
      </ol>
      {rows.length === 0 ? (
        <p class="mt-2 text-sm text-slate-500" data-testid="no-options">
          No options.
        </p>
      ) : (
        ''
      )}
      <p class="mt-3">
        <button
          type="submit"
          name={names.action}
          value="add-row"
          formnovalidate
          class={buttonClass.secondary}
          data-testid="add-option"
          {...(props.focus === 'add' ? autofocus : {})}
        >
          Add option
        </button>
      </p>
    </fieldset>
  );
}
