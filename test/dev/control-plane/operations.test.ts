// Drains as long-running operations, over HTTP/2 with the generated client: the id on every
// DrainConnections message, ListOperations / GetOperation / WatchOperation / CancelOperation.

import { create } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Notifier } from '../../../src/dev/control-plane/async.js';
import {
  KEEP_FINISHED_OPERATIONS,
  OperationRegistry,
} from '../../../src/dev/control-plane/operations.js';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';
import { SessionStatus } from '../../../src/gen/prism/admin/v1/client_session_pb.js';
import {
  type Operation,
  OperationSchema,
  OperationState,
} from '../../../src/gen/prism/admin/v1/operations_pb.js';
import { collect, expectCode, failure, type Harness, rid, startHarness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const reason = 'operations tests';

/** Starts a drain, reads its first message and hangs up, as the console does. */
async function startDrain(
  namespace: string | undefined,
  deadlineMs: number,
  force = false,
  requestId = rid(),
): Promise<string> {
  const abort = new AbortController();
  const stream = h.as('ivy').drainConnections(
    {
      target:
        namespace === undefined
          ? { case: 'allNamespaces', value: true }
          : { case: 'namespace', value: namespace },
      deadline: durationFromMs(deadlineMs),
      force,
      requestId,
      reason,
    },
    { signal: abort.signal },
  );
  for await (const first of stream) {
    abort.abort();
    return first.operationId;
  }
  throw new Error('no message');
}

function drainOf(operation: Operation | undefined) {
  if (operation?.details.case !== 'drain') throw new Error('not a drain');
  return operation.details.value;
}

describe('a drain is an operation', () => {
  it('carries its id on every message and goes on after the caller hangs up', async () => {
    const namespace = 'payments-gateway';
    const open = h.cp.state.openSessions(namespace).length;
    expect(open).toBeGreaterThan(0);
    const requestId = rid();
    const id = await startDrain(namespace, 400, true, requestId);
    expect(id).toMatch(/^op-[0-9a-f]+$/);

    const { operation } = await h.client.getOperation({ id });
    expect(operation).toMatchObject({
      id,
      startedBy: 'ivy',
      reason,
      requestId,
    });
    expect(drainOf(operation)).toMatchObject({
      target: { case: 'namespace', value: namespace },
      force: true,
      total: open,
      totalByNamespace: { [namespace]: open },
    });

    const watched = await collect(h.client.watchOperation({ id }));
    const last = watched.at(-1)?.operation;
    // Closed by force at the deadline: DEADLINE_EXCEEDED; all gone before it: SUCCEEDED.
    expect(last?.done).toBe(true);
    expect(last?.state).toBe(
      drainOf(last).forced > 0 ? OperationState.DEADLINE_EXCEEDED : OperationState.SUCCEEDED,
    );
    expect(last?.endTime).toBeDefined();
    expect(drainOf(last).remaining).toBe(0);
    expect(watched.slice(0, -1).every((m) => !m.operation?.done)).toBe(true);
    const versions = watched.map((m) => m.operation?.version ?? 0n);
    expect(versions).toEqual([...versions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(versions).size).toBe(versions.length);
    expect(h.cp.state.openSessions(namespace)).toHaveLength(0);
  });

  it('a retry with the same request id is the same operation', async () => {
    const requestId = rid();
    const first = await startDrain('email-outbox', 300, true, requestId);
    const again = await startDrain('email-outbox', 300, true, requestId);
    expect(again).toBe(first);
    expect(h.cp.state.auditEntriesForRequest(requestId)).toHaveLength(1);
  });

  it('succeeds at once when nothing is open; watching a finished one sends it and ends', async () => {
    const id = await startDrain('payments-gateway', 200, true);
    await collect(h.client.watchOperation({ id }));
    const empty = await startDrain('payments-gateway', 200);
    const watched = await collect(h.client.watchOperation({ id: empty }));
    expect(watched).toHaveLength(1);
    expect(watched[0]?.operation).toMatchObject({ state: OperationState.SUCCEEDED, done: true });
    expect(drainOf(watched[0]?.operation)).toMatchObject({ total: 0, drained: 0 });
  });

  it('an unknown id is NOT_FOUND for get, watch and cancel', async () => {
    expectCode(await failure(h.client.getOperation({ id: 'op-nope' })), Code.NotFound);
    expectCode(await failure(collect(h.client.watchOperation({ id: 'op-nope' }))), Code.NotFound);
    expectCode(
      await failure(h.client.cancelOperation({ id: 'op-nope', requestId: rid(), reason })),
      Code.NotFound,
    );
  });
});

describe('ListOperations', () => {
  it('starts with one finished drain from before, audited like any other', async () => {
    const { operations } = await h.client.listOperations({});
    expect(operations).toHaveLength(1);
    const [seeded] = operations;
    expect(seeded).toMatchObject({ state: OperationState.SUCCEEDED, done: true });
    expect(drainOf(seeded).target).toEqual({ case: 'namespace', value: 'legacy-import' });
    expect(h.cp.state.findAuditEntry(seeded?.requestId ?? '')).toMatchObject({
      operation: 'DrainConnections',
      actor: seeded?.startedBy,
      reason: seeded?.reason,
    });
    const log = h.cp.state.auditLog.map((e) => Number(e.time?.seconds));
    expect(log).toEqual([...log].sort((x, y) => x - y));
  });

  it('lists newest first, running only on request, in pages', async () => {
    const a = await startDrain('email-outbox', 60_000);
    const b = await startDrain('payments-gateway', 200, true);
    await collect(h.client.watchOperation({ id: b }));
    const c = await startDrain('orders-prod', 60_000);

    const all = await h.client.listOperations({});
    // After them, the finished drain the demo starts with.
    const seeded = all.operations.at(-1);
    expect(all.operations.map((o) => o.id)).toEqual([c, b, a, seeded?.id]);
    expect(all.totalSize).toBe(4);
    const running = await h.client.listOperations({ runningOnly: true });
    expect(running.operations.map((o) => o.id)).toEqual([c, a]);

    const first = await h.client.listOperations({ pageSize: 2 });
    expect(first.operations.map((o) => o.id)).toEqual([c, b]);
    const second = await h.client.listOperations({ pageSize: 2, pageToken: first.nextPageToken });
    expect(second.operations.map((o) => o.id)).toEqual([a, seeded?.id]);
    expect(second.nextPageToken).toBe('');
    expectCode(
      await failure(h.client.listOperations({ runningOnly: true, pageToken: first.nextPageToken })),
      Code.InvalidArgument,
    );
  });
});

describe('CancelOperation', () => {
  it('stops a drain where it stands, gives sessions back and is audited', async () => {
    const namespace = 'orders-prod';
    const before = h.cp.state.openSessions(namespace).map((s) => [s.id, s.status] as const);
    expect(before.length).toBeGreaterThan(0);
    const id = await startDrain(namespace, 60_000);
    expect(
      h.cp.state.openSessions(namespace).every((s) => s.status === SessionStatus.EXPIRING),
    ).toBe(true);
    const requestId = rid();
    const { operation } = await h.as('olga').cancelOperation({ id, requestId, reason: 'enough' });
    expect(operation).toMatchObject({
      id,
      state: OperationState.CANCELLED,
      done: true,
      cancelledBy: 'olga',
      cancelReason: 'enough',
    });
    const left = drainOf(operation).remaining;
    const open = h.cp.state.openSessions(namespace);
    expect(open).toHaveLength(left);
    const former = new Map(before);
    for (const s of open) {
      expect(s.status).not.toBe(SessionStatus.EXPIRING);
      expect(s.status).toBe(former.get(s.id));
    }
    expect(h.cp.state.findAuditEntry(requestId)).toMatchObject({
      actor: 'olga',
      operation: 'CancelOperation',
      resource: `operations/${id}`,
      namespace,
      reason: 'enough',
      outcome: AuditOutcome.SUCCESS,
    });

    // Already done: FAILED_PRECONDITION, audited as a failure; a retry replays the success.
    const again = await failure(h.client.cancelOperation({ id, requestId: rid(), reason }));
    expectCode(again, Code.FailedPrecondition);
    const replay = await h.as('olga').cancelOperation({ id, requestId, reason: 'enough' });
    expect(replay.operation?.version).toBe(operation?.version);
    expect(h.cp.state.auditEntriesForRequest(requestId)).toHaveLength(1);
  });

  it('wakes watchers, whose stream ends with the cancelled operation', async () => {
    const id = await startDrain(undefined, 60_000);
    const watching = collect(h.client.watchOperation({ id }));
    await h.client.cancelOperation({ id, requestId: rid(), reason });
    const watched = await watching;
    expect(watched.at(-1)?.operation?.state).toBe(OperationState.CANCELLED);
  });

  it('needs a request id and a reason', async () => {
    const id = await startDrain('email-outbox', 60_000);
    expectCode(await failure(h.client.cancelOperation({ id })), Code.InvalidArgument);
    expect((await h.client.getOperation({ id })).operation?.done).toBe(false);
  });
});

describe('OperationRegistry', () => {
  const tracked = (id: string, done: boolean) => ({
    id,
    done,
    version: 1n,
    changed: new Notifier(),
    snapshot: () => create(OperationSchema, { id, done }),
  });

  it('keeps every running operation and the newest finished ones, newest first', () => {
    const registry = new OperationRegistry(2);
    registry.add(tracked('op-1', true));
    registry.add(tracked('op-2', false));
    registry.add(tracked('op-3', true));
    registry.add(tracked('op-4', true));
    expect(registry.list().map((o) => o.id)).toEqual(['op-4', 'op-3', 'op-2']);
    expect(registry.list(true).map((o) => o.id)).toEqual(['op-2']);
    expect(registry.get('op-1')).toBeUndefined();
    expect(KEEP_FINISHED_OPERATIONS).toBeGreaterThanOrEqual(200);
    expect(registry.newId()).toMatch(/^op-[0-9a-f]{8}$/);
  });
});
