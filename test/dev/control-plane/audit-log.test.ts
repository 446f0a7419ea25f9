import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditStreamHooks } from '../../../src/dev/control-plane/service/audit-and-watch.js';
import type { AuditEntryInit } from '../../../src/dev/control-plane/state.js';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';
import { collect, failure, type Harness, startHarness, violatedFields } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const base = Date.parse('2021-03-01T00:00:00Z');

function seed(actor: string, count: number, init: Partial<AuditEntryInit> = {}, at = base): void {
  for (let i = 0; i < count; i++) {
    h.cp.state.appendAudit(
      {
        actor,
        operation: 'UpdateNamespace',
        resource: `namespaces/${actor}`,
        namespace: actor,
        outcome: AuditOutcome.SUCCESS,
        reason: 'seeded',
        requestId: `${actor}-${i}`,
        ...init,
      },
      // Several entries share each second: the cursor must not skip or repeat them.
      new Date(at + Math.floor(i / 3) * 1000),
    );
  }
}

describe('GetAuditLog filters, cursor and total', () => {
  it('filters by outcome, exact resource and request id', async () => {
    seed('olga', 4);
    seed('olga', 2, { outcome: AuditOutcome.DENIED, resource: 'sessions/s-1', requestId: 'deny' });
    const denied = (await collect(h.client.getAuditLog({ actor: 'olga', outcome: 3 }))).flatMap(
      (b) => b.entries,
    );
    expect(denied.map((e) => e.resource)).toEqual(['sessions/s-1', 'sessions/s-1']);
    const byResource = await collect(
      h.client.getAuditLog({ actor: 'olga', resource: 'namespaces/olga' }),
    );
    expect(byResource.flatMap((b) => b.entries)).toHaveLength(4);
    // Exact, not a prefix.
    const prefix = await collect(h.client.getAuditLog({ resource: 'namespaces/olg' }));
    expect(prefix).toEqual([expect.objectContaining({ entries: [], totalSize: 0 })]);
    const one = (await collect(h.client.getAuditLog({ requestId: 'olga-2' }))).flatMap(
      (b) => b.entries,
    );
    expect(one.map((e) => e.actor)).toEqual(['olga']);
  });

  it('pages back by before_id across entries sharing a timestamp, with the total', async () => {
    seed('paul', 250);
    const seen: string[] = [];
    let before = '';
    const totals: number[] = [];
    for (;;) {
      const batches = await collect(
        h.client.getAuditLog({ actor: 'paul', limit: 40, beforeId: before }),
      );
      const entries = batches.flatMap((b) => b.entries);
      // total_size on the last batch only: every match older than the cursor.
      expect(batches.slice(0, -1).every((b) => b.totalSize === 0)).toBe(true);
      totals.push(batches.at(-1)?.totalSize ?? -1);
      seen.push(...entries.map((e) => e.requestId));
      if (entries.length === 0) break;
      before = entries.at(-1)?.id ?? '';
    }
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => `paul-${249 - i}`));
    expect(totals).toEqual([250, 210, 170, 130, 90, 50, 10, 0]);
  });

  it('sends batches of 100 with total_size on the last, and one empty batch when none match', async () => {
    seed('quinn', 230);
    const batches = await collect(h.client.getAuditLog({ actor: 'quinn', limit: 200 }));
    expect(batches.map((b) => [b.entries.length, b.totalSize])).toEqual([
      [100, 0],
      [100, 230],
    ]);
    const none = await collect(h.client.getAuditLog({ actor: 'nobody-at-all' }));
    expect(none.map((b) => [b.entries.length, b.totalSize])).toEqual([[0, 0]]);
  });

  it('refuses an unknown before_id or outcome', async () => {
    expect(violatedFields(await failure(collect(h.client.getAuditLog({ beforeId: 'x' }))))).toEqual(
      ['before_id'],
    );
    expect(
      violatedFields(await failure(collect(h.client.getAuditLog({ outcome: 42 as AuditOutcome })))),
    ).toEqual(['outcome']);
  });

  it('sends each batch while it walks: the first arrives while a later one is held', async () => {
    seed('rita', 300);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    auditStreamHooks.set(h.cp.state, {
      beforeBatch: async (index) => {
        if (index === 1) await held;
      },
    });
    try {
      const stream = h.client.getAuditLog({ actor: 'rita', limit: 300 });
      const iterator = stream[Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.value?.entries).toHaveLength(100);
      release();
      const rest: number[] = [];
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        rest.push(next.value.entries.length);
      }
      expect(rest).toEqual([100, 100]);
    } finally {
      auditStreamHooks.delete(h.cp.state);
    }
  });
});
