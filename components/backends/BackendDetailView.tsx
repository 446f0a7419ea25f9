import { routes } from '../../src/routes/table.js';
import type { BackendDetailView as Detail } from '../../src/views/backends/detail.js';
import {
  METRICS_WINDOW_MINUTES,
  type InstanceTrend as TrendName,
} from '../../src/views/backends/detail.js';
import { formatNumber } from '../../src/views/format.js';
import { Sparkline } from '../ui/Sparkline.js';
import { ColumnHeader, TableFrame, tableClass, tableHeadClass } from '../ui/Table.js';
import { LastCheckText } from './BackendResults.js';
import { HealthBadge } from './HealthBadge.js';

function Metrics({ metrics }: { metrics: Detail['metrics'] }): JSX.Element {
  if (!metrics.ok) {
    return (
      <p
        class="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-sm text-slate-600"
        data-testid="metrics-unavailable"
        safe
      >
        {`No data: the metrics could not be read (${metrics.error}). The instances below are current.`}
      </p>
    );
  }
  return (
    <div class="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
      {metrics.series.map((series) => (
        <div
          class="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
          data-testid="metric-card"
          data-series={series.name}
        >
          <h3 class="mb-2 text-sm font-medium text-slate-500" safe>
            {series.label}
          </h3>
          <Sparkline
            values={series.values}
            label={series.label}
            unit={series.unit}
            size="large"
            testId="metric-chart"
          />
        </div>
      ))}
    </div>
  );
}

type InstanceRow = Detail['instances'][number];

/**
 * Under a figure in an instance row, that instance's last minutes: a small chart sized to the
 * column; min/max/last stay as text for screen readers. Nothing when no series was sent.
 */
function InstanceTrend(props: { row: InstanceRow; name: TrendName; end?: boolean }): JSX.Element {
  const { row, name } = props;
  const series = row.trends[name];
  if (!series) return '';
  return (
    // The chart stretches to the column (it keeps no aspect ratio); the caption is sr-only.
    <div
      class={[
        'relative mt-1 flex whitespace-normal [&_figcaption]:sr-only [&_svg]:h-6 [&_svg]:w-20',
        props.end ? 'justify-end' : '',
      ]}
      data-testid="instance-trend"
      data-series={series.name}
    >
      <Sparkline values={series.values} label={`${row.id} ${series.label}`} unit={series.unit} />
    </div>
  );
}

/** A right-aligned figure of an instance, with its trend under it. */
function FigureCell(props: { row: InstanceRow; text: string; trend: TrendName }): JSX.Element {
  return (
    <td class="whitespace-nowrap px-3 py-2.5 text-right tabular-nums">
      <span safe>{props.text}</span>
      <InstanceTrend row={props.row} name={props.trend} end />
    </td>
  );
}

/** One backend: its health, the last minutes of its metrics, and each instance now. */
export function BackendDetailView({ detail }: { detail: Detail }): JSX.Element {
  const { summary } = detail;
  return (
    <div class="space-y-8" data-testid="backend-detail">
      <dl class="grid gap-4 sm:grid-cols-4">
        <div class="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
          <dt class="text-sm font-medium text-slate-500">Health</dt>
          <dd class="mt-1">
            <HealthBadge health={summary.health} />
            {summary.message ? (
              <p class="mt-1 text-xs text-slate-600" data-testid="health-message" safe>
                {summary.message}
              </p>
            ) : (
              ''
            )}
          </dd>
        </div>
        <div class="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
          <dt class="text-sm font-medium text-slate-500">Kind</dt>
          <dd class="mt-1 text-sm text-slate-900" data-testid="backend-kind" safe>
            {summary.type}
          </dd>
        </div>
        <div class="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
          <dt class="text-sm font-medium text-slate-500">Last check</dt>
          <dd class="mt-1 text-sm text-slate-900">
            <LastCheckText check={summary.lastCheck} />
          </dd>
        </div>
        <div class="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
          <dt class="text-sm font-medium text-slate-500">Instances healthy</dt>
          <dd class="mt-1 text-sm text-slate-900 tabular-nums" data-testid="instances-healthy" safe>
            {`${formatNumber(summary.healthyInstances)}/${formatNumber(summary.totalInstances)}`}
          </dd>
        </div>
      </dl>
      <p class="text-sm">
        <a
          href={routes.clientConfigurations.list.href({ backend: summary.name })}
          class="text-indigo-700 underline hover:no-underline"
          data-testid="backend-configurations"
        >
          Client configurations using this backend
        </a>
      </p>

      <section aria-labelledby="backend-metrics" data-testid="backend-metrics">
        <h2 id="backend-metrics" class="mb-3 text-base font-semibold text-slate-900">
          {`Last ${METRICS_WINDOW_MINUTES} minutes, all instances`}
        </h2>
        <Metrics metrics={detail.metrics} />
      </section>

      <section aria-labelledby="backend-instances">
        <h2 id="backend-instances" class="mb-3 text-base font-semibold text-slate-900">
          Instances
        </h2>
        {detail.instances.length === 0 ? (
          <p class="text-sm text-slate-600" data-testid="instances-empty">
            This backend reports no instances.
          </p>
        ) : (
          <TableFrame label="Instance table">
            <table class={tableClass}>
              <caption class="sr-only">Instances</caption>
              <thead class={tableHeadClass}>
                <tr>
                  <ColumnHeader label="Instance" />
                  <ColumnHeader label="Address" />
                  <ColumnHeader label="Health" />
                  <ColumnHeader label="Connections (used/max)" />
                  <ColumnHeader label="CPU" end />
                  <ColumnHeader label="Memory" end />
                  <ColumnHeader label="Requests/s" end />
                  <ColumnHeader label="Latency" end />
                </tr>
              </thead>
              <tbody class="divide-y divide-slate-100">
                {detail.instances.map((instance) => (
                  <tr data-testid="instance-row" data-id={instance.id}>
                    <td class="whitespace-nowrap px-3 py-2.5 font-medium" safe>
                      {instance.id}
                    </td>
                    <td class="whitespace-nowrap px-3 py-2.5 text-slate-600" safe>
                      {instance.address}
                    </td>
                    <td class="px-3 py-2.5">
                      <HealthBadge health={instance.health} />
                    </td>
                    <td class="whitespace-nowrap px-3 py-2.5 tabular-nums">
                      <span data-testid="instance-pool" safe>
                        {instance.pool}
                      </span>
                      {instance.poolPercent !== undefined ? (
                        <meter
                          class="mt-1 block h-2 w-16"
                          min={0}
                          max={100}
                          low={70}
                          high={90}
                          optimum={0}
                          value={instance.poolPercent}
                          aria-label={`${instance.id} connections in use`}
                        />
                      ) : (
                        ''
                      )}
                      <InstanceTrend row={instance} name="pool_active" />
                    </td>
                    <FigureCell row={instance} text={instance.cpu} trend="cpu_percent" />
                    <FigureCell row={instance} text={instance.memory} trend="memory_percent" />
                    <FigureCell row={instance} text={instance.rps} trend="rps" />
                    <FigureCell row={instance} text={instance.latency} trend="p99_latency_ms" />
                  </tr>
                ))}
              </tbody>
            </table>
          </TableFrame>
        )}
      </section>
    </div>
  );
}
