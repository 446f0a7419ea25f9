import { create } from '@bufbuild/protobuf';
import { describe, expect, it, vi } from 'vitest';
import {
  type MaintenanceStatus,
  MaintenanceStatusSchema,
} from '../../src/gen/prism/admin/v1/operations_pb.js';
import { MaintenanceCache } from '../../src/plugins/maintenance.js';

// The per-replica cache on its own: freshness, coalescing, back-off, read-your-writes.

const on = (message: string) => create(MaintenanceStatusSchema, { enabled: true, message });
const silent = { warn: vi.fn() } as unknown as ConstructorParameters<typeof MaintenanceCache>[1];

function setup(fetch: () => Promise<MaintenanceStatus | undefined>) {
  let now = 1_000_000;
  const calls = vi.fn(fetch);
  const cache = new MaintenanceCache(calls, silent, {
    freshMs: 5000,
    backoffMs: 1000,
    maxBackoffMs: 4000,
    now: () => now,
  });
  return {
    cache,
    calls,
    get: () => cache.get(() => ({})),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('MaintenanceCache', () => {
  it('reads once per freshness window, however many pages ask', async () => {
    const t = setup(async () => on('a'));
    for (let i = 0; i < 10; i += 1) expect((await t.get())?.message).toBe('a');
    expect(t.calls).toHaveBeenCalledTimes(1);
    t.advance(4999);
    await t.get();
    expect(t.calls).toHaveBeenCalledTimes(1);
    t.advance(1);
    await t.get();
    expect(t.calls).toHaveBeenCalledTimes(2);
  });

  it('coalesces concurrent misses into one call', async () => {
    let release: (s: MaintenanceStatus) => void = () => {};
    const t = setup(() => new Promise((resolve) => (release = resolve)));
    const pages = Array.from({ length: 20 }, () => t.get());
    release(on('shared'));
    const seen = await Promise.all(pages);
    expect(seen.every((s) => s?.message === 'shared')).toBe(true);
    expect(t.calls).toHaveBeenCalledTimes(1);
  });

  it('a failure shows no banner, is not retried at once, and backs off while it keeps failing', async () => {
    let fail = true;
    const t = setup(async () => {
      if (fail) throw new Error('down');
      return on('back');
    });
    await expect(t.get()).resolves.toBeUndefined();
    await t.get();
    expect(t.calls).toHaveBeenCalledTimes(1);
    t.advance(1000);
    await t.get(); // second failure: back-off doubles
    expect(t.calls).toHaveBeenCalledTimes(2);
    t.advance(1000);
    await t.get();
    expect(t.calls).toHaveBeenCalledTimes(2);
    t.advance(1000);
    fail = false;
    expect((await t.get())?.message).toBe('back');
    expect(t.calls).toHaveBeenCalledTimes(3);
  });

  it("this replica's own write is seen at once, and a fetch started before it does not undo it", async () => {
    let release: (s: MaintenanceStatus) => void = () => {};
    const t = setup(() => new Promise((resolve) => (release = resolve)));
    const before = t.get();
    t.cache.set(on('written'));
    release(on('stale'));
    await before;
    expect((await t.get())?.message).toBe('written');
    expect(t.calls).toHaveBeenCalledTimes(1);
  });

  it('invalidate makes the next page read it again', async () => {
    const t = setup(async () => on('x'));
    await t.get();
    t.cache.invalidate();
    await t.get();
    expect(t.calls).toHaveBeenCalledTimes(2);
  });
});
