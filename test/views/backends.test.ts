import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import {
  BackendHealth,
  type BackendHealth as BackendHealthType,
  BackendInstanceSchema,
  BackendSchema,
} from '../../src/gen/prism/admin/v1/backend_pb.js';
import { GetMetricsResponseSchema } from '../../src/gen/prism/admin/v1/metrics_pb.js';
import {
  backendDetail,
  instanceRow,
  instanceSeriesViews,
  metricsPart,
  seriesViews,
} from '../../src/views/backends/detail.js';
import {
  backendListView,
  backendRow,
  healthView,
  lastCheck,
  STALE_CHECK_MS,
} from '../../src/views/backends/list.js';

const NOW = new Date('2026-12-02T05:00:00Z');

function backend(overrides: Parameters<typeof create<typeof BackendSchema>>[1] = {}) {
  return create(BackendSchema, {
    name: 'postgres-main',
    type: 'postgres',
    health: BackendHealth.HEALTHY,
    healthMessage: '',
    lastCheckTime: timestampFromDate(new Date(NOW.getTime() - 5_000)),
    instances: [
      create(BackendInstanceSchema, { id: 'pg-0', health: BackendHealth.HEALTHY }),
      create(BackendInstanceSchema, { id: 'pg-1', health: BackendHealth.DEGRADED }),
    ],
    ...overrides,
  });
}

describe('healthView', () => {
  it('labels every known health, and an unset or unknown one through the fallback', () => {
    expect(healthView(BackendHealth.HEALTHY)).toEqual({
      label: 'healthy',
      tone: 'green',
      slug: 'healthy',
    });
    expect(healthView(BackendHealth.DEGRADED).tone).toBe('amber');
    expect(healthView(BackendHealth.UNHEALTHY).tone).toBe('red');
    expect(healthView(BackendHealth.UNSPECIFIED)).toEqual({
      label: 'unknown',
      tone: 'slate',
      slug: 'unknown',
    });
    expect(healthView(9 as BackendHealthType)).toEqual({
      label: 'Unknown (9)',
      tone: 'slate',
      slug: 'unknown',
    });
  });
});

describe('lastCheck', () => {
  const at = (msAgo: number) =>
    backend({ lastCheckTime: timestampFromDate(new Date(NOW.getTime() - msAgo)) });

  it('is stale only past the threshold', () => {
    expect(lastCheck(at(5_000), NOW)).toMatchObject({ ago: '5s ago', stale: false });
    expect(lastCheck(at(STALE_CHECK_MS), NOW).stale).toBe(false);
    expect(lastCheck(at(STALE_CHECK_MS + 1_000), NOW)).toMatchObject({
      ago: '2m ago',
      stale: true,
    });
  });

  it('never checked is "never", not stale; a time ahead of the clock is not stale', () => {
    expect(lastCheck(backend({ lastCheckTime: undefined }), NOW)).toEqual({
      ago: 'never',
      exact: '—',
      stale: false,
    });
    expect(lastCheck(at(-60 * 60_000), NOW)).toMatchObject({ ago: 'in 1h', stale: false });
    expect(
      lastCheck(backend({ lastCheckTime: { seconds: 10n ** 15n, nanos: 0 } as never }), NOW).stale,
    ).toBe(false);
  });
});

describe('backendRow and backendListView', () => {
  it('counts healthy instances of the total, and keeps the message', () => {
    const row = backendRow(
      backend({ health: BackendHealth.DEGRADED, healthMessage: 'pg-1: replication lag' }),
      NOW,
    );
    expect(row).toMatchObject({
      name: 'postgres-main',
      type: 'postgres',
      message: 'pg-1: replication lag',
      healthyInstances: 1,
      totalInstances: 2,
    });
    expect(row.health.slug).toBe('degraded');
  });

  it('the total is never less than the rows', () => {
    expect(backendListView([backend(), backend({ name: 'b' })], 0, NOW).total).toBe(2);
    expect(backendListView([backend()], 7, NOW).total).toBe(7);
    expect(backendRow(backend({ type: '' }), NOW).type).toBe('unknown');
  });
});

describe('instanceRow', () => {
  it('writes the pool as used/max, and the figures with units', () => {
    const row = instanceRow(
      create(BackendInstanceSchema, {
        id: 'pg-0',
        address: '10.0.3.10:5432',
        health: BackendHealth.HEALTHY,
        pool: { active: 12, idle: 3, max: 64 },
        cpuPercent: 41.234,
        memoryPercent: 63,
        rps: 1234.56,
        p50LatencyMs: 0.8,
        p99LatencyMs: 4.25,
      }),
    );
    expect(row).toMatchObject({
      pool: '12/64',
      poolPercent: 18.75,
      cpu: '41.23%',
      memory: '63%',
      rps: '1,235/s',
      latency: 'p50 0.8 ms · p99 4.25 ms',
    });
  });

  it('is total: no pool, a zero maximum, NaN and Infinity', () => {
    const row = instanceRow(
      create(BackendInstanceSchema, {
        id: 'x',
        cpuPercent: Number.NaN,
        rps: Number.POSITIVE_INFINITY,
      }),
    );
    expect(row).toMatchObject({ pool: 'unknown', poolPercent: undefined, cpu: 'unknown' });
    expect(row.rps).toBe('unknown');
    expect(
      instanceRow(create(BackendInstanceSchema, { pool: { active: 5, max: 0 } })).poolPercent,
    ).toBeUndefined();
    expect(
      instanceRow(create(BackendInstanceSchema, { pool: { active: 90, max: 60 } })).poolPercent,
    ).toBe(100);
  });
});

describe('seriesViews and backendDetail', () => {
  it('gives every known series in order, empty when the control plane sent none', () => {
    const series = seriesViews(
      create(GetMetricsResponseSchema, {
        series: [
          { name: 'cpu_percent', unit: '%', points: [{ value: 1 }, { value: 2 }] },
          { name: 'something_new', points: [{ value: 5 }] },
        ],
      }),
    );
    expect(series.map((s) => s.name)).toEqual([
      'rps',
      'p99_latency_ms',
      'cpu_percent',
      'memory_percent',
      'pool_active',
    ]);
    expect(series.find((s) => s.name === 'cpu_percent')?.values).toEqual([1, 2]);
    expect(series.find((s) => s.name === 'rps')?.values).toEqual([]);
  });

  it('keeps a failed metrics call as the reason, with the instances and no trends', () => {
    const detail = backendDetail(backend(), { ok: false, error: 'unreachable' }, NOW);
    expect(detail.instances.map((i) => i.id)).toEqual(['pg-0', 'pg-1']);
    expect(detail.instances.map((i) => i.trends)).toEqual([{}, {}]);
    expect(detail.metrics).toEqual({ ok: false, error: 'unreachable' });
  });

  it('takes the backend-wide series from those without an instance, whatever the order', () => {
    const series = seriesViews(
      create(GetMetricsResponseSchema, {
        series: [
          { name: 'cpu_percent', instance: 'pg-0', points: [{ value: 90 }] },
          { name: 'cpu_percent', points: [{ value: 40 }] },
        ],
      }),
    );
    expect(series.find((s) => s.name === 'cpu_percent')?.values).toEqual([40]);
  });
});

describe('instanceSeriesViews and the instance trends', () => {
  const response = create(GetMetricsResponseSchema, {
    series: [
      { name: 'cpu_percent', unit: '%', points: [{ value: 30 }, { value: 35 }] },
      { name: 'cpu_percent', unit: '%', instance: 'pg-0', points: [{ value: 1 }, { value: 2 }] },
      { name: 'rps', instance: 'pg-0', points: [{ value: 7 }] },
      { name: 'cpu_percent', instance: 'pg-1', points: [{ value: 50 }, { value: Number.NaN }] },
      // Unknown names and a second copy of a series are left out; so is an unknown instance.
      { name: 'something_new', instance: 'pg-0', points: [{ value: 5 }] },
      { name: 'cpu_percent', instance: 'pg-0', points: [{ value: 99 }] },
      { name: 'rps', instance: 'pg-9', points: [{ value: 3 }] },
    ],
  });

  it("groups each instance's series by instance id", () => {
    const byInstance = instanceSeriesViews(response);
    expect([...byInstance.keys()]).toEqual(['pg-0', 'pg-1', 'pg-9']);
    expect(byInstance.get('pg-0')).toEqual([
      { name: 'cpu_percent', label: 'CPU', unit: '%', values: [1, 2] },
      { name: 'rps', label: 'Requests/s', unit: '/s', values: [7] },
    ]);
  });

  it('gives each instance row its own trends; a series not sent is missing', () => {
    const detail = backendDetail(backend(), metricsPart(response), NOW);
    const [pg0, pg1] = detail.instances;
    expect(Object.keys(pg0?.trends ?? {})).toEqual(['cpu_percent', 'rps']);
    expect(pg0?.trends.cpu_percent?.values).toEqual([1, 2]);
    expect(pg0?.trends.memory_percent).toBeUndefined();
    expect(pg1?.trends.cpu_percent?.values).toEqual([50, Number.NaN]);
    expect(pg1?.trends.rps).toBeUndefined();
    // The backend-wide chart is still there.
    expect(
      detail.metrics.ok && detail.metrics.series.find((s) => s.name === 'cpu_percent')?.values,
    ).toEqual([30, 35]);
  });
});
