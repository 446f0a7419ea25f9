import type { ConnectError } from '@connectrpc/connect';
import { BadRequestSchema } from '../../gen/google/rpc/error_details_pb.js';

/*
 * The options editor: key/value rows. The form posts `option_key` and `option_value` once per
 * row, in order; empty rows are ignored; a bad or repeated key is explained beside its row.
 * "Add option" and "Remove" are submit buttons (`action=add-row`, `action=remove-<n>`) that
 * re-render the form with everything kept, so they work without JavaScript.
 */

export interface OptionRow {
  key: string;
  value: string;
}

/** At most this many rows are read from a post: a form nobody could fill is not a reason to loop. */
export const MAX_ROWS = 200;

/** A key: letters, digits, ".", "_", "/" or "-", starting with a letter or digit; at most 128. */
export const OPTION_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/;

const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) =>
    typeof v === 'string' ? v : '',
  );

/** The rows a post carries: the n-th key with the n-th value. */
export function rowsFrom(keys: unknown, values: unknown): OptionRow[] {
  const k = list(keys);
  const v = list(values);
  const rows: OptionRow[] = [];
  for (let i = 0; i < Math.min(Math.max(k.length, v.length), MAX_ROWS); i += 1) {
    rows.push({ key: k[i] ?? '', value: v[i] ?? '' });
  }
  return rows;
}

/** What the editor buttons ask for: add a row, remove row n, or nothing (save). */
export type EditorAction = { kind: 'add' } | { kind: 'remove'; index: number } | undefined;

export function editorAction(action: string): EditorAction {
  if (action === 'add-row') return { kind: 'add' };
  const remove = /^remove-(\d{1,3})$/.exec(action);
  return remove ? { kind: 'remove', index: Number(remove[1]) } : undefined;
}

/** The rows after an editor action. */
export function applyEditorAction(rows: readonly OptionRow[], action: EditorAction): OptionRow[] {
  if (!action) return [...rows];
  if (action.kind === 'add') return [...rows, { key: '', value: '' }].slice(0, MAX_ROWS);
  return rows.filter((_, i) => i !== action.index);
}

/** Messages beside rows, by row index. */
export type RowErrors = Readonly<Record<number, string>>;

const isEmpty = (row: OptionRow) => row.key.trim() === '' && row.value.trim() === '';

/** Reads the rows into options, or says what is wrong beside each row. */
export function parseOptions(
  rows: readonly OptionRow[],
): { ok: true; options: Record<string, string> } | { ok: false; rows: Record<number, string> } {
  const options: Record<string, string> = {};
  const firstRow = new Map<string, number>();
  const errors: Record<number, string> = {};
  rows.forEach((row, index) => {
    if (isEmpty(row)) return;
    const key = row.key.trim();
    if (key === '') errors[index] = 'Give this option a key, or clear its value.';
    else if (!OPTION_KEY.test(key)) {
      errors[index] =
        'A key is up to 128 letters, digits, ".", "_", "/" or "-", starting with a letter or digit.';
    } else if (firstRow.has(key)) {
      errors[index] =
        `The key "${key}" is already used in option ${(firstRow.get(key) ?? 0) + 1}; each key once.`;
    } else {
      firstRow.set(key, index);
      options[key] = row.value;
    }
  });
  return Object.keys(errors).length > 0 ? { ok: false, rows: errors } : { ok: true, options };
}

/** Options as rows, sorted by key (how an edit form starts). */
export function optionRows(options: Readonly<Record<string, string>>): OptionRow[] {
  return Object.keys(options)
    .sort()
    .map((key) => ({ key, value: options[key] ?? '' }));
}

/** Options as `key=value` lines, sorted: how a comparison shows them. */
export function optionsText(options: Readonly<Record<string, string>>): string {
  return optionRows(options)
    .map((row) => `${row.key}=${row.value}`)
    .join('\n');
}

/** The rows' options without judging them (the "Copy as command" of a half-filled form). */
export function looseOptions(rows: readonly OptionRow[]): Record<string, string> {
  const options: Record<string, string> = {};
  for (const row of rows) {
    const key = row.key.trim();
    if (key !== '' && !Object.hasOwn(options, key)) options[key] = row.value;
  }
  return options;
}

/**
 * The control plane's violations about single options (`client_configuration.options[key]`,
 * `…options["key"]`, `…options.key`), beside the rows holding those keys.
 */
export function optionViolations(err: ConnectError, rows: readonly OptionRow[]): RowErrors {
  const errors: Record<number, string> = {};
  for (const violation of err.findDetails(BadRequestSchema).flatMap((d) => d.fieldViolations)) {
    const match = /options(?:\[["']?(.+?)["']?\]|\.(.+))$/.exec(violation.field);
    const key = match?.[1] ?? match?.[2];
    if (key === undefined) continue;
    const index = rows.findIndex((row) => row.key.trim() === key);
    if (index >= 0) errors[index] ??= violation.description;
  }
  return errors;
}
