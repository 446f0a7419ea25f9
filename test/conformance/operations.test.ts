import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { byTestId, parse, textOf } from '../components/namespaces/html.js';
import { fill, send } from '../routes/client-sessions/support.js';
import { getPage, htmx, hxLocation } from '../routes/namespaces/support.js';
import { CANCEL_FORM, confirmFrom, previewDrain, text } from '../routes/operations/support.js';
import { type ConsoleOnConformance, consoleOnConformance } from './console-stack.js';
import { seedSessions } from './fixtures.js';
import { idOf, listening, readEvents, startDrain } from './operations-support.js';

/*
 * Drains as operations on the console, against a grpc-go-like control plane (./server.ts):
 * start → 303 to the operation's page; its events (SSE from WatchOperation) until done; cancel,
 * also of one that finished meanwhile (FAILED_PRECONDITION with a PreconditionFailure).
 */

let c: ConsoleOnConformance;
let baseUrl: string;

beforeAll(async () => {
  c = await consoleOnConformance({ drainStepMs: 40 });
  baseUrl = await listening(c.app);
});
afterAll(() => c?.close());
beforeEach(() => {
  c.server.drains.hold = false;
});

describe('drain → operation, against a grpc-go control plane', () => {
  it('start: preview from ListClientSessions status_counts, 303 to the running operation', async () => {
    seedSessions(c.server, 'orders', 6);
    c.server.drains.hold = true;
    const open = [...c.server.sessions.values()].filter(
      (s) => s.namespace === 'orders' && s.status !== 'SESSION_STATUS_TERMINATED',
    ).length;
    const location = await startDrain(c.operator, 'orders', 'pool move', open);
    expect(location).toMatch(/^\/operations\/op-[0-9a-f]{6}\?notice=started&request=/);
    const id = idOf(location);
    const requestId = new URL(location, baseUrl).searchParams.get('request');
    expect(c.server.drains.operations.get(id)?.state).toBe('OPERATION_STATE_RUNNING');
    expect(c.server.auditLog.filter((e) => e.requestId === requestId)).toEqual([
      expect.objectContaining({
        operation: 'DrainConnections',
        resource: 'namespaces/orders',
        reason: 'pool move',
        actor: 'operator',
      }),
    ]);
    // The console hung up after the first message: no DrainConnections stream is left open.
    await expect.poll(() => c.server.openStreams('DrainConnections')).toBe(0);

    const page = await getPage(c.operator, location);
    expect(page.response.statusCode).toBe(200);
    expect(text(page.doc, 'notice')).toContain('Drain started');
    expect(text(page.doc, 'operation-state')).toBe('Running');
    expect(text(page.doc, 'drain-counts')).toContain('6');
    expect(page.doc.querySelector('meta[http-equiv="refresh"]')).not.toBeNull();

    // Another console process re-attaches to the same operation.
    const replica = await c.stack.replica({ env: { CONTROL_PLANE_URL: c.server.url } });
    const other = await c.stack.signIn('viewer', replica);
    const again = await getPage(other, `/operations/${id}`);
    expect(text(again.doc, 'operation-state')).toBe('Running');

    c.server.drains.hold = false;
    await expect
      .poll(() => c.server.drains.operations.get(id)?.state, { timeout: 5000 })
      .toBe('OPERATION_STATE_SUCCEEDED');
    const done = await getPage(c.operator, `/operations/${id}`);
    expect(text(done.doc, 'operation-state')).toBe('Succeeded');
    expect(done.doc.querySelector('meta[http-equiv="refresh"]')).toBeNull();
    const list = await getPage(c.operator, '/operations');
    expect(list.response.statusCode).toBe(200);
    expect(list.doc.querySelector(`a[href="/operations/${id}"]`)).not.toBeNull();
  });

  it('with htmx: the preview fragment, then HX-Location; the admin’s receipt links to the audit entry', async () => {
    seedSessions(c.server, 'billing', 2);
    c.server.drains.hold = true;
    const { posted, answer } = await previewDrain(c.admin, {
      namespace: 'billing',
      deadline: '30',
      unit: 'seconds',
      headers: htmx('drain-form'),
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).not.toContain('<html');
    const started = await send(
      c.admin,
      confirmFrom(parse(answer.body), 'billing'),
      htmx('drain-form'),
    );
    expect(started.statusCode).toBe(200);
    const location = hxLocation(started) ?? '';
    const id = idOf(location);
    expect(c.server.drains.operations.get(id)?.requestId).toBe(posted.params.get('request_id'));
    const page = await getPage(c.admin, location);
    expect(page.doc.querySelector('[data-testid="request-receipt"] a')?.getAttribute('href')).toBe(
      `/audit?request=${posted.params.get('request_id')}`,
    );
    // The audit page finds it there: the grpc-go server wrote it with the request id.
    const audit = await getPage(c.admin, `/audit?request=${posted.params.get('request_id')}`);
    expect(byTestId(audit.doc, 'audit-row')).toHaveLength(1);
    c.server.drains.hold = false;
  });

  it('the events stream: progress while it runs, then done, and the stream ends', async () => {
    seedSessions(c.server, 'billing', 8);
    const id = idOf(await startDrain(c.operator, 'billing', 'events'));
    const events = await readEvents(baseUrl, c.operator, id);
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)?.event).toBe('done');
    expect(events.slice(0, -1).every((e) => e.event === 'progress')).toBe(true);
    expect(textOf(byTestId(parse(events.at(-1)?.data ?? ''), 'operation-state')[0])).toBe(
      'Succeeded',
    );
  });

  it('a WatchOperation stream cut by an error after its first message is reopened; it still ends at done', async () => {
    seedSessions(c.server, 'billing', 4);
    c.server.drains.hold = true;
    const id = idOf(await startDrain(c.operator, 'billing', 'flaky watch'));
    c.server.scriptStream('WatchOperation', {
      after: 1,
      error: { code: status.UNAVAILABLE, message: 'stream reset by leader change' },
    });
    const reading = readEvents(baseUrl, c.operator, id);
    await expect
      .poll(() => c.server.calls.filter((m) => m === 'WatchOperation').length)
      .toBeGreaterThanOrEqual(2);
    c.server.drains.hold = false;
    const events = await reading;
    expect(events.at(-1)?.event).toBe('done');
  });

  it('cancel a running drain: 303, cancelled on the control plane, audit entry with request id and reason', async () => {
    seedSessions(c.server, 'orders', 3);
    c.server.drains.hold = true;
    const id = idOf(await startDrain(c.operator, 'orders', 'to cancel'));
    const { doc } = await getPage(c.operator, `/operations/${id}/cancel`);
    const posted = fill(doc, CANCEL_FORM, { values: { Reason: 'wrong pool', 'Operation id': id } });
    const requestId = posted.params.get('request_id');
    const answer = await send(c.operator, posted);
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe(`/operations/${id}?notice=cancelled&request=${requestId}`);
    expect(c.server.drains.operations.get(id)).toMatchObject({
      state: 'OPERATION_STATE_CANCELLED',
      cancelledBy: 'operator',
      cancelReason: 'wrong pool',
    });
    expect(c.server.auditLog.filter((e) => e.requestId === requestId)).toEqual([
      expect.objectContaining({
        operation: 'CancelOperation',
        resource: `operations/${id}`,
        reason: 'wrong pool',
        outcome: 'AUDIT_OUTCOME_SUCCESS',
      }),
    ]);
    const page = await getPage(c.operator, String(answer.headers.location));
    expect(text(page.doc, 'operation-state')).toBe('Cancelled');
  });

  it('cancel of an operation that finished meanwhile: the control plane’s precondition shown', async () => {
    seedSessions(c.server, 'orders', 2);
    c.server.drains.hold = true;
    const id = idOf(await startDrain(c.operator, 'orders', 'finishes first'));
    const { doc } = await getPage(c.operator, `/operations/${id}/cancel`);
    const posted = fill(doc, CANCEL_FORM, { values: { Reason: 'too late', 'Operation id': id } });
    // It finishes before the cancel arrives.
    const operation = c.server.drains.operations.get(id);
    if (!operation) throw new Error('no operation');
    while (operation.state === 'OPERATION_STATE_RUNNING') c.server.drains.step(operation);

    const answer = await send(c.operator, posted, htmx('cancel-operation-form'));
    expect(answer.statusCode).toBe(409);
    expect(hxLocation(answer)).toBeUndefined();
    expect(text(parse(answer.body), 'error-summary')).toContain(
      `operation ${id} is already done (SUCCEEDED)`,
    );
    expect(c.server.auditLog.at(-1)).toMatchObject({
      operation: 'CancelOperation',
      outcome: 'AUDIT_OUTCOME_FAILURE',
      errorCode: 'failed_precondition',
    });
    // Opening the form of a done operation: the console says so before calling.
    const form = await getPage(c.operator, `/operations/${id}/cancel`);
    expect(byTestId(form.doc, 'already-done')).toHaveLength(1);
  });
});
