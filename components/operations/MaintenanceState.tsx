import type { MaintenanceView } from '../../src/views/operations/maintenance.js';
import { RelativeTime } from '../client-sessions/parts.js';
import { Badge } from '../ui/Badge.js';

/** The maintenance page's summary of the current state (the banner says the same, shorter). */
export function MaintenanceState({ view }: { view: MaintenanceView | undefined }): JSX.Element {
  return (
    <section
      aria-labelledby="maintenance-state-title"
      data-testid="maintenance-state"
      class="mb-6 max-w-2xl rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700"
    >
      <h2 id="maintenance-state-title" class="flex items-center gap-3 text-base font-semibold">
        Current state
        {view ? <Badge tone="amber" label="On" /> : <Badge tone="green" label="Off" />}
      </h2>
      {view ? (
        <dl class="mt-4 grid grid-cols-1 gap-x-4 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
          <dt class="font-medium">Message</dt>
          <dd class="whitespace-pre-line break-words" data-testid="state-message" safe>
            {view.message || '(none)'}
          </dd>
          <dt class="font-medium">Turned on by</dt>
          <dd data-testid="state-by" safe>
            {view.enabledBy}
          </dd>
          <dt class="font-medium">Since</dt>
          <dd>
            <RelativeTime time={view.since} testId="state-since" shown />
          </dd>
          <dt class="font-medium">Scheduled end</dt>
          <dd>
            {view.scheduledEnd ? (
              <RelativeTime time={view.scheduledEnd} testId="state-end" shown />
            ) : (
              'None scheduled'
            )}
            {view.overdue ? (
              <strong class="ml-2 text-amber-800 dark:text-amber-200" safe>
                {`(${view.overdue})`}
              </strong>
            ) : (
              ''
            )}
          </dd>
        </dl>
      ) : (
        <p class="mt-2 text-sm text-slate-700 dark:text-slate-300">
          Maintenance mode is off: clients work as usual and no banner is shown.
        </p>
      )}
    </section>
  );
}
