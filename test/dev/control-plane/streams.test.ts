import { durationFromMs, timestampFromMs } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';
import { SessionStatus } from '../../../src/gen/prism/admin/v1/client_session_pb.js';
import type { DrainConnectionsResponse } from '../../../src/gen/prism/admin/v1/operations_pb.js';
import {
  ChangeType,
  ResourceKind,
  type WatchResponse,
} from '../../../src/gen/prism/admin/v1/watch_pb.js';
import {
  collect,
  expectCode,
  failure,
  type Harness,
  rid,
  startHarness,
  violatedFields,
} from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const reason = 'stream tests';

describe('GetAuditLog', () => {
  it('streams entries newest first and filters by actor, operation and namespace', async () => {
    const a = rid();
    const b = rid();
    await h.as('gina').createNamespace({ namespace: { name: 'audit-one' }, requestId: a, reason });
    await h.as('gina').updateNamespace({
      namespace: { name: 'audit-one', version: 1n, description: 'd' },
      requestId: b,
      reason,
    });
    await h
      .as('hank')
      .createNamespace({ namespace: { name: 'audit-two' }, requestId: rid(), reason });

    const gina = (await collect(h.client.getAuditLog({ actor: 'gina' }))).flatMap((r) => r.entries);
    expect(gina.map((e) => e.requestId)).toEqual([b, a]);

    const creates = (
      await collect(h.client.getAuditLog({ operation: 'CreateNamespace', limit: 10_000 }))
    ).flatMap((r) => r.entries);
    expect(creates.length).toBeGreaterThanOrEqual(2);
    expect(creates.every((e) => e.operation === 'CreateNamespace')).toBe(true);
    const times = creates.map((e) => Number(e.time?.seconds) * 1e9 + (e.time?.nanos ?? 0));
    expect(times).toEqual([...times].sort((x, y) => y - x));

    const ns = (await collect(h.client.getAuditLog({ namespace: 'audit-two' }))).flatMap(
      (r) => r.entries,
    );
    expect(ns.map((e) => e.actor)).toEqual(['hank']);
  });

  it('filters by time range and limit, in batches', async () => {
    const state = h.cp.state;
    const base = Date.parse('2020-06-01T00:00:00Z');
    for (let i = 0; i < 250; i++) {
      state.appendAudit(
        {
          actor: 'bulk',
          operation: 'UpdateNamespace',
          resource: 'namespaces/bulk',
          namespace: 'bulk',
          outcome: AuditOutcome.SUCCESS,
          reason: 'bulk',
          requestId: `bulk-${i}`,
        },
        new Date(base + i * 1000),
      );
    }
    const batches = await collect(h.client.getAuditLog({ actor: 'bulk', limit: 250 }));
    expect(batches.map((b) => b.entries.length)).toEqual([100, 100, 50]);
    expect(batches[0]?.entries[0]?.requestId).toBe('bulk-249');

    const byDefault = await collect(h.client.getAuditLog({ actor: 'bulk' }));
    expect(byDefault.flatMap((b) => b.entries)).toHaveLength(100);

    const window = (
      await collect(
        h.client.getAuditLog({
          actor: 'bulk',
          startTime: timestampFromMs(base + 10_000),
          endTime: timestampFromMs(base + 20_000),
        }),
      )
    ).flatMap((b) => b.entries);
    expect(window.map((e) => e.requestId)).toEqual(
      Array.from({ length: 10 }, (_, i) => `bulk-${19 - i}`),
    );

    expect(violatedFields(await failure(collect(h.client.getAuditLog({ limit: -1 }))))).toEqual([
      'limit',
    ]);
    const reversed = h.client.getAuditLog({
      startTime: timestampFromMs(base + 2000),
      endTime: timestampFromMs(base),
    });
    expect(violatedFields(await failure(collect(reversed)))).toEqual(['end_time']);
  });
});

describe('Watch', () => {
  it('sends an event after a create, with increasing resource versions', async () => {
    const abort = new AbortController();
    const stream = h.client.watch({ kinds: [ResourceKind.NAMESPACE] }, { signal: abort.signal });
    const it = stream[Symbol.asyncIterator]();
    // The first, empty batch confirms the subscription.
    const first = await it.next();
    expect((first.value as WatchResponse).events).toEqual([]);

    await h.client.createNamespace({ namespace: { name: 'watched-1' }, requestId: rid(), reason });
    await h.client.createNamespace({ namespace: { name: 'watched-2' }, requestId: rid(), reason });
    const events = [];
    while (events.length < 2) {
      const next = await it.next();
      if (next.done) throw new Error('watch ended early');
      events.push(...(next.value as WatchResponse).events);
    }
    abort.abort();
    expect(events.map((e) => [e.kind, e.id, e.change])).toEqual([
      [ResourceKind.NAMESPACE, 'watched-1', ChangeType.CREATED],
      [ResourceKind.NAMESPACE, 'watched-2', ChangeType.CREATED],
    ]);
    expect(events[1]?.resourceVersion).toBeGreaterThan(events[0]?.resourceVersion ?? 0n);
    // Cancelling unsubscribes on the server.
    await expect.poll(() => h.cp.state.subscriberCount).toBe(0);
  });

  it('restricts events to one namespace and to the asked kinds', async () => {
    const abort = new AbortController();
    const stream = h.client.watch(
      { namespace: 'user-profiles', kinds: [ResourceKind.NAMESPACE] },
      { signal: abort.signal },
    );
    const it = stream[Symbol.asyncIterator]();
    await it.next();
    await h.client.createNamespace({ namespace: { name: 'watched-3' }, requestId: rid(), reason });
    const version = h.cp.state.namespaces.get('user-profiles')?.version ?? 0n;
    await h.client.updateNamespace({
      namespace: { name: 'user-profiles', version, description: 'watched' },
      updateMask: { paths: ['description'] },
      requestId: rid(),
      reason,
    });
    const next = await it.next();
    abort.abort();
    expect((next.value as WatchResponse).events.map((e) => [e.id, e.change])).toEqual([
      ['user-profiles', ChangeType.UPDATED],
    ]);
  });

  it('refuses an unspecified kind', async () => {
    const err = await failure(collect(h.client.watch({ kinds: [ResourceKind.UNSPECIFIED] })));
    expect(violatedFields(err)).toEqual(['kinds']);
  });
});

describe('DrainConnections', () => {
  it('streams progress until done, closing every session by force at the deadline', async () => {
    const namespace = 'payments-gateway';
    const open = h.cp.state.openSessions(namespace).length;
    expect(open).toBeGreaterThan(0);
    const requestId = rid();
    const progress = await collect(
      h.as('ivy').drainConnections({
        target: { case: 'namespace', value: namespace },
        deadline: durationFromMs(400),
        force: true,
        requestId,
        reason,
      }),
    );
    expect(progress.length).toBeGreaterThan(1);
    const last = progress.at(-1) as DrainConnectionsResponse;
    expect(last).toMatchObject({ total: open, remaining: 0, done: true });
    expect(last.drained + last.forced).toBe(open);
    expect(progress.slice(0, -1).every((p) => !p.done)).toBe(true);
    const drained = progress.map((p) => p.drained);
    expect(drained).toEqual([...drained].sort((a, b) => a - b));
    expect(h.cp.state.openSessions(namespace)).toHaveLength(0);
    expect(h.cp.state.namespaces.get(namespace)?.metrics?.activeSessions).toBe(0);
    expect(h.cp.state.findAuditEntry(requestId)).toMatchObject({
      actor: 'ivy',
      operation: 'DrainConnections',
      namespace,
      outcome: AuditOutcome.SUCCESS,
    });
  });

  describe('at the deadline, with every session busy', () => {
    // A control plane of its own: these drains cover every namespace.
    let own: Harness;
    beforeEach(async () => {
      own = await startHarness();
      for (const session of own.cp.state.openSessions()) {
        // Busy sessions close only as their requests finish (a few per step), so with about
        // 200 of them and a 100 ms deadline many are still open when it passes.
        session.status = SessionStatus.ACTIVE;
        if (session.metrics) session.metrics.rps = 50;
      }
    });
    afterEach(() => own.close());

    const drainAll = (force: boolean) =>
      collect(
        own.client.drainConnections({
          target: { case: 'allNamespaces', value: true },
          deadline: durationFromMs(100),
          force,
          requestId: rid(),
          reason,
        }),
      );

    it('with force closes the rest and counts them as forced', async () => {
      const total = own.cp.state.openSessions().length;
      const last = (await drainAll(true)).at(-1) as DrainConnectionsResponse;
      expect(last).toMatchObject({ total, remaining: 0, done: true });
      expect(last.forced).toBeGreaterThan(0);
      expect(last.drained + last.forced).toBe(total);
      expect(own.cp.state.openSessions()).toHaveLength(0);
    });

    it('without force leaves them open, EXPIRING', async () => {
      const total = own.cp.state.openSessions().length;
      const last = (await drainAll(false)).at(-1) as DrainConnectionsResponse;
      expect(last.done).toBe(true);
      expect(last.forced).toBe(0);
      expect(last.remaining).toBeGreaterThan(0);
      expect(last.drained + last.remaining).toBe(total);
      const open = own.cp.state.openSessions();
      expect(open).toHaveLength(last.remaining);
      expect(open.every((s) => s.status === SessionStatus.EXPIRING)).toBe(true);
    });
  });

  it('a retry with the same request id follows the same drain instead of starting another', async () => {
    const requestId = rid();
    const request = {
      target: { case: 'namespace' as const, value: 'email-outbox' },
      deadline: durationFromMs(200),
      force: true,
      requestId,
      reason,
    };
    const first = (await collect(h.client.drainConnections(request))).at(-1);
    const again = await collect(h.client.drainConnections(request));
    expect(again).toHaveLength(1);
    expect(again[0]).toEqual(first);
    expect(h.cp.state.auditEntriesForRequest(requestId)).toHaveLength(1);
  });

  it('refuses a missing target, a bad deadline and unknown namespaces', async () => {
    const noTarget = await failure(
      collect(h.client.drainConnections({ requestId: rid(), reason })),
    );
    expect(violatedFields(noTarget)).toEqual(['target']);
    const badDeadline = await failure(
      collect(
        h.client.drainConnections({
          target: { case: 'allNamespaces', value: true },
          deadline: durationFromMs(-5),
          requestId: rid(),
          reason,
        }),
      ),
    );
    expect(violatedFields(badDeadline)).toEqual(['deadline']);
    const unknown = await failure(
      collect(
        h.client.drainConnections({
          target: { case: 'namespace', value: 'nope-nope' },
          requestId: rid(),
          reason,
        }),
      ),
    );
    expectCode(unknown, Code.NotFound);
  });
});
