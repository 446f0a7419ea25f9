import type { Url } from '../../src/html/url.js';
import type { OperationView } from '../../src/views/operations/operation.js';
import { Alert } from '../ui/Alert.js';
import { Badge } from '../ui/Badge.js';
import { buttonClass } from '../ui/buttons.js';

/** The element the live progress replaces; its events are named by SSE_EVENTS. */
export const LIVE_ID = 'operation-live';
const STATUS_ID = 'operation-status';

/** The event names of the operation's event stream (src/routes/operations/events.tsx). */
export const SSE_EVENTS = {
  /** A change while running: replaces the status inside the live region. */
  progress: 'progress',
  /** The last message: replaces the whole live region with one that no longer connects. */
  done: 'done',
} as const;

export function OperationStateBadge({ view }: { view: Pick<OperationView, 'state'> }) {
  return (
    <span data-testid="operation-state" data-state={view.state.label}>
      <Badge tone={view.state.tone} label={view.state.label} />
    </span>
  );
}

/** Drained + forced of total as a bar (the native `<progress>`), with the counts in words. */
export function ProgressMeter({ view }: { view: OperationView }): JSX.Element {
  const progress = view.progress;
  if (!progress) return <p class="text-sm text-slate-600">No progress to show.</p>;
  const closed = progress.drained + progress.forced;
  return (
    <div class="space-y-2">
      <progress
        class="h-3 w-full"
        max={String(Math.max(progress.total, 1))}
        value={String(Math.min(closed, Math.max(progress.total, 1)))}
        aria-label="Sessions closed"
        aria-valuetext={progress.text}
        data-testid="drain-progress"
        data-closed={String(closed)}
        data-total={String(progress.total)}
      ></progress>
      <p class="text-sm tabular-nums" data-testid="drain-counts" safe>
        {`${progress.text} (${progress.percent}%)`}
      </p>
    </div>
  );
}

/** The part of the operation that changes: state, progress, end, who cancelled, Cancel. */
export function OperationStatus({
  view,
  mayCancel,
}: {
  view: OperationView;
  mayCancel: boolean;
}): JSX.Element {
  return (
    <div class="space-y-4">
      <div class="flex flex-wrap items-center gap-3">
        <OperationStateBadge view={view} />
        {view.done ? (
          <span class="text-sm text-slate-600" data-testid="operation-done">
            Done{' '}
            <time datetime={view.end.datetime} title={view.end.absolute} safe>
              {view.end.relative}
            </time>
          </span>
        ) : (
          <span class="text-sm text-slate-600" data-testid="operation-running">
            Running — gives up{' '}
            <time datetime={view.deadlineTime.datetime} title={view.deadlineTime.absolute} safe>
              {view.deadlineTime.relative}
            </time>
          </span>
        )}
        {!view.done && mayCancel ? (
          <a href={view.cancelHref} class={buttonClass.danger} data-testid="cancel-operation">
            Cancel drain
          </a>
        ) : (
          ''
        )}
      </div>
      <ProgressMeter view={view} />
      {view.cancelledBy ? (
        <p class="text-sm" data-testid="cancelled-by">
          Cancelled by <strong safe>{view.cancelledBy}</strong>
          {view.cancelReason ? <span safe>{`: ${view.cancelReason}`}</span> : ''}
        </p>
      ) : (
        ''
      )}
    </div>
  );
}

/**
 * The live region. While the operation runs it follows the event stream (the htmx SSE
 * extension): "progress" events replace the status, and the "done" event replaces the whole
 * region with this same component for a finished operation — which has no `sse-connect`, so the
 * browser closes the stream and does not reconnect. Done already: no stream at all.
 */
export function OperationLive({
  view,
  mayCancel,
}: {
  view: OperationView;
  mayCancel: boolean;
}): JSX.Element {
  if (view.done) {
    return (
      <section id={LIVE_ID} aria-label="Progress" data-testid="operation-live" data-live="done">
        <div id={STATUS_ID} role="status">
          <OperationStatus view={view} mayCancel={mayCancel} />
        </div>
      </section>
    );
  }
  return (
    <section
      id={LIVE_ID}
      aria-label="Progress"
      data-testid="operation-live"
      data-live="running"
      hx-ext="sse"
      sse-connect={view.eventsHref}
    >
      <div id={STATUS_ID} role="status" sse-swap={SSE_EVENTS.progress} hx-swap="innerHTML">
        <OperationStatus view={view} mayCancel={mayCancel} />
      </div>
      <div hidden sse-swap={SSE_EVENTS.done} hx-target={`#${LIVE_ID}`} hx-swap="outerHTML"></div>
    </section>
  );
}

/**
 * The live region when following stopped for good (the watch was refused, the operation is
 * gone, the stream ended early): why, and a link that reloads the page. No `sse-connect`, so
 * the browser does not reconnect to the same failure.
 */
export function OperationLiveStopped({
  title,
  message,
  pageHref,
}: {
  title: string;
  message: string;
  pageHref: Url;
}): JSX.Element {
  return (
    <section id={LIVE_ID} aria-label="Progress" data-testid="operation-live" data-live="stopped">
      <Alert tone="error" title={`Live progress stopped: ${title}`} testId="operation-live-stopped">
        <p safe>{message}</p>
        <p class="mt-2">
          <a href={pageHref} class="underline">
            Reload the page
          </a>{' '}
          to see where the operation stands.
        </p>
      </Alert>
    </section>
  );
}
