import type { Document, Element } from 'happy-dom';
import type { ClientSession } from '../../../src/gen/prism/admin/v1/client_session_pb.js';
import { SessionStatus } from '../../../src/gen/prism/admin/v1/client_session_pb.js';
import { byLabel } from '../../components/namespaces/html.js';
import type { Stack } from '../../helper.js';
import { FORM, type Injector } from '../namespaces/support.js';

/*
 * A browser's way with the session forms: every control as rendered, checkboxes sent only when
 * ticked, repeated names kept (the selection's `id`s).
 */

export interface Posted {
  action: string;
  method: string;
  params: URLSearchParams;
}

/**
 * The form `selector` as a browser submits it: text, hidden and select values as rendered (or
 * typed by label in `values`), checkboxes ticked when rendered checked, named in `tick`
 * (by value) or labelled in `tickLabels`.
 */
export function fill(
  doc: Document,
  selector: string,
  options: { values?: Record<string, string>; tick?: string[]; tickLabels?: string[] } = {},
): Posted {
  const form = doc.querySelector(selector);
  if (!form) throw new Error(`no form ${selector}`);
  const typed = new Map<Element, string>();
  for (const [label, value] of Object.entries(options.values ?? {})) {
    const control = byLabel(doc, label);
    if (!form.contains(control)) throw new Error(`"${label}" is not in ${selector}`);
    typed.set(control, value);
  }
  const ticked = new Set<Element>((options.tickLabels ?? []).map((label) => byLabel(doc, label)));
  const params = new URLSearchParams();
  for (const control of form.querySelectorAll('input[name], textarea[name], select[name]')) {
    const name = control.getAttribute('name') ?? '';
    if (control.getAttribute('type') === 'checkbox') {
      const value = control.getAttribute('value') ?? 'on';
      if (
        control.hasAttribute('checked') ||
        ticked.has(control) ||
        (options.tick ?? []).includes(value)
      ) {
        params.append(name, value);
      }
      continue;
    }
    const value = typed.has(control)
      ? (typed.get(control) ?? '')
      : control.tagName === 'TEXTAREA'
        ? (control.textContent ?? '')
        : control.tagName === 'SELECT'
          ? (control.querySelector('option[selected]')?.getAttribute('value') ?? '')
          : (control.getAttribute('value') ?? '');
    params.append(name, value);
  }
  return {
    action: form.getAttribute('action') ?? '',
    method: (form.getAttribute('method') ?? 'get').toUpperCase(),
    params,
  };
}

export function send(as: Injector, posted: Posted, headers: Record<string, string> = {}) {
  if (posted.method === 'GET') {
    return as.inject({ url: `${posted.action}?${posted.params}`, headers });
  }
  return as.inject({
    method: 'POST',
    url: posted.action,
    headers: { ...FORM, ...headers },
    payload: posted.params.toString(),
  });
}

/** Open sessions of a namespace in the control plane's state, newest first. */
export function sessionsOf(stack: Stack, namespace: string, status?: SessionStatus) {
  return [...stack.controlPlane.state.clientSessions.values()]
    .filter(
      (s) =>
        s.namespace === namespace &&
        s.status !== SessionStatus.TERMINATED &&
        (status === undefined || s.status === status),
    )
    .sort((a, b) => Number(b.startTime?.seconds ?? 0n) - Number(a.startTime?.seconds ?? 0n));
}

/** An ACTIVE session with traffic (terminating it without force only marks it expiring). */
export function busySession(stack: Stack): ClientSession {
  const found = [...stack.controlPlane.state.clientSessions.values()].find(
    (s) => s.status === SessionStatus.ACTIVE && (s.metrics?.rps ?? 0) > 0,
  );
  if (!found) throw new Error('the seed has busy sessions');
  return found;
}
