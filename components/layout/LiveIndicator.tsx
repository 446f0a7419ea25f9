/** The indicator's element id: src/browser/live.js finds it by this. */
export const LIVE_INDICATOR_ID = 'live-indicator';

/**
 * Whether the page is following the cluster, on a page with live regions (components/layout/
 * live.ts). Without JavaScript it says the page is not live; with it, src/browser/live.js shows
 * the state ("live", "polling every 10 s", "paused"), how long ago the regions last changed
 * ("updated 3 s ago", ticking), and the Pause / Resume button. Screen readers are told when the
 * state changes once the page has one (`data-live-announce`, aria-live), not the ticking age,
 * nor the page's first state, nor the moment of "connecting" while the stream is opened again
 * for a list's new filters: those would be read out on every keystroke of a search. A landmark
 * of its own (complementary), so every part of the page is in one.
 */
export function LiveIndicator(): JSX.Element {
  return (
    <aside
      aria-label="Live updates"
      id={LIVE_INDICATOR_ID}
      data-testid="live-indicator"
      class="flex min-h-6 flex-wrap items-center justify-end gap-x-2 text-xs text-slate-600"
    >
      <noscript>
        <span data-testid="not-live">Not live: reload for current data</span>
      </noscript>
      <span data-live-shown hidden>
        <span data-live-state>live</span>
        {' · '}
        <span data-live-age>updated just now</span>
      </span>
      <span data-live-announce aria-live="polite" class="sr-only"></span>
      <button
        type="button"
        data-live-pause
        hidden
        class="min-h-6 font-medium text-slate-700 underline hover:no-underline pointer-coarse:min-h-11"
      >
        Pause
      </button>
    </aside>
  );
}
