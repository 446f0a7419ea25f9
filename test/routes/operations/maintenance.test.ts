import { timestampMs } from '@bufbuild/protobuf/wkt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requiredRole } from '../../../src/dev/control-plane/roles.js';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';
import { SessionStatus } from '../../../src/gen/prism/admin/v1/client_session_pb.js';
import { NEEDS } from '../../../src/views/permissions.js';
import { byLabel, byTestId, errorFor, textOf } from '../../components/namespaces/html.js';
import { type SignedIn, type Stack, startStack } from '../../helper.js';
import {
  ahead,
  countCalls,
  doc,
  ENABLE,
  END,
  endForm,
  MAINTENANCE_PATH,
  maintenanceOff,
  maintenanceOn,
  press,
} from '../../plugins/maintenance-support.js';
import { fill, send } from '../client-sessions/support.js';
import { getPage, htmx, hxLocation } from '../namespaces/support.js';

// /operations/maintenance: turn on, change and end maintenance mode, each previewed and
// confirmed, per role, with and without htmx, against the real demo control plane.

let stack: Stack;
let viewer: SignedIn;
let operator: SignedIn;
beforeAll(async () => {
  stack = await startStack();
  viewer = await stack.signIn('viewer');
  operator = await stack.signIn('operator');
});
afterAll(() => stack?.close());
afterEach(() => {
  maintenanceOff(stack);
  stack.controlPlane.faults.unavailable = false;
  stack.controlPlane.faults.latencyMs = 0;
});

const PATH = MAINTENANCE_PATH;
const state = () => stack.controlPlane.state;

/** Open sessions and the namespaces holding them, as the control plane counts them. */
function expectedImpact(): { sessions: number; namespaces: number } {
  const perNamespace = new Map<string, number>();
  for (const session of state().clientSessions.values()) {
    if (session.status === SessionStatus.TERMINATED) continue;
    perNamespace.set(session.namespace, (perNamespace.get(session.namespace) ?? 0) + 1);
  }
  return {
    sessions: [...perNamespace.values()].reduce((a, b) => a + b, 0),
    namespaces: perNamespace.size,
  };
}

it('asks for the role the control plane requires', () => {
  expect(NEEDS.setMaintenanceMode).toBe(requiredRole('setMaintenanceMode'));
});

describe('turning maintenance on', () => {
  it('operator, without JavaScript: form → preview with who is told → confirm → 303, notice, audit, banner at once', async () => {
    const calls = countCalls(stack, 'GetMaintenanceStatus');
    const { response, doc: page } = await getPage(operator, PATH);
    expect(response.statusCode).toBe(200);
    expect(textOf(byTestId(page, 'maintenance-state')[0])).toContain('Off');
    const end = ahead(3);
    const first = press(
      fill(page, ENABLE, {
        values: { Message: 'Storage upgrade', 'Scheduled end (UTC)': end, Reason: 'Planned work' },
      }),
      'preview',
    );
    const requestId = first.params.get('request_id') ?? '';
    expect(requestId).not.toBe('');
    const preview = await send(operator, first);
    expect(preview.statusCode).toBe(200);
    const previewDoc = doc(preview);
    const { sessions, namespaces } = expectedImpact();
    expect(sessions).toBeGreaterThan(0);
    expect(textOf(byTestId(previewDoc, 'maintenance-impact')[0])).toBe(
      `${sessions.toLocaleString('en-US')} open client sessions in ${namespaces} namespaces will be told that maintenance has begun.`,
    );
    expect(textOf(byTestId(previewDoc, 'preview-end')[0])).toBe(`${end.replace('T', ' ')} UTC`);
    // Nothing applied by the preview.
    expect(state().maintenance.enabled).toBe(false);
    expect(state().auditEntriesForRequest(requestId)).toEqual([]);

    const confirm = press(
      fill(previewDoc, ENABLE, { values: { Confirmation: 'maintenance' } }),
      'confirm',
    );
    expect(confirm.params.get('request_id')).toBe(requestId);
    const done = await send(operator, confirm);
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`${PATH}?notice=enabled&request=${requestId}`);
    expect(state().maintenance).toMatchObject({
      enabled: true,
      message: 'Storage upgrade',
      enabledBy: 'operator',
    });
    expect(
      timestampMs(state().maintenance.scheduledEndTime ?? ({ seconds: 0n, nanos: 0 } as never)),
    ).toBe(Date.parse(`${end}:00Z`));
    expect(state().auditEntriesForRequest(requestId)).toEqual([
      expect.objectContaining({
        actor: 'operator',
        operation: 'SetMaintenanceMode',
        resource: 'maintenance',
        reason: 'Planned work',
        outcome: AuditOutcome.SUCCESS,
      }),
    ]);
    // The page after the redirect shows it, and the banner, without asking the control plane
    // again for the banner (this replica's own write).
    calls.reset();
    const after = doc(await operator.inject({ url: String(done.headers.location) }));
    expect(textOf(byTestId(after, 'notice')[0])).toContain('Maintenance mode is on.');
    expect(textOf(byTestId(after, 'request-receipt')[0])).toContain(requestId);
    expect(textOf(byTestId(after, 'maintenance-mode-banner')[0])).toContain('Storage upgrade');
    expect(textOf(byTestId(after, 'maintenance-mode-banner')[0])).toContain(
      'Turned on by operator',
    );
    // The scheduled end written out beside the relative time, for whoever cannot hover for it.
    const scheduledEnd = byTestId(after, 'state-end')[0];
    expect(scheduledEnd?.getAttribute('title')).toBe(`${end.replace('T', ' ')}:00 UTC`);
    expect(textOf(scheduledEnd?.nextElementSibling)).toBe(`${end.replace('T', ' ')}:00 UTC`);
    const other = doc(await viewer.inject({ url: '/namespaces' }));
    expect(byTestId(other, 'maintenance-mode-banner')).toHaveLength(1);
    // The maintenance page reads the state itself (once); the banner is served from the cache.
    expect(calls.count()).toBe(1);
  });

  it('keeps the input and says what is wrong beside each field, with the same request id', async () => {
    const page = (await getPage(operator, PATH)).doc;
    const posted = press(
      fill(page, ENABLE, {
        values: {
          Message: 'x'.repeat(1025),
          'Scheduled end (UTC)': '2020-01-01T00:00',
          Reason: ' ',
        },
      }),
      'preview',
    );
    const answer = await send(operator, posted);
    expect(answer.statusCode).toBe(422);
    const again = doc(answer);
    expect(errorFor(again, byLabel(again, 'Message'))).toBe(
      'Keep the message to at most 1024 characters.',
    );
    expect(errorFor(again, byLabel(again, 'Scheduled end (UTC)'))).toBe(
      'The scheduled end has to be in the future.',
    );
    expect(errorFor(again, byLabel(again, 'Reason'))).toContain('Give a reason');
    expect(byLabel(again, 'Scheduled end (UTC)').getAttribute('value')).toBe('2020-01-01T00:00');
    expect(again.querySelector('input[name="request_id"]')?.getAttribute('value')).toBe(
      posted.params.get('request_id'),
    );
    // An empty message is refused too.
    const empty = press(fill(page, ENABLE, { values: { Message: '', Reason: 'r' } }), 'preview');
    const emptyDoc = doc(await send(operator, empty));
    expect(errorFor(emptyDoc, byLabel(emptyDoc, 'Message'))).toContain('Write the message');
    expect(state().maintenance.enabled).toBe(false);
  });

  it('a wrong confirmation goes back to the preview; "Change the values" back to the form with them', async () => {
    const page = (await getPage(operator, PATH)).doc;
    const preview = doc(
      await send(
        operator,
        press(fill(page, ENABLE, { values: { Message: 'M', Reason: 'R' } }), 'preview'),
      ),
    );
    const wrong = await send(
      operator,
      press(fill(preview, ENABLE, { values: { Confirmation: 'yes' } }), 'confirm'),
    );
    expect(wrong.statusCode).toBe(422);
    const wrongDoc = doc(wrong);
    expect(errorFor(wrongDoc, byLabel(wrongDoc, 'Confirmation'))).toBe(
      'That does not match: type maintenance to confirm.',
    );
    expect(byTestId(wrongDoc, 'maintenance-impact')).toHaveLength(1);
    const back = doc(await send(operator, press(fill(wrongDoc, ENABLE), 'edit')));
    expect(byLabel(back, 'Message').textContent).toBe('M');
    expect(state().maintenance.enabled).toBe(false);
  });

  it("maps the control plane's field violations beside the fields", async () => {
    // The console's own check passes (a minute ahead); the control plane's clock is ahead of it.
    const page = (await getPage(operator, PATH)).doc;
    const preview = doc(
      await send(
        operator,
        press(
          fill(page, ENABLE, {
            values: { Message: 'M', 'Scheduled end (UTC)': ahead(0.02), Reason: 'R' },
          }),
          'preview',
        ),
      ),
    );
    const realNow = state().now;
    const setClock = (now: () => Date) =>
      Object.defineProperty(state(), 'now', { value: now, configurable: true });
    setClock(() => new Date(Date.now() + 3600_000));
    try {
      const answer = await send(
        operator,
        press(fill(preview, ENABLE, { values: { Confirmation: 'maintenance' } }), 'confirm'),
      );
      expect(answer.statusCode).toBe(422);
      const form = doc(answer);
      expect(errorFor(form, byLabel(form, 'Scheduled end (UTC)'))).toBe('must be in the future');
      expect(byLabel(form, 'Message').textContent).toBe('M');
    } finally {
      setClock(realNow);
    }
  });
});

describe('changing and ending it, with htmx', () => {
  it('admin changes the message, then ends it: fragments, HX-Location, notices, banner gone at once', async () => {
    maintenanceOn(stack, { message: 'Old message', by: 'carol' });
    const page = (await getPage(stack.admin, PATH)).doc;
    expect(byLabel(page, 'Message').textContent).toBe('Old message');
    const preview = await send(
      stack.admin,
      press(
        fill(page, ENABLE, { values: { Message: 'New message', Reason: 'Clarify' } }),
        'preview',
      ),
      htmx('maintenance-enable-form'),
    );
    expect(preview.statusCode).toBe(200);
    expect(preview.body).not.toContain('<html');
    const previewDoc = doc(preview);
    expect(textOf(byTestId(previewDoc, 'maintenance-impact')[0])).toContain(
      'will be told the new message',
    );
    const confirm = press(
      fill(previewDoc, ENABLE, { values: { Confirmation: 'maintenance' } }),
      'confirm',
    );
    const changed = await send(stack.admin, confirm, htmx('maintenance-enable-form'));
    expect(changed.statusCode).toBe(200);
    const requestId = confirm.params.get('request_id') ?? '';
    expect(hxLocation(changed)).toBe(`${PATH}?notice=changed&request=${requestId}`);
    // The banner sits outside #main: HX-Location selects it out of band from the next page.
    expect(JSON.parse(String(changed.headers['hx-location']))).toMatchObject({
      select: '#main',
      selectOOB: '#maintenance-banner',
    });
    expect(state().maintenance).toMatchObject({
      enabled: true,
      message: 'New message',
      enabledBy: 'carol',
    });
    const after = doc(
      await stack.admin.inject({
        url: hxLocation(changed) ?? '',
        headers: { 'hx-request': 'true' },
      }),
    );
    expect(textOf(byTestId(after, 'notice')[0])).toContain('Maintenance mode changed.');
    // Admins get a link to the audit entry.
    expect(
      after.querySelector(`[data-testid="request-receipt"] a[href="/audit?request=${requestId}"]`),
    ).not.toBeNull();
    expect(textOf(byTestId(after, 'maintenance-mode-banner')[0])).toContain('New message');

    const endPreview = await send(
      stack.admin,
      press(endForm(after, 'Done'), 'preview'),
      htmx('maintenance-end-form'),
    );
    const endDoc = doc(endPreview);
    expect(textOf(byTestId(endDoc, 'maintenance-impact')[0])).toContain(
      'will be told that maintenance is over',
    );
    const endConfirm = press(fill(endDoc, END, { values: { Confirmation: 'end' } }), 'confirm');
    const ended = await send(stack.admin, endConfirm, htmx('maintenance-end-form'));
    const endId = endConfirm.params.get('request_id') ?? '';
    expect(hxLocation(ended)).toBe(`${PATH}?notice=ended&request=${endId}`);
    expect(state().maintenance.enabled).toBe(false);
    expect(state().auditEntriesForRequest(endId)).toEqual([
      expect.objectContaining({ actor: 'admin', reason: 'Done', outcome: AuditOutcome.SUCCESS }),
    ]);
    const off = doc(await viewer.inject({ url: '/backends' }));
    expect(byTestId(off, 'maintenance-mode-banner')).toHaveLength(0);
  });

  it('operator ends it without JavaScript', async () => {
    maintenanceOn(stack);
    const page = (await getPage(operator, PATH)).doc;
    const preview = doc(await send(operator, press(endForm(page, 'Finished'), 'preview')));
    const confirm = press(fill(preview, END, { values: { Confirmation: 'end' } }), 'confirm');
    const done = await send(operator, confirm);
    expect(done.statusCode).toBe(303);
    expect(state().maintenance.enabled).toBe(false);
    expect(state().auditEntriesForRequest(confirm.params.get('request_id') ?? '')).toEqual([
      expect.objectContaining({
        actor: 'operator',
        reason: 'Finished',
        outcome: AuditOutcome.SUCCESS,
      }),
    ]);
  });
});
