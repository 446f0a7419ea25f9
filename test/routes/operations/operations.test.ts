import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';
import { OperationState } from '../../../src/gen/prism/admin/v1/operations_pb.js';
import { byTestId, parse, textOf } from '../../components/namespaces/html.js';
import { directClient } from '../../grpc.js';
import { type SignedIn, type Stack, startStack } from '../../helper.js';
import { fill, send } from '../client-sessions/support.js';
import { getPage, htmx, hxLocation } from '../namespaces/support.js';
import {
  CANCEL_FORM,
  EXPIRING,
  sessionsWithStatus,
  startDrainDirect,
  text,
  waitDone,
} from './support.js';

let stack: Stack;
let viewer: SignedIn;
let operator: SignedIn;
beforeAll(async () => {
  stack = await startStack();
  viewer = await stack.signIn('viewer');
  operator = await stack.signIn('operator');
});
afterAll(() => stack?.close());

const state = () => stack.controlPlane.state;
const client = () => directClient(stack.controlPlane.url, stack.admin.accessToken);

describe('the operations list', () => {
  it('shows running and recent operations, the maintenance state, and the drain action', async () => {
    const id = await startDrainDirect(stack, { namespace: 'email-outbox', deadlineMs: 60_000 });
    const { response, doc } = await getPage(operator, '/operations');
    expect(response.statusCode).toBe(200);
    const rows = byTestId(doc, 'operation-row');
    expect(rows.length).toBe(2);
    // Newest first: the running drain, then the finished one the demo starts with.
    expect(rows[0]?.getAttribute('data-id')).toBe(id);
    expect(textOf(rows[0])).toContain('Running');
    expect(textOf(rows[0])).toContain('email-outbox');
    expect(textOf(rows[0])).toContain('admin');
    expect(textOf(rows[1])).toContain('Succeeded');
    expect(textOf(rows[1])).toContain('legacy-import');
    expect(textOf(rows[1])).toContain('4 drained · 0 remaining · 0 forced of 4 (100%)');
    expect(rows[0]?.querySelector('a')?.getAttribute('href')).toBe(`/operations/${id}`);
    const line = doc.querySelector('[data-testid="maintenance-line"]');
    expect(textOf(line)).toContain('Maintenance mode is off');
    expect(line?.querySelector('a')?.getAttribute('href')).toBe('/operations/maintenance');
    expect(doc.querySelector('a[data-testid="drain-connections"]')?.getAttribute('href')).toBe(
      '/operations/drain',
    );
    await client().cancelOperation({ id, requestId: `stop-${id}`, reason: 'test cleanup' });
  });

  it('reads maintenance afresh: its line and the banner agree at once, cache or not', async () => {
    await getPage(viewer, '/namespaces'); // the banner's cache now holds "off"
    const setMode = (enabled: boolean) =>
      client().setMaintenanceMode({
        enabled,
        message: enabled ? 'Storage upgrade' : '',
        requestId: crypto.randomUUID(),
        reason: 'test',
      });
    await setMode(true);
    try {
      const { doc } = await getPage(viewer, '/operations');
      expect(doc.querySelector('[data-testid="maintenance-mode-banner"]')?.textContent).toContain(
        'Storage upgrade',
      );
      // The replica's cache took it too: the next page shows it without waiting 5 s.
      const next = await getPage(viewer, '/namespaces');
      expect(next.doc.querySelector('[data-testid="maintenance-mode-banner"]')).not.toBeNull();
    } finally {
      await setMode(false);
      await getPage(viewer, '/operations');
    }
  });

  it('a stale page link says so instead of failing', async () => {
    const { response, doc } = await getPage(viewer, '/operations?page=bm90LWEtdG9rZW4');
    expect(response.statusCode).toBe(200);
    expect(text(doc, 'list-problems')).toContain('no longer valid');
  });

  it('the namespace page links its drain for operators, disabled for viewers', async () => {
    const { doc } = await getPage(operator, '/namespaces/orders-prod');
    const link = doc.querySelector('a[data-testid="drain-namespace"]');
    expect(link?.getAttribute('href')).toBe('/operations/drain?namespace=orders-prod');
    const seen = await getPage(viewer, '/namespaces/orders-prod');
    const disabled = seen.doc.querySelector('[data-testid="drain-namespace"]');
    expect(disabled?.tagName).toBe('BUTTON');
    expect(disabled?.getAttribute('data-needs')).toBe('operator');
  });
});

describe('an operation page', () => {
  it('a finished one: its facts, no refresh and no event stream', async () => {
    const { operations } = await client().listOperations({});
    const seeded = operations.at(-1);
    const { response, doc } = await getPage(viewer, `/operations/${seeded?.id}`);
    expect(response.statusCode).toBe(200);
    expect(text(doc, 'operation-state')).toBe('Succeeded');
    expect(text(doc, 'operation-target')).toBe('legacy-import');
    expect(text(doc, 'drain-counts')).toContain('4 drained');
    expect(doc.querySelector('progress')?.getAttribute('value')).toBe('4');
    expect(doc.querySelector('meta[http-equiv="refresh"]')).toBeNull();
    expect(doc.querySelector('[sse-connect]')).toBeNull();
    expect(text(doc, 'operation-request-id')).toBe(seeded?.requestId);
    // Viewers read no audit log and cancel nothing.
    expect(byTestId(doc, 'operation-audit')).toHaveLength(0);
    expect(byTestId(doc, 'cancel-operation')).toHaveLength(0);
  });

  it('a missing one is a 404 page', async () => {
    const { response } = await getPage(viewer, '/operations/op-00000000');
    expect(response.statusCode).toBe(404);
  });

  it('its event stream stops with the reason, not silently, when the watch is refused', async () => {
    // An operation the control plane does not know: NOT_FOUND is no break to reconnect after.
    const response = await viewer.inject({ method: 'GET', url: '/operations/op-gone0000/events' });
    expect(response.statusCode).toBe(200);
    const events = [...response.body.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events).toEqual(['done']);
    const stopped = parse(
      response.body
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n'),
    );
    expect(text(stopped, 'operation-live-stopped')).toMatch(/Live progress stopped/);
    expect(stopped.querySelector('[sse-connect]')).toBeNull();
    expect(stopped.querySelector('a')?.getAttribute('href')).toBe('/operations/op-gone0000');
  });

  it('its event stream sends progress, then "done" with a region that no longer connects, and ends', async () => {
    const id = await startDrainDirect(stack, {
      namespace: 'payments-gateway',
      deadlineMs: 600,
      force: true,
    });
    const response = await viewer.inject({ method: 'GET', url: `/operations/${id}/events` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/event-stream');
    const events = [...response.body.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events.at(-1)).toBe('done');
    expect(events.slice(0, -1).every((e) => e === 'progress')).toBe(true);
    const done = response.body.slice(response.body.lastIndexOf('event: done'));
    expect(done).toContain('id="operation-live"');
    expect(done).not.toContain('sse-connect');
    // The page now shows it done, without refreshing.
    const page = await getPage(viewer, `/operations/${id}`);
    expect(page.doc.querySelector('meta[http-equiv="refresh"]')).toBeNull();
    expect(['Succeeded', 'Deadline exceeded']).toContain(text(page.doc, 'operation-state'));
  });

  it('htmx asking for the live region gets it alone', async () => {
    const id = await startDrainDirect(stack, { namespace: 'orders-prod', deadlineMs: 60_000 });
    const answer = await viewer.inject({
      method: 'GET',
      url: `/operations/${id}`,
      headers: htmx('operation-live'),
    });
    expect(answer.body.startsWith('<section id="operation-live"')).toBe(true);
    await client().cancelOperation({ id, requestId: `stop-${id}`, reason: 'test cleanup' });
  });
});

describe('cancel', () => {
  it('operator, without JavaScript: stops it, sessions open again, audited with reason and request id', async () => {
    const namespace = 'user-sessions';
    // Some were expiring before the drain; they stay so.
    const expiringBefore = sessionsWithStatus(stack, namespace, EXPIRING);
    const id = await startDrainDirect(stack, { namespace, deadlineMs: 60_000 });
    expect(sessionsWithStatus(stack, namespace, EXPIRING)).toBeGreaterThan(expiringBefore);
    const detail = await getPage(operator, `/operations/${id}`);
    expect(
      detail.doc.querySelector('a[data-testid="cancel-operation"]')?.getAttribute('href'),
    ).toBe(`/operations/${id}/cancel`);
    const { doc } = await getPage(operator, `/operations/${id}/cancel`);
    expect(textOf(doc.querySelector('[data-testid="copy-command"]'))).toContain(
      'prism.admin.v1.AdminService/CancelOperation',
    );
    const wrong = await send(
      operator,
      fill(doc, CANCEL_FORM, { values: { Reason: 'Enough', 'Operation id': 'op-nope' } }),
    );
    expect(wrong.statusCode).toBe(422);
    expect(text(parse(wrong.body), 'error-summary')).toContain('does not match this operation');
    const posted = fill(parse(wrong.body), CANCEL_FORM, {
      values: { Reason: 'Enough', 'Operation id': id },
    });
    const requestId = posted.params.get('request_id') ?? '';
    const answer = await send(operator, posted);
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe(`/operations/${id}?notice=cancelled&request=${requestId}`);
    expect(sessionsWithStatus(stack, namespace, EXPIRING)).toBe(expiringBefore);
    expect(state().auditEntriesForRequest(requestId)).toEqual([
      expect.objectContaining({
        actor: 'operator',
        operation: 'CancelOperation',
        resource: `operations/${id}`,
        reason: 'Enough',
        outcome: AuditOutcome.SUCCESS,
      }),
    ]);
    const page = await getPage(operator, String(answer.headers.location));
    expect(text(page.doc, 'notice')).toContain('Operation cancelled');
    expect(text(page.doc, 'request-receipt')).toContain(requestId);
    expect(text(page.doc, 'operation-state')).toBe('Cancelled');
    expect(text(page.doc, 'cancelled-by')).toContain('operator: Enough');
  });

  it('admin, with htmx: HX-Location to the operation', async () => {
    const id = await startDrainDirect(stack, { namespace: 'orders-prod', deadlineMs: 60_000 });
    const { doc } = await getPage(stack.admin, `/operations/${id}/cancel`);
    const posted = fill(doc, CANCEL_FORM, {
      values: { Reason: 'Wrong target', 'Operation id': id },
    });
    const answer = await send(stack.admin, posted, htmx('cancel-operation-form'));
    expect(answer.statusCode).toBe(200);
    expect(hxLocation(answer)).toBe(
      `/operations/${id}?notice=cancelled&request=${posted.params.get('request_id')}`,
    );
    const { operation } = await client().getOperation({ id });
    expect(operation?.state).toBe(OperationState.CANCELLED);
  });

  it('a finished operation: the form says so, and a post is refused with the reason, not a 500', async () => {
    const id = await startDrainDirect(stack, { namespace: 'orders-prod', deadlineMs: 60_000 });
    const { doc } = await getPage(operator, `/operations/${id}/cancel`);
    const posted = fill(doc, CANCEL_FORM, { values: { Reason: 'Late', 'Operation id': id } });
    await client().cancelOperation({ id, requestId: `first-${id}`, reason: 'someone else' });
    await waitDone(stack, id);
    const again = await getPage(operator, `/operations/${id}/cancel`);
    expect(byTestId(again.doc, 'already-done')).toHaveLength(1);
    const answer = await send(operator, posted);
    expect(answer.statusCode).toBe(409);
    expect(text(parse(answer.body), 'error-summary')).toContain('done already');
  });

  it('viewer: the post is refused before any call', async () => {
    const id = await startDrainDirect(stack, { namespace: 'orders-prod', deadlineMs: 60_000 });
    const before = state().auditLog.length;
    const post = await viewer.inject({
      method: 'POST',
      url: `/operations/${id}/cancel`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        reason: 'x',
        confirm: id,
        request_id: 'viewer-cancel-0001',
        _csrf: viewer.csrfToken,
      }).toString(),
    });
    expect(post.statusCode).toBe(403);
    expect(state().auditLog.length).toBe(before);
    expect((await client().getOperation({ id })).operation?.done).toBe(false);
    await client().cancelOperation({ id, requestId: `stop-${id}`, reason: 'test cleanup' });
  });

  it('shows the control plane refusing a cancel the console let through', async () => {
    const lax = await stack.replica({
      env: { OIDC_ROLE_MAP: 'prism-admins=admin,prism-operators=operator,prism-viewers=operator' },
    });
    const laxViewer = await stack.signIn('viewer', lax);
    const id = await startDrainDirect(stack, { namespace: 'orders-prod', deadlineMs: 60_000 });
    const { doc } = await getPage(laxViewer, `/operations/${id}/cancel`);
    const posted = fill(doc, CANCEL_FORM, { values: { Reason: 'Not mine', 'Operation id': id } });
    const answer = await send(laxViewer, posted);
    expect(answer.statusCode).toBe(403);
    expect(text(parse(answer.body), 'error-summary')).toContain(
      'The control plane refused this for your role',
    );
    expect(state().auditEntriesForRequest(posted.params.get('request_id') ?? '')).toEqual([
      expect.objectContaining({ actor: 'viewer', outcome: AuditOutcome.DENIED }),
    ]);
    await client().cancelOperation({ id, requestId: `stop-${id}`, reason: 'test cleanup' });
  });
});
