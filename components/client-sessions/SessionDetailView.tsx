import type { Children } from '@kitajs/html';
import type { Url } from '../../src/html/url.js';
import type { SessionDetail } from '../../src/views/client-sessions/detail.js';
import type { TimeText } from '../../src/views/client-sessions/time.js';
import { liveRegion } from '../layout/live.js';
import { RelativeTime, SessionStatusBadge } from './parts.js';

/** The detail's element id: a live region of the session's page (its counters move). */
export const SESSION_DETAIL_ID = 'session-detail';

function Fact({ term, testId, children }: { term: string; testId: string; children: Children }) {
  return (
    <div class="py-2.5 sm:grid sm:grid-cols-3 sm:gap-4">
      <dt class="text-sm font-medium text-slate-500" safe>
        {term}
      </dt>
      <dd class="mt-1 break-all text-sm text-slate-900 sm:col-span-2 sm:mt-0" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

function TimeFact({ term, time, testId }: { term: string; time: TimeText; testId: string }) {
  return (
    <Fact term={term} testId={testId}>
      <RelativeTime time={time} shown />
    </Fact>
  );
}

/** One client session: who, where, when and how much. */
export function SessionDetailView({
  detail,
  live,
}: {
  detail: SessionDetail;
  /** The page's address: the detail follows the session live (components/layout/live.ts). */
  live?: Url | undefined;
}): JSX.Element {
  return (
    <div
      id={SESSION_DETAIL_ID}
      {...liveRegion(SESSION_DETAIL_ID, live)}
      class="space-y-8"
      data-testid="session-detail"
    >
      <div class="flex flex-wrap items-center gap-3">
        <SessionStatusBadge status={detail.status} />
      </div>
      <div class="grid gap-8 lg:grid-cols-2">
        <section aria-labelledby="client-heading">
          <h2 id="client-heading" class="text-base font-semibold text-slate-900">
            Client
          </h2>
          <dl class="mt-3 divide-y divide-slate-100 rounded-lg bg-white px-4 shadow-sm ring-1 ring-slate-200">
            <Fact term="Client id" testId="client-id">
              <span safe>{detail.clientId || '—'}</span>
            </Fact>
            <Fact term="Address" testId="client-address">
              <span class="font-mono" safe>
                {detail.clientAddress || '—'}
              </span>
            </Fact>
            <Fact term="Namespace" testId="namespace">
              {detail.namespaceHref ? (
                <a href={detail.namespaceHref} class="text-indigo-700 hover:underline" safe>
                  {detail.namespace}
                </a>
              ) : (
                '—'
              )}
            </Fact>
            <Fact term="Proxy" testId="proxy">
              <span safe>{detail.proxy || '—'}</span>
            </Fact>
            <Fact term="Session id" testId="session-id">
              <span class="font-mono" safe>
                {detail.id}
              </span>
            </Fact>
          </dl>
        </section>
        <section aria-labelledby="times-heading">
          <h2 id="times-heading" class="text-base font-semibold text-slate-900">
            Times
          </h2>
          <dl class="mt-3 divide-y divide-slate-100 rounded-lg bg-white px-4 shadow-sm ring-1 ring-slate-200">
            <TimeFact term="Started" time={detail.started} testId="started" />
            <TimeFact term="Last activity" time={detail.lastActivity} testId="last-activity" />
            <TimeFact term={detail.expireLabel} time={detail.expire} testId="expire" />
          </dl>
        </section>
      </div>
      <section aria-labelledby="metrics-heading">
        <h2 id="metrics-heading" class="text-base font-semibold text-slate-900">
          Traffic
        </h2>
        <dl class="mt-3 grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-5">
          {detail.metrics.map((metric) => (
            <div class="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
              <dt class="text-sm font-medium text-slate-500" safe>
                {metric.label}
              </dt>
              <dd class="mt-1 text-xl font-semibold tabular-nums" data-testid={metric.testId} safe>
                {metric.value}
              </dd>
            </div>
          ))}
        </dl>
      </section>
    </div>
  );
}
