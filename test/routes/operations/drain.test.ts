import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requiredRole } from '../../../src/dev/control-plane/roles.js';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';
import { OperationState } from '../../../src/gen/prism/admin/v1/operations_pb.js';
import { NEEDS } from '../../../src/views/permissions.js';
import { byTestId, parse, textOf } from '../../components/namespaces/html.js';
import { directClient } from '../../grpc.js';
import { type SignedIn, type Stack, startStack } from '../../helper.js';
import { send } from '../client-sessions/support.js';
import { getPage, htmx, hxLocation } from '../namespaces/support.js';
import {
  CANCEL_FORM,
  confirmFrom,
  DRAIN_FORM,
  EXPIRING,
  openSessions,
  previewDrain,
  sessionsWithStatus,
  text,
} from './support.js';

let stack: Stack;
let viewer: SignedIn;
let operator: SignedIn;
beforeAll(async () => {
  stack = await startStack({ env: { CONTROL_PLANE_TIMEOUT_MS: '1000' } });
  viewer = await stack.signIn('viewer');
  operator = await stack.signIn('operator');
});
afterAll(() => stack?.close());
afterEach(() => {
  stack.controlPlane.faults.latencyMs = 0;
  stack.controlPlane.faults.unavailableMethods.clear();
});

const state = () => stack.controlPlane.state;
const client = () => directClient(stack.controlPlane.url, stack.admin.accessToken);
const idOf = (location: string | undefined) =>
  /\/operations\/(op-[0-9a-f]+)/.exec(location ?? '')?.[1] ?? '';

it('asks for the roles the control plane requires', () => {
  expect(NEEDS.drainConnections).toBe(requiredRole('drainConnections'));
  expect(NEEDS.cancelOperation).toBe(requiredRole('cancelOperation'));
});

describe('drain one namespace', () => {
  it('operator, without JavaScript: preview with the impact, typed confirmation, 303 to the operation', async () => {
    const namespace = 'orders-prod';
    const open = openSessions(stack, namespace);
    expect(open).toBeGreaterThan(0);
    const { posted, answer } = await previewDrain(operator, {
      namespace,
      deadline: '30',
      unit: 'seconds',
      reason: 'Move orders-prod to the new pool',
    });
    expect(answer.statusCode).toBe(200);
    const preview = parse(answer.body);
    // The preview's numbers are the control plane's: every session still holding a connection.
    expect(text(preview, 'impact-total')).toBe(String(open));
    expect(
      textOf(
        preview.querySelector(`[data-testid="drain-impact"] tr[data-namespace="${namespace}"]`),
      ),
    ).toContain(String(open));
    expect(textOf(preview.querySelector('[data-testid="copy-command"]'))).toContain(
      'prism.admin.v1.AdminService/DrainConnections',
    );
    // Nothing started by the preview.
    expect(sessionsWithStatus(stack, namespace, EXPIRING)).toBe(0);

    const wrong = await send(operator, confirmFrom(preview, 'orders'));
    expect(wrong.statusCode).toBe(422);
    expect(text(parse(wrong.body), 'error-summary')).toContain('type orders-prod');
    expect(sessionsWithStatus(stack, namespace, EXPIRING)).toBe(0);

    const confirmed = confirmFrom(parse(wrong.body), namespace);
    const requestId = posted.params.get('request_id') ?? '';
    expect(confirmed.params.get('request_id')).toBe(requestId);
    const started = await send(operator, confirmed);
    expect(started.statusCode).toBe(303);
    const location = String(started.headers.location);
    expect(location).toMatch(
      new RegExp(`^/operations/op-[0-9a-f]+\\?notice=started&request=${requestId}$`),
    );
    const id = idOf(location);
    // It runs on the control plane after the console hung up.
    const { operation } = await client().getOperation({ id });
    expect(operation).toMatchObject({
      state: OperationState.RUNNING,
      startedBy: 'operator',
      requestId,
    });
    expect(sessionsWithStatus(stack, namespace, EXPIRING)).toBeGreaterThan(0);
    expect(state().auditEntriesForRequest(requestId)).toEqual([
      expect.objectContaining({
        actor: 'operator',
        operation: 'DrainConnections',
        resource: `namespaces/${namespace}`,
        reason: 'Move orders-prod to the new pool',
        outcome: AuditOutcome.SUCCESS,
      }),
    ]);

    const page = await getPage(operator, location);
    expect(text(page.doc, 'notice')).toContain('Drain started');
    expect(text(page.doc, 'request-receipt')).toContain(requestId);
    // Operators do not read the audit log: the id without a link.
    expect(page.doc.querySelector('[data-testid="request-receipt"] a')).toBeNull();
    expect(text(page.doc, 'operation-state')).toBe('Running');
    expect(page.doc.querySelector('meta[http-equiv="refresh"]')?.getAttribute('content')).toBe('2');
    expect(page.doc.querySelector('[sse-connect]')?.getAttribute('sse-connect')).toBe(
      `/operations/${id}/events`,
    );
    expect(byTestId(page.doc, 'cancel-operation')).toHaveLength(1);

    // Stop it, so other tests find sessions where they expect them.
    await client().cancelOperation({ id, requestId: `${requestId}-stop`, reason: 'test cleanup' });
  });

  it('admin, with htmx: fragments, then HX-Location; the request id links to the audit entry', async () => {
    const namespace = 'payments-gateway';
    const open = openSessions(stack, namespace);
    const { posted, answer } = await previewDrain(stack.admin, {
      namespace,
      deadline: '1',
      force: true,
      headers: htmx('drain-form'),
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.body.startsWith('<form id="drain-form"')).toBe(true);
    expect(answer.body).not.toContain('<html');
    const preview = parse(answer.body);
    expect(text(preview, 'impact-total')).toBe(String(open));
    const started = await send(stack.admin, confirmFrom(preview, namespace), htmx('drain-form'));
    expect(started.statusCode).toBe(200);
    const location = hxLocation(started);
    const id = idOf(location);
    expect(id).not.toBe('');
    const page = await getPage(stack.admin, String(location));
    expect(page.doc.querySelector('[data-testid="request-receipt"] a')?.getAttribute('href')).toBe(
      `/audit?request=${posted.params.get('request_id')}`,
    );
    expect(page.doc.querySelector('[data-testid="operation-audit"]')?.getAttribute('href')).toBe(
      `/audit?resource=operations%2F${id}`,
    );
  });

  it('"Back" from the preview: the form again with what was entered and the same request id', async () => {
    const { posted, answer } = await previewDrain(operator, {
      namespace: 'email-outbox',
      deadline: '7',
      unit: 'minutes',
      reason: 'Back and forth',
    });
    const preview = confirmFrom(parse(answer.body), 'email-outbox');
    preview.params.set('step', 'edit'); // the Back button's name and value
    const back = await send(operator, preview);
    expect(back.statusCode).toBe(200);
    const form = parse(back.body);
    expect(
      form.querySelector('select[name="target"] option[selected]')?.getAttribute('value'),
    ).toBe('email-outbox');
    expect(form.querySelector('input[name="deadline"]')?.getAttribute('value')).toBe('7');
    expect(textOf(form.querySelector('textarea[name="reason"]'))).toBe('Back and forth');
    expect(form.querySelector('input[name="request_id"]')?.getAttribute('value')).toBe(
      posted.params.get('request_id'),
    );
    expect(form.querySelector('button[name="step"][value="edit"]')).toBeNull();
    expect(parse(answer.body).querySelector('button[name="step"][value="edit"]')).not.toBeNull();
  });

  it('refuses a bad deadline and a missing target beside the fields; nothing is started', async () => {
    const before = state().auditLog.length;
    const tooLong = await previewDrain(operator, { target: '', deadline: '61', unit: 'minutes' });
    expect(tooLong.answer.statusCode).toBe(422);
    const summary = text(parse(tooLong.answer.body), 'error-summary');
    expect(summary).toContain('at most one hour');
    expect(summary).toContain('Choose a namespace');
    expect(state().auditLog.length).toBe(before);
  });

  it('a lost answer is unknown: the same request id is kept, and the retry starts one drain', async () => {
    const namespace = 'email-outbox';
    const { posted, answer } = await previewDrain(operator, { namespace, deadline: '30' });
    const preview = parse(answer.body);
    stack.controlPlane.faults.latencyMs = 2000; // over the console's 1 s deadline
    const lost = await send(operator, confirmFrom(preview, namespace));
    stack.controlPlane.faults.latencyMs = 0;
    expect(lost.statusCode).toBe(504);
    const again = parse(lost.body);
    expect(text(again, 'error-summary')).toContain('not known whether this change was applied');
    const retry = confirmFrom(again, namespace);
    const requestId = posted.params.get('request_id') ?? '';
    expect(retry.params.get('request_id')).toBe(requestId);
    const first = await send(operator, retry);
    expect(first.statusCode).toBe(303);
    // Submitted once more (a double click, another tab): the same operation, not a second drain.
    const second = await send(operator, retry);
    expect(second.headers.location).toBe(first.headers.location);
    expect(state().auditEntriesForRequest(requestId)).toHaveLength(1);
    await client().cancelOperation({
      id: idOf(String(first.headers.location)),
      requestId: `${requestId}-stop`,
      reason: 'test cleanup',
    });
  });

  it('the control plane down at confirmation: a clear error, the same request id', async () => {
    const namespace = 'email-outbox';
    const { posted, answer } = await previewDrain(operator, { namespace });
    stack.controlPlane.faults.unavailableMethods.add('DrainConnections');
    const down = await send(operator, confirmFrom(parse(answer.body), namespace));
    expect(down.statusCode).toBe(503);
    const again = parse(down.body);
    expect(text(again, 'error-summary')).toContain('could not be reached');
    // Still the confirmation step, with what was typed and the same request id.
    expect(confirmFrom(again, namespace).params.get('request_id')).toBe(
      posted.params.get('request_id'),
    );
    expect(state().auditEntriesForRequest(posted.params.get('request_id') ?? '')).toEqual([]);
  });

  it('all namespaces: the impact per namespace, confirmed by typing "all namespaces"', async () => {
    const { answer } = await previewDrain(operator, { target: '*', deadline: '1', force: true });
    expect(answer.statusCode).toBe(200);
    const preview = parse(answer.body);
    expect(text(preview, 'impact-total')).toBe(String(openSessions(stack)));
    const namespaces = [...state().namespaces.values()].filter(
      (ns) => (ns.metrics?.activeSessions ?? 0) > 0,
    );
    expect(byTestId(preview, 'drain-impact')[0]?.querySelectorAll('tbody tr')).toHaveLength(
      namespaces.length,
    );
    const wrong = await send(operator, confirmFrom(preview, '*'));
    expect(wrong.statusCode).toBe(422);
    expect(text(parse(wrong.body), 'error-summary')).toContain('type all namespaces');
    const started = await send(operator, confirmFrom(preview, 'all namespaces'));
    expect(started.statusCode).toBe(303);
    const id = idOf(String(started.headers.location));
    const { operation } = await client().getOperation({ id });
    expect(operation?.details.case === 'drain' && operation.details.value.target).toEqual({
      case: 'allNamespaces',
      value: true,
    });
    await client().cancelOperation({ id, requestId: `stop-${id}`, reason: 'test cleanup' });
  });
});

describe('roles', () => {
  it('viewer: the action is shown disabled; the form and the post are refused before any call', async () => {
    const list = await getPage(viewer, '/operations');
    const action = list.doc.querySelector('[data-testid="drain-connections"]');
    expect(action?.tagName).toBe('BUTTON');
    expect(action?.hasAttribute('disabled')).toBe(true);
    const form = await getPage(viewer, '/operations/drain');
    expect(form.response.statusCode).toBe(403);
    expect(form.doc.querySelector(DRAIN_FORM)).toBeNull();
    const before = state().auditLog.length;
    const post = await viewer.inject({
      method: 'POST',
      url: '/operations/drain',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        target: 'orders-prod',
        deadline: '1',
        deadline_unit: 'seconds',
        reason: 'x',
        confirm: 'orders-prod',
        step: 'confirm',
        request_id: 'viewer-drain-0001',
        _csrf: viewer.csrfToken,
      }).toString(),
    });
    expect(post.statusCode).toBe(403);
    expect(state().auditLog.length).toBe(before);
    const cancel = await getPage(viewer, `/operations/op-whatever/cancel`);
    expect(cancel.response.statusCode).toBe(403);
    expect(cancel.doc.querySelector(CANCEL_FORM)).toBeNull();
  });

  it('shows the control plane refusing (PERMISSION_DENIED) when the console let it through', async () => {
    const lax = await stack.replica({
      env: { OIDC_ROLE_MAP: 'prism-admins=admin,prism-operators=operator,prism-viewers=operator' },
    });
    const laxViewer = await stack.signIn('viewer', lax);
    const namespace = 'orders-prod';
    const { posted, answer } = await previewDrain(laxViewer, { namespace });
    const refused = await send(laxViewer, confirmFrom(parse(answer.body), namespace));
    expect(refused.statusCode).toBe(403);
    expect(text(parse(refused.body), 'error-summary')).toContain(
      'The control plane refused this for your role',
    );
    expect(sessionsWithStatus(stack, namespace, EXPIRING)).toBe(0);
    expect(state().auditEntriesForRequest(posted.params.get('request_id') ?? '')).toEqual([
      expect.objectContaining({ actor: 'viewer', outcome: AuditOutcome.DENIED }),
    ]);
  });
});
