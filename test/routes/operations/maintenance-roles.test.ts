import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';
import { byTestId, textOf } from '../../components/namespaces/html.js';
import { type SignedIn, type Stack, startStack } from '../../helper.js';
import {
  doc,
  ENABLE,
  END,
  endForm,
  maintenanceOff,
  maintenanceOn,
  MAINTENANCE_PATH as PATH,
  press,
} from '../../plugins/maintenance-support.js';
import { fill, send } from '../client-sessions/support.js';
import { getPage } from '../namespaces/support.js';

// /operations/maintenance: who may change it (console and control plane), and what an operator
// sees when the control plane is slow, down, or changed elsewhere.

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

const state = () => stack.controlPlane.state;

it('the maintenance page reads the state afresh, and its banner says the same', async () => {
  maintenanceOff(stack);
  await viewer.inject({ url: '/backends' }); // caches "off"
  // Turned on elsewhere, within this replica's freshness window: the cache does not know yet.
  state().maintenance = {
    ...state().maintenance,
    enabled: true,
    message: 'Elsewhere',
    enabledBy: 'dave',
  };
  const page = doc(await viewer.inject({ url: PATH }));
  expect(textOf(byTestId(page, 'maintenance-state')[0])).toContain('Elsewhere');
  expect(textOf(byTestId(page, 'maintenance-mode-banner')[0])).toContain('Elsewhere');
  // And the next page of this replica too.
  const next = doc(await viewer.inject({ url: '/backends' }));
  expect(textOf(byTestId(next, 'maintenance-mode-banner')[0])).toContain('Turned on by dave');
});

describe('roles and failures', () => {
  it('viewer: sees the state and the form disabled naming the role; a post is refused before the control plane', async () => {
    maintenanceOn(stack);
    const { response, doc: page } = await getPage(viewer, PATH);
    expect(response.statusCode).toBe(200);
    expect(textOf(byTestId(page, 'maintenance-state')[0])).toContain('On');
    expect(textOf(byTestId(page, 'needs-role')[0])).toBe(
      'Changing maintenance mode needs the operator role; you are signed in as viewer.',
    );
    expect(page.querySelector(`${END} fieldset`)?.hasAttribute('disabled')).toBe(true);
    const auditBefore = state().auditLog.length;
    const posted = press(endForm(page, 'sneaky'), 'confirm');
    posted.params.set('confirm', 'end');
    const answer = await send(viewer, posted);
    expect(answer.statusCode).toBe(403);
    expect(state().maintenance.enabled).toBe(true);
    expect(state().auditLog.length).toBe(auditBefore);
  });

  it('shows the control plane refusing (PERMISSION_DENIED) when the console let it through', async () => {
    const lax = await stack.replica({
      env: { OIDC_ROLE_MAP: 'prism-admins=admin,prism-operators=operator,prism-viewers=operator' },
    });
    const laxViewer = await stack.signIn('viewer', lax);
    const page = (await getPage(laxViewer, PATH)).doc;
    const preview = doc(
      await send(
        laxViewer,
        press(fill(page, ENABLE, { values: { Message: 'M', Reason: 'R' } }), 'preview'),
      ),
    );
    const confirm = press(
      fill(preview, ENABLE, { values: { Confirmation: 'maintenance' } }),
      'confirm',
    );
    const answer = await send(laxViewer, confirm);
    expect(answer.statusCode).toBe(403);
    expect(textOf(byTestId(doc(answer), 'error-summary')[0])).toContain(
      'The control plane refused this for your role',
    );
    expect(state().maintenance.enabled).toBe(false);
    expect(state().auditEntriesForRequest(confirm.params.get('request_id') ?? '')).toEqual([
      expect.objectContaining({ actor: 'viewer', outcome: AuditOutcome.DENIED }),
    ]);
  });

  it('a lost answer is unknown: the same request id is kept, and sending it again does not act twice', async () => {
    const page = (await getPage(operator, PATH)).doc;
    const preview = doc(
      await send(
        operator,
        press(fill(page, ENABLE, { values: { Message: 'Slow', Reason: 'R' } }), 'preview'),
      ),
    );
    const confirm = press(
      fill(preview, ENABLE, { values: { Confirmation: 'maintenance' } }),
      'confirm',
    );
    const requestId = confirm.params.get('request_id') ?? '';
    stack.controlPlane.faults.latencyMs = 2500;
    const answer = await send(operator, confirm);
    expect(answer.statusCode).toBe(504);
    const again = doc(answer);
    expect(textOf(byTestId(again, 'error-summary')[0])).toContain(
      'not known whether this change was applied',
    );
    expect(again.querySelector('input[name="request_id"]')?.getAttribute('value')).toBe(requestId);
    stack.controlPlane.faults.latencyMs = 0;
    // Give the slow call time to land, then retry with what the page holds.
    await new Promise((resolve) => setTimeout(resolve, 800));
    const retry = await send(
      operator,
      press(fill(again, ENABLE, { values: { Confirmation: 'maintenance' } }), 'confirm'),
    );
    expect(retry.statusCode).toBe(303);
    expect(
      state()
        .auditEntriesForRequest(requestId)
        .filter((e) => e.outcome === AuditOutcome.SUCCESS),
    ).toHaveLength(1);
  });

  it('control plane down: the page says so, and a confirmation is not shown as done', async () => {
    const page = (await getPage(operator, PATH)).doc;
    const preview = doc(
      await send(
        operator,
        press(fill(page, ENABLE, { values: { Message: 'M', Reason: 'R' } }), 'preview'),
      ),
    );
    const confirm = press(
      fill(preview, ENABLE, { values: { Confirmation: 'maintenance' } }),
      'confirm',
    );
    stack.controlPlane.faults.unavailable = true;
    const answer = await send(operator, confirm);
    expect(answer.statusCode).toBe(503);
    const again = doc(answer);
    expect(textOf(byTestId(again, 'error-summary')[0])).toContain(
      'The control plane could not be reached; nothing was confirmed.',
    );
    expect(byTestId(again, 'notice')).toHaveLength(0);
    expect(again.querySelector('input[name="request_id"]')?.getAttribute('value')).toBe(
      confirm.params.get('request_id'),
    );
    expect(state().maintenance.enabled).toBe(false);
    const down = await operator.inject({ url: PATH });
    expect(down.statusCode).toBe(503);
  });
  it('a preview whose sessions cannot be counted says so, and still lets the operator go ahead', async () => {
    const page = (await getPage(operator, PATH)).doc;
    stack.controlPlane.faults.unavailableMethods.add('ListNamespaces');
    try {
      const preview = await send(
        operator,
        press(fill(page, ENABLE, { values: { Message: 'M', Reason: 'R' } }), 'preview'),
      );
      expect(preview.statusCode).toBe(200);
      const shown = doc(preview);
      expect(textOf(byTestId(shown, 'maintenance-impact')[0])).toContain(
        'Who will be told could not be counted',
      );
      const confirm = press(
        fill(shown, ENABLE, { values: { Confirmation: 'maintenance' } }),
        'confirm',
      );
      expect((await send(operator, confirm)).statusCode).toBe(303);
      expect(state().maintenance.enabled).toBe(true);
    } finally {
      stack.controlPlane.faults.unavailableMethods.delete('ListNamespaces');
    }
  });
});
