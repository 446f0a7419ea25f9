import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Document } from 'happy-dom';
import { byLabel, parse, textOf } from '../../components/namespaces/html.js';

/*
 * What a browser does with a namespace form: read it (with its hidden fields), change some
 * values, post it back — as a plain form post, or as htmx does.
 */

export type Fields = Record<string, string>;

/** Whoever sends the requests: a signed-in operator (`stack.admin`, `stack.signIn(...)`). */
export interface Injector {
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** htmx request headers for an element with this id as the target. */
export function htmx(target: string): Record<string, string> {
  return { 'hx-request': 'true', 'hx-target': target };
}

/** Every named control of the first form in the document, as a browser would submit it. */
export function formFields(
  doc: Document,
  // The first form that is not the layout's sign-out form (fragments have no layout).
  selector = 'form[method="post"]:not([action="/auth/sign-out"])',
): Fields {
  const form = doc.querySelector(selector);
  if (!form) throw new Error(`no form ${selector}`);
  const fields: Fields = {};
  for (const control of form.querySelectorAll('input[name], textarea[name], select[name]')) {
    const name = control.getAttribute('name') ?? '';
    if (control.tagName === 'TEXTAREA') fields[name] = control.textContent ?? '';
    else if (control.tagName === 'SELECT') {
      fields[name] = control.querySelector('option[selected]')?.getAttribute('value') ?? '';
    } else fields[name] = control.getAttribute('value') ?? '';
  }
  return fields;
}

export async function getPage(
  app: Injector,
  url: string,
  headers: Record<string, string> = {},
): Promise<{ response: LightMyRequestResponse; doc: Document }> {
  const response = await app.inject({ method: 'GET', url, headers });
  return { response, doc: parse(response.body) };
}

/** Opens a form page and returns what its form would submit. */
export async function openForm(app: Injector, url: string): Promise<Fields> {
  const { response, doc } = await getPage(app, url);
  if (response.statusCode !== 200) throw new Error(`GET ${url}: ${response.statusCode}`);
  return formFields(doc);
}

export async function postForm(
  app: Injector,
  url: string,
  fields: Fields,
  headers: Record<string, string> = {},
): Promise<{ response: LightMyRequestResponse; doc: Document }> {
  const response = await app.inject({
    method: 'POST',
    url,
    headers: { ...FORM, ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
  return { response, doc: parse(response.body) };
}

/** Where an htmx answer sends the browser (HX-Location), if anywhere. */
export function hxLocation(response: LightMyRequestResponse): string | undefined {
  const header = response.headers['hx-location'];
  return typeof header === 'string' ? (JSON.parse(header) as { path: string }).path : undefined;
}

/** A form as a browser would submit it: where, how, and every named control's value. */
export interface Submission {
  action: string;
  method: string;
  fields: Fields;
}

/**
 * What a person does with a rendered form: finds each control by its label, types or picks
 * (a select by the text of its option), leaves the rest as rendered, and submits to the form's
 * own action. No field name is written in the test, so a name the component renders but the
 * handler does not read (or the reverse) shows up as a value that never arrives.
 */
export function fillByLabel(
  doc: Document,
  values: Record<string, string>,
  selector = 'form[method="post"]:not([action="/auth/sign-out"])',
): Submission {
  const form = doc.querySelector(selector);
  if (!form) throw new Error(`no form ${selector}`);
  const fields = formFields(doc, selector);
  for (const [label, value] of Object.entries(values)) {
    const control = byLabel(doc, label);
    if (!form.contains(control)) throw new Error(`"${label}" is not in ${selector}`);
    const name = control.getAttribute('name');
    if (!name) throw new Error(`the control labelled "${label}" has no name: it is not submitted`);
    if (control.tagName === 'SELECT') {
      const option = [...control.querySelectorAll('option')].find((o) => textOf(o) === value);
      if (!option) throw new Error(`"${label}" has no option "${value}"`);
      fields[name] = option.getAttribute('value') ?? '';
    } else {
      fields[name] = value;
    }
  }
  return {
    action: form.getAttribute('action') ?? '',
    method: (form.getAttribute('method') ?? 'get').toUpperCase(),
    fields,
  };
}

/** Submits what fillByLabel filled in, the way the browser would (a GET form as a query). */
export async function submit(
  app: Injector,
  submission: Submission,
  headers: Record<string, string> = {},
): Promise<{ response: LightMyRequestResponse; doc: Document }> {
  if (submission.method === 'GET') {
    const query = new URLSearchParams(submission.fields).toString();
    return getPage(app, `${submission.action}?${query}`, headers);
  }
  return postForm(app, submission.action, submission.fields, headers);
}
