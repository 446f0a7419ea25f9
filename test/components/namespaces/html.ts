import { type Document, type Element, Window } from 'happy-dom';

/*
 * Parses HTML the way a browser would (scripts and styles off), so tests query what an operator
 * sees: by label, role, ARIA attributes and data-testid, never by string position.
 */

export function parse(html: string): Document {
  const window = new Window({
    settings: {
      disableJavaScriptEvaluation: true,
      disableJavaScriptFileLoading: true,
      disableCSSFileLoading: true,
    },
  });
  const document = window.document;
  if (/^\s*<!doctype/i.test(html)) document.write(html);
  else document.body.innerHTML = html;
  return document;
}

/** Text content with whitespace collapsed. */
export function textOf(element: Element | null | undefined): string {
  return (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The form control whose <label> says `label` (exactly, ignoring "(optional)"). */
export function byLabel(document: Document, label: string): Element {
  for (const element of document.querySelectorAll('label')) {
    const text = textOf(element).replace(/\s*\(optional\)$/, '');
    if (text === label) {
      const id = element.getAttribute('for');
      const control = id ? document.getElementById(id) : null;
      if (control) return control;
    }
  }
  throw new Error(`no control labelled "${label}"`);
}

/** The error message bound to a control through aria-describedby. */
export function errorFor(document: Document, control: Element): string | undefined {
  const ids = (control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
  const error = ids
    .map((id) => document.getElementById(id))
    .find((el) => el?.id.endsWith('-error'));
  return error ? textOf(error).replace(/^Error:\s*/, '') : undefined;
}

export function byTestId(root: Document | Element, id: string): Element[] {
  return [...root.querySelectorAll(`[data-testid="${id}"]`)];
}
