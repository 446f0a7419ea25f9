import { describe, expect, it } from 'vitest';
import {
  CONSOLE_SESSIONS_ID,
  ConsoleSessionsTable,
} from '../../../components/console-sessions/ConsoleSessionsTable.js';
import type { ConsoleSession } from '../../../src/sessions/index.js';
import { sessionHandle } from '../../../src/sessions/index.js';
import { consoleSessionsView } from '../../../src/views/console-sessions.js';
import { byTestId, parse, textOf } from '../namespaces/html.js';
import { consoleSession, NOW } from './fixtures.js';

const ada = consoleSession({ username: 'admin', name: 'Ada Admin', role: 'admin' });
const oscar = consoleSession({ username: 'operator', name: 'Oscar Operator', role: 'operator' });
const vera = consoleSession();

async function render(
  sessions: ConsoleSession[] = [vera, oscar, ada],
  options: { currentId?: string; notice?: string; csrfToken?: string } = {},
) {
  const view = consoleSessionsView(sessions, {
    currentId: options.currentId ?? ada.id,
    notice: options.notice,
    now: new Date(NOW),
  });
  const html = await (
    <ConsoleSessionsTable view={view} csrfToken={options.csrfToken ?? 'csrf-token-1'} />
  );
  return { html, doc: parse(html) };
}

describe('ConsoleSessionsTable', () => {
  it('lists who is signed in with role, times and where from', async () => {
    const { doc } = await render();
    expect(doc.querySelector(`section#${CONSOLE_SESSIONS_ID}`)).not.toBeNull();
    const headers = [...doc.querySelectorAll('thead th')].map((th) => textOf(th));
    expect(headers).toEqual(['Operator', 'Role', 'Signed in', 'Last seen', 'From', 'Actions']);
    const rows = byTestId(doc, 'console-session-row');
    expect(rows.map((row) => textOf(row.querySelector('[data-testid="session-name"]')))).toEqual([
      'Vera Viewer',
      'Oscar Operator',
      'Ada Admin',
    ]);
    expect(rows.map((row) => textOf(row.querySelector('[data-testid="session-role"]')))).toEqual([
      'viewer',
      'operator',
      'admin',
    ]);
    const first = rows[0];
    expect(textOf(first?.querySelector('[data-testid="session-username"]'))).toBe('viewer');
    expect(textOf(first)).toContain('2026-03-01 11:00:00 UTC');
    expect(textOf(first?.querySelector('[data-testid="session-last-seen"]'))).toBe('2m ago');
    expect(textOf(first)).toContain('2026-03-01 11:58:00 UTC');
    expect(textOf(first?.querySelector('[data-testid="session-ip"]'))).toBe('10.1.2.3');
    const agent = first?.querySelector('[data-testid="session-agent"]');
    expect(textOf(agent)).toBe('Firefox 127 on Linux');
    expect(agent?.getAttribute('title')).toBe(vera.userAgent);
    expect(textOf(byTestId(doc, 'console-session-total')[0])).toBe('3 active sessions');
  });

  it('marks the session of whoever is looking, and only that one', async () => {
    const { doc } = await render();
    const current = byTestId(doc, 'console-session-row').filter(
      (row) => row.getAttribute('data-current') === 'true',
    );
    expect(current.map((row) => row.getAttribute('data-username'))).toEqual(['admin']);
    // Every row has the marks (a live render, the same for every admin, cannot know whose
    // row is whose: src/browser/live.js shows them); only the viewer's are shown.
    const shown = byTestId(doc, 'this-session').filter((mark) => !mark.hasAttribute('hidden'));
    expect(shown).toHaveLength(1);
    expect(shown[0] && current[0]?.contains(shown[0])).toBe(true);
    for (const row of byTestId(doc, 'console-session-row')) {
      expect(row.getAttribute('data-session')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    }
    expect(textOf(current[0])).toContain('this session');
    expect(textOf(current[0])).toContain('signs you out');
  });

  it('revokes through a form that works without JavaScript and asks first with htmx', async () => {
    const { doc } = await render();
    const row = byTestId(doc, 'console-session-row')[0];
    const form = row?.querySelector('form');
    const action = `/console-sessions/${sessionHandle(vera.id)}/revoke`;
    expect(form?.getAttribute('method')).toBe('post');
    expect(form?.getAttribute('action')).toBe(action);
    expect(form?.getAttribute('hx-post')).toBe(action);
    expect(form?.getAttribute('hx-target')).toBe(`#${CONSOLE_SESSIONS_ID}`);
    expect(form?.getAttribute('hx-swap')).toBe('outerHTML');
    expect(form?.getAttribute('hx-confirm')).toBe(
      'Revoke the session of Vera Viewer (viewer)? They are signed out on their next request.',
    );
    expect(form?.querySelector('input[name="_csrf"]')?.getAttribute('value')).toBe('csrf-token-1');
    const button = form?.querySelector('button[type="submit"]');
    expect(textOf(button)).toBe('Revoke');
    expect(button?.getAttribute('aria-label')).toBe('Revoke the session of Vera Viewer');
    const own = byTestId(doc, 'console-session-row')[2]?.querySelector('form');
    expect(own?.getAttribute('hx-confirm')).toBe(
      'Revoke your own session? You will be signed out.',
    );
  });

  it('shows no token and no session id', async () => {
    const { html } = await render();
    for (const session of [vera, oscar, ada]) expect(html).not.toContain(session.id);
    for (const secret of ['access-token-secret', 'refresh-token-secret', 'id-token-secret']) {
      expect(html).not.toContain(secret);
    }
  });

  it('shows a notice after a revocation', async () => {
    const { doc } = await render(undefined, { notice: 'revoked' });
    expect(textOf(byTestId(doc, 'notice')[0])).toMatch(/^Session revoked/);
    const none = await render();
    expect(byTestId(none.doc, 'notice')).toHaveLength(0);
  });

  it('keeps names, user names and user agents as text', async () => {
    const payload = '<img src=x onerror=alert(1)>';
    const hostile = consoleSession({
      name: payload,
      username: `"><script>alert(1)</script>`,
      userAgent: payload,
      ip: payload,
    });
    const { doc } = await render([hostile], { currentId: undefined });
    expect(doc.querySelector('img, script')).toBeNull();
    const row = byTestId(doc, 'console-session-row')[0];
    expect(textOf(row?.querySelector('[data-testid="session-name"]'))).toBe(payload);
    expect(textOf(row?.querySelector('[data-testid="session-agent"]'))).toBe(payload);
    expect(row?.querySelector('form')?.getAttribute('hx-confirm')).toContain(payload);
  });

  it('says when nobody is signed in', async () => {
    const { doc } = await render([], { currentId: undefined });
    expect(textOf(byTestId(doc, 'console-session-total')[0])).toBe('0 active sessions');
    expect(doc.querySelector('table')).toBeNull();
  });
});
