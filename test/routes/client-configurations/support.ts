import type { LightMyRequestResponse } from 'fastify';
import type { Document } from 'happy-dom';
import { parse } from '../../components/namespaces/html.js';
import { FORM, type Injector } from '../namespaces/support.js';

/*
 * What a browser does with a client configuration form: read every named control in order
 * (the options rows repeat `option_key` / `option_value`), change some, and post it back —
 * with the button that was pressed, as a plain post or as htmx does.
 */

export type Entries = [string, string][];

/** Every named control of the form, in document order, as a browser submits it (no buttons). */
export function formEntries(doc: Document, selector = 'form#configuration-form'): Entries {
  const form = doc.querySelector(selector);
  if (!form) throw new Error(`no form ${selector}`);
  const entries: Entries = [];
  for (const control of form.querySelectorAll('input[name], textarea[name], select[name]')) {
    const name = control.getAttribute('name') ?? '';
    if (control.tagName === 'TEXTAREA') entries.push([name, control.textContent ?? '']);
    else if (control.tagName === 'SELECT') {
      entries.push([name, control.querySelector('option[selected]')?.getAttribute('value') ?? '']);
    } else entries.push([name, control.getAttribute('value') ?? '']);
  }
  return entries;
}

/** The entries with single-valued fields set (added when missing). */
export function withValues(entries: Entries, values: Record<string, string>): Entries {
  const out: Entries = entries.map(([k, v]) => [
    k,
    Object.hasOwn(values, k) ? (values[k] ?? '') : v,
  ]);
  for (const [k, v] of Object.entries(values)) {
    if (!out.some(([name]) => name === k)) out.push([k, v]);
  }
  return out;
}

/** The entries with the options rows replaced by these. */
export function withRows(entries: Entries, rows: [string, string][]): Entries {
  const rest = entries.filter(([k]) => k !== 'option_key' && k !== 'option_value');
  return [
    ...rest,
    ...rows.flatMap(
      ([k, v]): Entries => [
        ['option_key', k],
        ['option_value', v],
      ],
    ),
  ];
}

export function entryValue(entries: Entries, name: string): string {
  return entries.find(([k]) => k === name)?.[1] ?? '';
}

export async function postEntries(
  app: Injector,
  url: string,
  entries: Entries,
  headers: Record<string, string> = {},
): Promise<{ response: LightMyRequestResponse; doc: Document }> {
  const response = await app.inject({
    method: 'POST',
    url,
    headers: { ...FORM, ...headers },
    payload: new URLSearchParams(entries).toString(),
  });
  return { response, doc: parse(response.body) };
}

/** The options rows a rendered form holds, as [key, value]. */
export function rowsOf(doc: Document): [string, string][] {
  return [...doc.querySelectorAll('[data-testid="option-row"]')].map((row) => [
    row.querySelector('input[name="option_key"]')?.getAttribute('value') ?? '',
    row.querySelector('input[name="option_value"]')?.getAttribute('value') ?? '',
  ]);
}
