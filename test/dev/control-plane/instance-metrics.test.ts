// GetMetrics on a backend carries each instance's own series (metrics.proto TimeSeries.instance).

import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { afterEach, describe, expect, it } from 'vitest';
import { METRIC_RETENTION_MS, recordSnapshot } from '../../../src/dev/control-plane/metrics.js';
import { Random } from '../../../src/dev/control-plane/random.js';
import { type Harness, startHarness } from './harness.js';

const FIGURES = ['rps', 'p99_latency_ms', 'cpu_percent', 'memory_percent', 'pool_active'];

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('GetMetrics per backend instance', () => {
  it('returns the backend-wide series and, per instance, the same series ending at its figures', async () => {
    h = await startHarness();
    const backend = h.cp.state.backends.get('postgres-main');
    const ids = backend?.instances.map((i) => i.id) ?? [];
    expect(ids.length).toBeGreaterThan(1);

    const { series } = await h.client.getMetrics({ resource: 'backends/postgres-main' });
    expect(series.filter((s) => s.instance === '').map((s) => s.name)).toEqual(FIGURES);
    for (const instance of backend?.instances ?? []) {
      const own = series.filter((s) => s.instance === instance.id);
      expect(own.map((s) => s.name)).toEqual(FIGURES);
      const last = (name: string) => own.find((s) => s.name === name)?.points.at(-1)?.value;
      expect(last('cpu_percent')).toBe(instance.cpuPercent);
      expect(last('memory_percent')).toBe(instance.memoryPercent);
      expect(last('rps')).toBe(instance.rps);
      expect(last('p99_latency_ms')).toBe(instance.p99LatencyMs);
      expect(last('pool_active')).toBe(instance.pool?.active);
      expect(own.find((s) => s.name === 'cpu_percent')?.unit).toBe('%');
      // The seed gives them a past, like the others.
      for (const one of own) expect(one.points.length).toBeGreaterThan(10);
    }
    // Only instances of that backend.
    const instances = new Set(series.map((s) => s.instance).filter((i) => i !== ''));
    expect([...instances]).toEqual(ids);

    // Namespaces and the cluster have no instances.
    const ns = await h.client.getMetrics({ resource: 'namespaces/orders-prod' });
    expect(ns.series.every((s) => s.instance === '')).toBe(true);
    const cluster = await h.client.getMetrics({});
    expect(cluster.series.every((s) => s.instance === '')).toBe(true);
  });

  it('respects names and window for the instance series too', async () => {
    h = await startHarness();
    const ids = h.cp.state.backends.get('redis-cache')?.instances.map((i) => i.id) ?? [];
    const all = await h.client.getMetrics({ resource: 'backends/redis-cache', names: ['rps'] });
    expect(all.series.map((s) => `${s.instance}:${s.name}`)).toEqual([
      ':rps',
      ...ids.map((id) => `${id}:rps`),
    ]);
    const short = await h.client.getMetrics({
      resource: 'backends/redis-cache',
      names: ['cpu_percent', 'rps'],
      window: durationFromMs(60_000),
    });
    const full = await h.client.getMetrics({
      resource: 'backends/redis-cache',
      names: ['cpu_percent', 'rps'],
    });
    const id = ids[0] ?? '';
    const points = (r: typeof short) =>
      r.series.find((s) => s.instance === id && s.name === 'cpu_percent')?.points.length ?? 0;
    expect(points(short)).toBeGreaterThan(0);
    expect(points(short)).toBeLessThan(points(full));
    expect(short.series.filter((s) => s.instance === id).map((s) => s.name)).toEqual([
      'cpu_percent',
      'rps',
    ]);
  });

  it("drops an instance's series with the instance, and keeps only the retention window", async () => {
    let now = Date.parse('2026-12-02T06:00:00Z');
    h = await startHarness({ now: () => new Date(now) });
    const state = h.cp.state;
    const backend = state.backends.get('postgres-main');
    const gone = backend?.instances.pop();
    if (!backend || !gone) throw new Error('the seed has postgres-main with instances');
    const resource = 'backends/postgres-main';

    // Answered without it at once; forgotten at the next snapshot (bounded memory).
    const { series } = await h.client.getMetrics({ resource });
    expect(series.some((s) => s.instance === gone.id)).toBe(false);
    expect(state.metrics.instanceSeries(resource, gone.id).length).toBeGreaterThan(0);
    const random = new Random(1);
    now += 15_000;
    recordSnapshot(state, now, random);
    expect(state.metrics.instanceSeries(resource, gone.id)).toEqual([]);

    // Old points go as new ones arrive.
    const kept = backend.instances[0]?.id ?? '';
    now += METRIC_RETENTION_MS;
    recordSnapshot(state, now, random);
    for (const one of state.metrics.instanceSeries(resource, kept)) {
      expect(one.points.every((p) => p.timeMs >= now - METRIC_RETENTION_MS)).toBe(true);
    }
  });
});
