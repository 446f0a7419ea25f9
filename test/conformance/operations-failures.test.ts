import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { byTestId, parse } from '../components/namespaces/html.js';
import { fill, send } from '../routes/client-sessions/support.js';
import { getPage } from '../routes/namespaces/support.js';
import { confirmFrom, DRAIN_FORM, previewDrain, text } from '../routes/operations/support.js';
import { type ConsoleOnConformance, consoleOnConformance } from './console-stack.js';
import { seedNamespace, seedSessions } from './fixtures.js';
import { idOf, listening, readEvents, startDrain } from './operations-support.js';
import { startConformanceServer } from './server.js';

/*
 * Drains on the console against a grpc-go-like control plane (./server.ts) when answers are
 * odd or missing: unknown states and extreme counts, a lost first message, refusals sent
 * trailers-only, and GOAWAY at max connection age under a long WatchOperation.
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

describe('odd answers', () => {
  it('an operation state the console does not know is shown, not a 500', async () => {
    seedSessions(c.server, 'orders', 1);
    c.server.drains.hold = true;
    const id = idOf(await startDrain(c.operator, 'orders', 'odd state'));
    const operation = c.server.drains.operations.get(id);
    if (!operation) throw new Error('no operation');
    operation.state = 9;
    c.server.drains.touch(operation);
    const { response, doc } = await getPage(c.operator, `/operations/${id}`);
    expect(response.statusCode).toBe(200);
    expect(text(doc, 'operation-state')).toMatch(/9/);
    const list = await getPage(c.operator, '/operations');
    expect(list.response.statusCode).toBe(200);
  });

  it('a drain whose first message is lost (connection cut): unknown, same id; the retry finds the same operation', async () => {
    seedSessions(c.server, 'billing', 2);
    c.server.drains.hold = true;
    const { answer } = await previewDrain(c.operator, {
      namespace: 'billing',
      deadline: '30',
      unit: 'seconds',
      reason: 'lost answer',
    });
    const confirm = confirmFrom(parse(answer.body), 'billing');
    const requestId = confirm.params.get('request_id') ?? '';
    c.server.scriptStream('DrainConnections', { after: 0, cut: true });
    const lost = await send(c.operator, confirm);
    expect(lost.statusCode).toBe(503);
    expect(text(parse(lost.body), 'error-summary')).toMatch(/not known whether/);
    const kept = fill(parse(lost.body), DRAIN_FORM);
    expect(kept.params.get('request_id')).toBe(requestId);
    // It did start on the control plane; the same request id is answered with that operation.
    const started = [...c.server.drains.operations.values()].filter(
      (o) => o.requestId === requestId,
    );
    expect(started).toHaveLength(1);
    const again = await send(c.operator, kept);
    expect(again.statusCode).toBe(303);
    expect(idOf(String(again.headers.location))).toBe(started[0]?.id);
    expect(c.server.applied.filter((a) => a === `DrainConnections ${requestId}`)).toHaveLength(1);
    c.server.drains.hold = false;
  });

  it('extreme counts from the control plane are shown as numbers, not a 500', async () => {
    seedSessions(c.server, 'orders', 1);
    c.server.drains.hold = true;
    const id = idOf(await startDrain(c.operator, 'orders', 'huge'));
    const operation = c.server.drains.operations.get(id);
    if (!operation) throw new Error('no operation');
    operation.total = 2_147_483_647;
    operation.drained = 2_147_483_646;
    c.server.drains.touch(operation);
    const { response, doc } = await getPage(c.operator, `/operations/${id}`);
    expect(response.statusCode).toBe(200);
    expect(text(doc, 'drain-counts')).toMatch(/2,147,483,646/);
    c.server.drains.cancel(operation, 'test', 'cleanup');
  });

  it('an operation the control plane does not know is a 404 page', async () => {
    const { response } = await getPage(c.operator, '/operations/op-000000');
    expect(response.statusCode).toBe(404);
  });
});

describe('refusals', () => {
  it('WatchOperation refused after its first message: the event stream ends, it does not hang', async () => {
    seedSessions(c.server, 'orders', 2);
    c.server.drains.hold = true;
    const id = idOf(await startDrain(c.operator, 'orders', 'watch refused'));
    c.server.scriptStream('WatchOperation', {
      after: 1,
      error: { code: status.PERMISSION_DENIED, message: 'token no longer allowed to watch' },
    });
    const events = await readEvents(baseUrl, c.operator, id);
    // The first state was sent; then the refusal ends following for good: a last "done" event
    // says why (the region without sse-connect, so the browser does not reconnect to it).
    expect(events.map((e) => e.event)).toEqual(['progress', 'done']);
    const stopped = events.at(-1)?.data ?? '';
    expect(stopped).toContain('Live progress stopped');
    expect(stopped).toContain('data-live="stopped"');
    expect(stopped).not.toContain('sse-connect');
    expect(c.server.drains.operations.get(id)?.state).toBe('OPERATION_STATE_RUNNING');
    c.server.drains.hold = false;
  });

  it('a viewer is refused before any call; the form is not even shown', async () => {
    const before = c.server.calls.filter((m) => m === 'DrainConnections').length;
    const form = await getPage(c.viewer, '/operations/drain');
    expect(form.response.statusCode).toBe(403);
    const post = await c.viewer.inject({
      method: 'POST',
      url: '/operations/drain',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        target: 'orders',
        deadline: '1',
        deadline_unit: 'seconds',
        reason: 'x',
        confirm: 'orders',
        step: 'confirm',
        request_id: 'viewer-drain-0001',
        _csrf: c.viewer.csrfToken,
      }).toString(),
    });
    expect(post.statusCode).toBe(403);
    expect(c.server.calls.filter((m) => m === 'DrainConnections').length).toBe(before);
  });

  it('the control plane refusing the drain (trailers-only) is shown on the preview; nothing runs', async () => {
    seedSessions(c.server, 'orders', 1);
    const { answer } = await previewDrain(c.operator, {
      namespace: 'orders',
      deadline: '30',
      unit: 'seconds',
      reason: 'refused',
    });
    const preview = parse(answer.body);
    const running = c.server.drains.operations.size;

    c.server.failNext('DrainConnections', {
      code: status.PERMISSION_DENIED,
      message: 'operator role required',
    });
    const denied = await send(c.operator, confirmFrom(preview, 'orders'));
    expect(denied.statusCode).toBe(403);
    expect(text(parse(denied.body), 'error-summary')).toContain(
      'The control plane refused this for your role',
    );

    c.server.failNext('DrainConnections', {
      code: status.FAILED_PRECONDITION,
      // grpc-go percent-encodes grpc-message: non-ASCII and "%" arrive intact.
      message: 'a drain of namespace “orders” is already running (40% done) — wait for it',
      details: [
        {
          type: 'PreconditionFailure',
          value: {
            violations: [
              { type: 'DRAIN', subject: 'namespaces/orders', description: 'is being drained' },
            ],
          },
        },
      ],
    });
    const busy = await send(c.operator, confirmFrom(preview, 'orders'));
    expect(busy.statusCode).toBe(409);
    expect(text(parse(busy.body), 'error-summary')).toContain(
      'a drain of namespace “orders” is already running (40% done) — wait for it',
    );
    expect(c.server.drains.operations.size).toBe(running);
  });
});

describe('connection management', () => {
  it('GOAWAY at max connection age cuts a long WatchOperation; the events go on to done', async () => {
    const aging = await startConformanceServer({
      maxConnectionAgeMs: 300,
      maxConnectionAgeGraceMs: 200,
      drainStepMs: 150,
    });
    try {
      seedNamespace(aging, 'orders');
      seedSessions(aging, 'orders', 12);
      const replica = await c.stack.replica({ env: { CONTROL_PLANE_URL: aging.url } });
      const replicaUrl = await listening(replica);
      const operator = await c.stack.signIn('operator', replica);
      aging.drains.hold = true;
      const { answer } = await previewDrain(operator, {
        namespace: 'orders',
        deadline: '30',
        unit: 'seconds',
        reason: 'long one',
      });
      const started = await send(operator, confirmFrom(parse(answer.body), 'orders'));
      expect(started.statusCode).toBe(303);
      const id = idOf(String(started.headers.location));
      const response = await fetch(`${replicaUrl}/operations/${id}/events`, {
        headers: { cookie: operator.cookie, accept: 'text/event-stream' },
        signal: AbortSignal.timeout(20_000),
      });
      const body = response.text();
      // Keep it running across more than one connection's life, then let it finish.
      await new Promise((resolve) => setTimeout(resolve, 1200));
      aging.drains.hold = false;
      const events = await body;
      expect(aging.goaways.length).toBeGreaterThanOrEqual(1);
      expect(aging.calls.filter((m) => m === 'WatchOperation').length).toBeGreaterThanOrEqual(2);
      expect(events).toMatch(/event: done\n/);
    } finally {
      await aging.stop();
    }
  });
});

describe('the operations list', () => {
  it('pages with the control plane’s opaque tokens; a token it refuses is said, not a 500', async () => {
    for (let i = 0; i < 25; i++) {
      c.server.drains.start({
        namespace: 'orders',
        deadlineMs: 30_000,
        force: false,
        startedBy: 'someone',
        reason: `listed ${i}`,
        requestId: `listed-${i}`,
      });
    }
    const total = c.server.drains.operations.size;
    const first = await getPage(c.viewer, '/operations');
    expect(first.response.statusCode).toBe(200);
    const firstIds = byTestId(first.doc, 'operation-row').map((r) => r.getAttribute('data-id'));
    expect(firstIds).toHaveLength(20);
    expect(firstIds[0]).toBe([...c.server.drains.operations.keys()].at(-1));
    const next = first.doc.querySelector('a[rel="next"]')?.getAttribute('href') ?? '';
    expect(next).toMatch(/page=/);
    const second = await getPage(c.viewer, next);
    const secondIds = byTestId(second.doc, 'operation-row').map((r) => r.getAttribute('data-id'));
    expect(secondIds).toHaveLength(Math.min(20, total - 20));
    expect(secondIds.some((id) => firstIds.includes(id))).toBe(false);

    const stale = await getPage(c.viewer, '/operations?page=c3RhbGU');
    expect(stale.response.statusCode).toBeLessThan(500);
    expect(stale.response.body).toContain('This page of the list is no longer valid');
  });
});
