import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { BackendDetailView } from '../../../components/backends/BackendDetailView.js';
import {
  BackendHealth,
  BackendInstanceSchema,
  BackendSchema,
} from '../../../src/gen/prism/admin/v1/backend_pb.js';
import { GetMetricsResponseSchema } from '../../../src/gen/prism/admin/v1/metrics_pb.js';
import { backendDetail, metricsPart } from '../../../src/views/backends/detail.js';
import { parse, textOf } from '../namespaces/html.js';

const NOW = new Date('2026-12-02T05:00:00Z');

const backend = create(BackendSchema, {
  name: 'postgres-main',
  type: 'postgres',
  health: BackendHealth.HEALTHY,
  instances: [
    create(BackendInstanceSchema, { id: 'pg-0', health: BackendHealth.HEALTHY, cpuPercent: 12 }),
    create(BackendInstanceSchema, { id: 'pg-<1>', health: BackendHealth.HEALTHY, cpuPercent: 5 }),
  ],
});

describe('BackendDetailView instance trends', () => {
  it('puts a sparkline under each figure that has a series, with min/max/last as text', async () => {
    const response = create(GetMetricsResponseSchema, {
      series: [
        { name: 'cpu_percent', points: [{ value: 10 }, { value: 20 }] },
        { name: 'cpu_percent', instance: 'pg-0', points: [{ value: 11 }, { value: 12.5 }] },
        { name: 'rps', instance: 'pg-0', points: [{ value: 1200 }, { value: 1500 }] },
        { name: 'cpu_percent', instance: 'pg-<1>', points: [] },
      ],
    });
    const html = await (
      <BackendDetailView detail={backendDetail(backend, metricsPart(response), NOW)} />
    );
    const doc = parse(html);
    const [pg0, pg1] = [...doc.querySelectorAll('[data-testid="instance-row"]')];
    const trends0 = [...(pg0?.querySelectorAll('[data-testid="instance-trend"]') ?? [])];
    expect(trends0.map((t) => t.getAttribute('data-series'))).toEqual(['cpu_percent', 'rps']);
    expect(textOf(trends0[0]?.querySelector('figcaption'))).toBe(
      'min 11% · max 12.5% · last 12.5%',
    );
    expect(textOf(trends0[1]?.querySelector('figcaption'))).toBe(
      'min 1,200/s · max 1,500/s · last 1,500/s',
    );
    expect(trends0[0]?.querySelector('svg')?.getAttribute('aria-label')).toBe(
      'pg-0 CPU: min 11% · max 12.5% · last 12.5%',
    );
    // Sent but empty: "no data"; not sent: nothing. The instance id is escaped.
    const trends1 = [...(pg1?.querySelectorAll('[data-testid="instance-trend"]') ?? [])];
    expect(trends1.map((t) => textOf(t))).toEqual(['pg-<1> CPU: no data']);
    expect(html).not.toContain('pg-<1> CPU');
    expect(html).toContain('pg-&lt;1> CPU: no data');
    // The backend-wide charts stay.
    expect(doc.querySelectorAll('[data-testid="metric-card"]').length).toBe(5);
  });

  it('keeps the instance table without trends when the metrics call failed', async () => {
    const detail = backendDetail(backend, { ok: false, error: 'unreachable' }, NOW);
    const doc = parse(await (<BackendDetailView detail={detail} />));
    expect(doc.querySelectorAll('[data-testid="instance-row"]').length).toBe(2);
    expect(doc.querySelectorAll('[data-testid="instance-trend"]').length).toBe(0);
    expect(textOf(doc.querySelector('[data-testid="metrics-unavailable"]'))).toMatch(/unreachable/);
  });
});
