import type { Url } from '../../src/html/url.js';
import type { NamespaceConfigurationsView } from '../../src/views/client-configurations/namespace.js';
import type { NamespaceSessionsView } from '../../src/views/client-sessions/namespace.js';
import { formatNumber } from '../../src/views/format.js';
import type { NamespaceDetail } from '../../src/views/namespaces/detail.js';
import { MAX_PERCENT, type QuotaUsage, UNLIMITED } from '../../src/views/quantities.js';
import { NamespaceConfigurations } from '../client-configurations/NamespaceConfigurations.js';
import { NamespaceSessions } from '../client-sessions/NamespaceSessions.js';
import { liveRegion } from '../layout/live.js';
import { KeyValueSection } from '../ui/KeyValueTable.js';
import { StatusBadge } from './StatusBadge.js';

function percentText(percent: number): string {
  const shown = `${percent >= MAX_PERCENT ? 'more than ' : ''}${formatNumber(percent)}%`;
  return percent > 100 ? `${shown} — over quota` : shown;
}

function UsageCard({ usage }: { usage: QuotaUsage }): JSX.Element {
  return (
    <div
      class="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
      data-testid="quota-usage"
      data-quota={usage.label}
    >
      <dt class="text-sm font-medium text-slate-500" safe>
        {usage.label}
      </dt>
      <dd class="mt-1">
        <span class="text-2xl font-semibold tabular-nums" data-testid="usage-used" safe>
          {usage.used}
        </span>{' '}
        <span class="text-sm text-slate-500">
          of{' '}
          <span data-testid="usage-limit" safe>
            {usage.limit}
          </span>
        </span>
        {usage.percent !== undefined ? (
          <div class="mt-2 flex items-center gap-2">
            <meter
              class="h-2 w-full"
              min={0}
              max={100}
              low={70}
              high={90}
              optimum={0}
              value={Math.min(100, usage.percent)}
              aria-label={`${usage.label} used`}
            />
            <span
              class={[
                'text-xs tabular-nums',
                usage.percent > 100 ? 'font-semibold text-red-700' : 'text-slate-600',
              ]}
              data-testid="usage-percent"
              safe
            >
              {percentText(usage.percent)}
            </span>
          </div>
        ) : usage.limit === UNLIMITED ? (
          <p class="mt-2 text-xs text-slate-500">No limit set</p>
        ) : (
          ''
        )}
      </dd>
    </div>
  );
}

function Fact({ term, value, testId }: { term: string; value: string; testId: string }) {
  return (
    <div class="py-2.5 sm:grid sm:grid-cols-3 sm:gap-4">
      <dt class="text-sm font-medium text-slate-500" safe>
        {term}
      </dt>
      <dd class="mt-1 text-sm text-slate-900 sm:col-span-2 sm:mt-0" data-testid={testId} safe>
        {value}
      </dd>
    </div>
  );
}

/** The detail's element id: a live region of the namespace's page (its usage moves). */
export const NAMESPACE_DETAIL_ID = 'namespace-detail';

/** Everything about one namespace: usage against quota, configuration and provenance. */
export function NamespaceDetailView({
  detail,
  sessions,
  configurations,
  live,
}: {
  detail: NamespaceDetail;
  /** Its client sessions (the sessions area's section), when the page read them. */
  sessions?: NamespaceSessionsView | undefined;
  /** Its client configurations (that area's section), when the page read them. */
  configurations?: NamespaceConfigurationsView | undefined;
  /** The page's address: the detail follows the namespace live (components/layout/live.ts). */
  live?: Url | undefined;
}): JSX.Element {
  return (
    <div
      id={NAMESPACE_DETAIL_ID}
      {...liveRegion(NAMESPACE_DETAIL_ID, live)}
      class="space-y-8"
      data-testid="namespace-detail"
    >
      <section aria-labelledby="summary-heading">
        <h2 id="summary-heading" class="sr-only">
          Summary
        </h2>
        <div class="flex flex-wrap items-center gap-3">
          <StatusBadge status={detail.status} />
          <p class="text-sm text-slate-700" data-testid="namespace-description" safe>
            {detail.description || 'No description.'}
          </p>
        </div>
      </section>

      <section aria-labelledby="usage-heading">
        <h2 id="usage-heading" class="text-base font-semibold text-slate-900">
          Usage and quota
        </h2>
        <dl class="mt-3 grid gap-4 sm:grid-cols-3">
          {detail.usage.map((usage) => (
            <UsageCard usage={usage} />
          ))}
        </dl>
      </section>

      <div class="grid gap-8 lg:grid-cols-2">
        <section aria-labelledby="placement-heading">
          <h2 id="placement-heading" class="text-base font-semibold text-slate-900">
            Placement and history
          </h2>
          <dl class="mt-3 divide-y divide-slate-100 rounded-lg bg-white px-4 shadow-sm ring-1 ring-slate-200">
            <Fact
              term="Assigned proxy"
              value={detail.assignedProxy || 'None assigned'}
              testId="assigned-proxy"
            />
            <Fact term="Partition" value={detail.partition} testId="partition" />
            <Fact
              term="Created"
              value={`${detail.created}${detail.createdBy ? ` by ${detail.createdBy}` : ''}`}
              testId="created"
            />
            <Fact
              term="Last updated"
              value={`${detail.updated}${detail.updatedBy ? ` by ${detail.updatedBy}` : ''}`}
              testId="updated"
            />
            <Fact term="Version" value={detail.version} testId="version" />
          </dl>
        </section>

        <KeyValueSection
          id="config"
          title="Configuration"
          entries={detail.config}
          emptyText="No configuration set."
          testIds={{ table: 'config', entry: 'config-entry', empty: 'config-empty' }}
        />
      </div>

      {sessions ? <NamespaceSessions view={sessions} /> : ''}
      {configurations ? <NamespaceConfigurations view={configurations} /> : ''}
    </div>
  );
}
