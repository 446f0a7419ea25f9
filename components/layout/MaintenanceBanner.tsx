import type { Url } from '../../src/html/url.js';
import { routes } from '../../src/routes/table.js';
import type { TimeText } from '../../src/views/client-sessions/time.js';
import type { MaintenanceView } from '../../src/views/operations/maintenance.js';
import { liveRegion } from './live.js';

/**
 * The banner's element id: after an htmx post, the page it leads to replaces it along with #main
 * (the HX-Location of src/plugins/page.tsx selects it out of band). Also a live region of every
 * signed-in page: page() answers an htmx request aimed at it with the banner alone.
 */
export const MAINTENANCE_BANNER_ID = 'maintenance-banner';

/** A time as `12m ago (2026-12-02 09:00:00 UTC)`: relative first, absolute beside it. */
function When({ time, testId }: { time: TimeText; testId: string }): JSX.Element {
  if (!time.datetime) {
    // Unset, or outside what a timestamp can hold: said in words, never as a date.
    return (
      <span data-testid={testId} safe>
        {time.absolute === '—'
          ? 'at a time the control plane did not say'
          : `${time.relative} (${time.absolute})`}
      </span>
    );
  }
  return (
    <time datetime={time.datetime} title={time.absolute} data-testid={testId}>
      <span safe>{time.relative}</span>
      <span class="text-amber-800 dark:text-amber-200" safe>{` (${time.absolute})`}</span>
    </time>
  );
}

/**
 * While maintenance is on, at the top of every signed-in page: the message, who turned it on,
 * since when, the scheduled end (and how long ago it passed, if it did), and a link to the
 * maintenance page. A status, not an alert: it is on every page, and announcing it on each
 * would drown what the page says. The empty element stays when it is off, so the page after an
 * htmx post clears a banner that is gone, and a live update can bring one.
 */
export function MaintenanceBanner({
  view,
  live,
}: {
  view: MaintenanceView | undefined;
  /** The page's address (components/layout/live.ts): the banner follows maintenance mode live. */
  live?: Url | undefined;
}): JSX.Element {
  const region = liveRegion(MAINTENANCE_BANNER_ID, live);
  if (!view) return <div id={MAINTENANCE_BANNER_ID} {...region}></div>;
  return (
    <div id={MAINTENANCE_BANNER_ID} {...region}>
      <section
        role="status"
        aria-labelledby="maintenance-banner-title"
        data-testid="maintenance-mode-banner"
        class="border-b border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950 sm:px-6 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-50"
      >
        <h2 id="maintenance-banner-title" class="font-semibold">
          Maintenance mode is on
        </h2>
        {view.message ? (
          <p class="mt-1 whitespace-pre-line break-words" data-testid="maintenance-message" safe>
            {view.message}
          </p>
        ) : (
          ''
        )}
        <p class="mt-1 break-words">
          Turned on by{' '}
          <strong data-testid="maintenance-by" safe>
            {view.enabledBy}
          </strong>{' '}
          <When time={view.since} testId="maintenance-since" />.{' '}
          {view.overdue && view.scheduledEnd ? (
            <strong data-testid="maintenance-overdue">
              <span safe>{`Its ${view.overdue}`}</span>{' '}
              <time datetime={view.scheduledEnd.datetime} data-testid="maintenance-end" safe>
                {`(${view.scheduledEnd.absolute})`}
              </time>
              .
            </strong>
          ) : view.scheduledEnd ? (
            <>
              Scheduled to end <When time={view.scheduledEnd} testId="maintenance-end" />.
            </>
          ) : (
            'No end is scheduled.'
          )}{' '}
          <a
            href={routes.operations.maintenance.href()}
            class="inline-flex min-h-6 items-center font-medium underline hover:no-underline pointer-coarse:min-h-11"
          >
            Maintenance mode
          </a>
        </p>
      </section>
    </div>
  );
}
