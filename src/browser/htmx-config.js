/*
 * htmx settings, set in the bundle right after htmx (scripts/build-assets.ts) and before it
 * starts at DOMContentLoaded: no eval (strict CSP), requests only to this origin, no inline
 * indicator styles, and error answers are swapped too — the console sends a readable fragment for
 * them (retargeted to #alerts), so the operator sees why instead of nothing. Here rather than in
 * a <meta> of every page: sent once, cached with htmx. scripts/htmx-bundle.ts leaves out of htmx
 * the code some of these settings make dead, and fails the build if one of them changes.
 */
Object.assign(window.htmx.config, {
  allowEval: false,
  allowScriptTags: false,
  selfRequestsOnly: true,
  includeIndicatorStyles: false,
  // Pages hold cluster data: keep them out of localStorage, and reload on a history miss.
  historyCacheSize: 0,
  refreshOnHistoryMiss: true,
  // New content is processed in the same task that swaps it in, not 20 ms later: until then its
  // links and forms are plain HTML, and an Enter on a link a live update just replaced would
  // load the whole page instead of making its htmx request. (No style here animates settling.)
  defaultSettleDelay: 0,
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    // A form sent back with its messages (invalid, or changed meanwhile) is an answer, not a fault.
    { code: '422', swap: true },
    { code: '409', swap: true },
    { code: '[45]..', swap: true, error: true },
  ],
});
