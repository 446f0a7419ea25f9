/*
 * Live regions (components/layout/live.ts, issue 10). The layout's <body> holds the page's one
 * event stream (htmx SSE extension: `sse-connect`), and each region (`hx-trigger="live-poll"`)
 * is replaced by the event named after its id. This script adds what the extension does not:
 *
 * - the indicator (components/layout/LiveIndicator.tsx): live, polling or paused, and how long
 *   ago the regions last changed; Pause ignores the stream, Resume fetches every region once;
 * - polling: without EventSource, after three failed connections in a row, or while the server
 *   says its own feed is down (`live-status`), every region fetches itself each 10 s;
 * - `resync` (the server dropped events for this slow tab): every region fetches itself;
 * - swaps that keep what the operator was doing: focus and caret, typed text, ticked boxes,
 *   open <details> and scroll positions, saved before a live swap and put back after;
 * - the CSRF token: live renders are shared between operators and carry none, so empty token
 *   fields in swapped content get this page's;
 * - a page whose address or regions change without a reload (a list's filters, an htmx form
 *   post that leads to another page) reconnects the stream for what it now shows.
 *
 * Served as a hashed asset (scripts/build-assets.ts): the CSP allows no inline script.
 */
(() => {
  const POLL_MS = 10_000;
  const ERRORS_BEFORE_POLLING = 3;
  const REGIONS = '[hx-trigger="live-poll"]';
  const body = document.body;
  const htmx = window.htmx;
  if (!body || !htmx) return;

  const state = { paused: false, polling: false, upstreamDown: false, errors: 0, opened: false };
  let updatedAt = Date.now();
  let source = null;
  let pollTimer = 0;

  const regions = () => [...document.querySelectorAll(REGIONS)];
  const pollAll = () => {
    for (const region of regions()) htmx.trigger(region, 'live-poll');
  };

  // --- The indicator -------------------------------------------------------------------------
  const indicator = () => document.getElementById('live-indicator');
  const ago = (ms) => {
    const s = Math.floor(ms / 1000);
    if (s < 5) return 'updated just now';
    if (s < 60) return `updated ${s} s ago`;
    if (s < 3600) return `updated ${Math.floor(s / 60)} min ago`;
    return `updated ${Math.floor(s / 3600)} h ago`;
  };
  const mode = () =>
    state.paused
      ? 'paused'
      : state.polling
        ? 'polling every 10 s'
        : state.opened
          ? 'live'
          : 'connecting';
  const render = () => {
    const root = indicator();
    if (!root) return;
    const shown = root.querySelector('[data-live-shown]');
    const stateText = root.querySelector('[data-live-state]');
    const age = root.querySelector('[data-live-age]');
    const button = root.querySelector('[data-live-pause]');
    if (shown) shown.hidden = false;
    if (stateText && stateText.textContent !== mode()) stateText.textContent = mode();
    if (age) age.textContent = ago(Date.now() - updatedAt);
    root.dataset.liveMode = state.paused ? 'paused' : state.polling ? 'polling' : 'live';
    if (button) {
      button.hidden = false;
      button.textContent = state.paused ? 'Resume' : 'Pause';
    }
  };

  // --- Polling -------------------------------------------------------------------------------
  const schedule = () => {
    const wanted = state.polling && !state.paused;
    if (wanted && !pollTimer) pollTimer = window.setInterval(pollAll, POLL_MS);
    if (!wanted && pollTimer) {
      window.clearInterval(pollTimer);
      pollTimer = 0;
    }
    render();
  };
  const setPolling = (on) => {
    state.polling = on;
    schedule();
  };

  // --- The stream ----------------------------------------------------------------------------
  const noEventSource = typeof window.EventSource !== 'function';
  const inert = { addEventListener() {}, removeEventListener() {}, close() {}, readyState: 2 };
  const makeSource = htmx.createEventSource;
  htmx.createEventSource = (url) => {
    if (noEventSource) return inert;
    const created = makeSource ? makeSource(url) : new EventSource(url, { withCredentials: true });
    if (new URL(url, location.href).pathname === '/live') {
      source = created;
      created.addEventListener('live-status', (event) => {
        state.upstreamDown = event.data !== 'live';
        setPolling(state.upstreamDown || state.errors >= ERRORS_BEFORE_POLLING);
      });
      created.addEventListener('resync', () => {
        if (!state.paused) pollAll();
      });
    }
    return created;
  };
  body.addEventListener('htmx:sseOpen', (event) => {
    if (event.target !== body) return;
    // Back after a break: what changed meanwhile was not sent, so fetch it once.
    const missed = state.errors > 0;
    state.errors = 0;
    state.opened = true;
    setPolling(state.upstreamDown);
    if (missed && !state.paused) pollAll();
  });
  body.addEventListener('htmx:sseError', (event) => {
    if (event.target !== body) return;
    state.errors += 1;
    if (state.errors >= ERRORS_BEFORE_POLLING) setPolling(true);
  });

  // Where the stream should point: the page the regions come from, and the regions there are.
  const wantedStream = () => {
    const found = regions();
    const own = found.filter((region) => region.id !== 'maintenance-banner');
    const page = (own[0] ?? found[0])?.getAttribute('hx-get');
    if (!page) return undefined;
    const query = new URLSearchParams({ page });
    for (const region of found) query.append('region', region.id);
    return `/live?${query}`;
  };
  const sameStream = (a, b) => {
    const parse = (url) => new URL(url, location.href).searchParams;
    const [x, y] = [parse(a), parse(b)];
    const regionsOf = (params) => params.getAll('region').sort().join(' ');
    return x.get('page') === y.get('page') && regionsOf(x) === regionsOf(y);
  };
  let generation = 0;
  // Set while a page with an event stream of its own is shown (an operation's progress): one
  // stream per tab, so the page stream is closed, and opened again on the next page without one.
  let suspended = false;
  const followPage = () => {
    const current = body.getAttribute('sse-connect');
    const own = [...document.querySelectorAll('[sse-connect]')].some((el) => el !== body);
    if (own) {
      if (!current) return;
      if (source) source.close();
      source = null;
      state.opened = false;
      suspended = true;
      body.removeAttribute('sse-connect');
      render();
      return;
    }
    const wanted = wantedStream();
    if (!wanted || (current ? sameStream(current, wanted) : !suspended)) return;
    suspended = false;
    if (source) source.close();
    source = null;
    state.opened = false;
    body.setAttribute('sse-connect', wanted);
    // htmx re-initialises elements whose attributes changed: the body opens the new stream,
    // and each region, marked afresh, subscribes to it.
    generation += 1;
    for (const region of regions()) region.setAttribute('data-live-stream', String(generation));
    htmx.process(body);
    render();
  };

  // --- Keeping what the operator was doing across a swap --------------------------------------
  const keyOf = (el, root) => {
    if (el.id) return { id: el.id };
    const name = el.getAttribute('name');
    if (name) {
      const choice = el.type === 'checkbox' || el.type === 'radio';
      return { name, value: choice ? el.value : undefined };
    }
    const tag = el.tagName.toLowerCase();
    return { tag, index: [...root.querySelectorAll(tag)].indexOf(el) };
  };
  const find = (root, key) => {
    if (key.id) return root.id === key.id ? root : root.querySelector(`#${CSS.escape(key.id)}`);
    if (key.name) {
      const value = key.value === undefined ? '' : `[value="${CSS.escape(key.value)}"]`;
      return root.querySelector(`[name="${CSS.escape(key.name)}"]${value}`);
    }
    return root.querySelectorAll(key.tag)[key.index] ?? null;
  };
  // Some fields (a checkbox, a number in older browsers) have no caret, or throw when asked.
  const selection = (el) => {
    try {
      return { start: el.selectionStart ?? null, end: el.selectionEnd ?? null };
    } catch {
      return { start: null, end: null };
    }
  };
  const save = (region) => {
    const saved = { focus: null, fields: [], details: [], scroll: [], page: [scrollX, scrollY] };
    const active = document.activeElement;
    // The region itself may hold the focus (the results after a sort link): found again by id.
    if (active && region.contains(active)) {
      saved.focus = { key: keyOf(active, region), ...selection(active) };
    } else if (active && active !== body) {
      // Outside the region (a filter being typed in): it stays, and keeps the focus.
      saved.focus = { element: active, ...selection(active) };
    }
    for (const field of region.querySelectorAll('input, textarea, select')) {
      if (field.type === 'hidden') continue;
      if (field.type === 'checkbox' || field.type === 'radio') {
        if (field.checked !== field.defaultChecked) {
          saved.fields.push({ key: keyOf(field, region), checked: field.checked });
        }
      } else if (field.tagName === 'SELECT') {
        const options = [...field.options];
        if (options.some((option) => option.selected !== option.defaultSelected)) {
          const values = options.filter((option) => option.selected).map((o) => o.value);
          saved.fields.push({ key: keyOf(field, region), values });
        }
      } else if (field.value !== field.defaultValue) {
        saved.fields.push({ key: keyOf(field, region), value: field.value });
      }
    }
    for (const details of region.querySelectorAll('details')) {
      saved.details.push({ key: keyOf(details, region), open: details.open });
    }
    for (const box of region.querySelectorAll('[class*="overflow-"]')) {
      if (box.scrollTop || box.scrollLeft) {
        saved.scroll.push({ key: keyOf(box, region), top: box.scrollTop, left: box.scrollLeft });
      }
    }
    return saved;
  };
  const restore = (region, saved) => {
    for (const { key, checked, values, value } of saved.fields) {
      const field = find(region, key);
      if (!field) continue;
      if (checked !== undefined) field.checked = checked;
      else if (values)
        for (const option of field.options) option.selected = values.includes(option.value);
      else field.value = value;
    }
    for (const { key, open } of saved.details) {
      const details = find(region, key);
      if (details && details.open !== open) details.open = open;
    }
    for (const { key, top, left } of saved.scroll) {
      const box = find(region, key);
      if (box) box.scrollTo(left, top);
    }
    if (scrollX !== saved.page[0] || scrollY !== saved.page[1]) scrollTo(...saved.page);
    if (saved.focus) {
      const field = saved.focus.element ?? find(region, saved.focus.key);
      // Only when the swap took the focus away (it fell to the body with the replaced element):
      // if the operator has moved on to another field meanwhile, that is where it stays.
      const lost = !document.activeElement || document.activeElement === body;
      const refocus = field?.isConnected === true && lost && document.activeElement !== field;
      if (refocus) {
        // The region itself had the focus (given after a sort link): its replacement takes it,
        // made focusable the same way.
        if (!field.matches('a[href], button, input, select, textarea, [tabindex]')) {
          field.setAttribute('tabindex', '-1');
        }
        field.focus({ preventScroll: true });
      }
      // A field outside the region that kept the focus was never touched: its caret is where the
      // operator left it (they may have typed on meanwhile). A replaced field, or one that lost
      // the focus, gets its caret back.
      const caret = refocus || !saved.focus.element;
      if (field && caret && saved.focus.start !== null && field.setSelectionRange) {
        try {
          field.setSelectionRange(saved.focus.start, saved.focus.end);
        } catch {
          // Not a text field after all (a checkbox has selectionStart null): nothing to put back.
        }
      }
    }
  };
  const csrfToken = () => {
    try {
      return JSON.parse(body.getAttribute('hx-headers') ?? '{}')['X-CSRF-Token'];
    } catch {
      return undefined;
    }
  };
  const fillTokens = (root) => {
    const token = csrfToken();
    if (!token) return;
    for (const input of root.querySelectorAll('input[name="_csrf"]')) {
      if (!input.value) input.value = token;
    }
  };

  // Regions with a request of the page's own on its way (a filter, a sort, a page link): a frame
  // swapped in meanwhile would replace the element that request's answer is meant for, and that
  // answer — the operator's choice — would be lost. Frames wait for it; it brings fresher content.
  const busy = new Map();
  const regionOf = (event) => {
    const target = event.detail?.target;
    return target instanceof Element && target.matches(REGIONS) ? target.id : undefined;
  };
  document.addEventListener('htmx:beforeRequest', (event) => {
    const id = regionOf(event);
    if (id) busy.set(id, (busy.get(id) ?? 0) + 1);
  });
  document.addEventListener('htmx:afterRequest', (event) => {
    const id = regionOf(event);
    if (!id) return;
    const left = (busy.get(id) ?? 1) - 1;
    if (left > 0) busy.set(id, left);
    else busy.delete(id);
  });

  // Saved per region id before a live swap, put back on the region that replaces it.
  const pending = new Map();
  document.addEventListener('htmx:sseBeforeMessage', (event) => {
    const region = event.target;
    if (!(region instanceof Element) || !region.matches(REGIONS)) return;
    if (state.paused || busy.has(region.id)) {
      event.preventDefault();
      return;
    }
    // A frame of the stream for the page as it was: the region has moved on since (a filter, a
    // sort, a page of results) and the stream is being pointed at the new address. Not swapped.
    const stream = event.detail?.target?.url;
    const page = stream ? new URL(stream, location.href).searchParams.get('page') : null;
    if (
      page !== null &&
      region.id !== 'maintenance-banner' &&
      region.getAttribute('hx-get') !== page
    ) {
      event.preventDefault();
      return;
    }
    pending.set(region.id, save(region));
  });
  document.addEventListener('htmx:beforeSwap', (event) => {
    const { target, requestConfig } = event.detail;
    if (requestConfig?.triggeringEvent?.type !== 'live-poll') return;
    if (target instanceof Element && target.matches(REGIONS)) pending.set(target.id, save(target));
  });
  // A region rendered once for every operator of a role cannot say which row is the viewer's
  // own (the console sessions): the page names it outside the region (data-own-session), each
  // row carries its handle (data-session) and the own marks hidden; shown here.
  const markOwn = (region) => {
    const own = region.closest('[data-own-session]')?.getAttribute('data-own-session');
    if (!own) return;
    for (const row of region.querySelectorAll('[data-session]')) {
      if (row.getAttribute('data-session') !== own) continue;
      row.setAttribute('data-current', 'true');
      for (const mark of row.querySelectorAll('[data-own-only]')) mark.hidden = false;
      const confirm = region.getAttribute('data-own-confirm');
      const label = region.getAttribute('data-own-label');
      if (confirm) row.querySelector('[hx-confirm]')?.setAttribute('hx-confirm', confirm);
      if (label) row.querySelector('button[aria-label]')?.setAttribute('aria-label', label);
    }
  };

  // In the swap's own task (afterSwap): a key pressed meanwhile would reach the body, and the
  // operator's Enter on a link the swap replaced would be lost. The layout sets no settle delay,
  // so htmx has made the new links work by the end of that same task too.
  document.addEventListener('htmx:afterSwap', (event) => {
    const swapped = event.target;
    if (swapped instanceof Element) {
      fillTokens(swapped);
      markOwn(swapped);
    }
    const saved = swapped instanceof Element ? pending.get(swapped.id) : undefined;
    if (saved && swapped.isConnected) {
      pending.delete(swapped.id);
      restore(swapped, saved);
    }
  });
  document.addEventListener('htmx:afterSettle', (event) => {
    const swapped = event.target;
    if (swapped instanceof Element && swapped.matches(REGIONS)) updatedAt = Date.now();
    followPage();
    render();
  });

  // A live-poll on its own is not activity: it does not keep the console session alive.
  document.addEventListener('htmx:configRequest', (event) => {
    if (event.detail.triggeringEvent?.type === 'live-poll') {
      event.detail.headers['X-Prism-Background'] = 'poll';
    }
  });

  document.addEventListener('click', (event) => {
    const button =
      event.target instanceof Element ? event.target.closest('[data-live-pause]') : null;
    if (!button) return;
    state.paused = !state.paused;
    // Resuming: what changed while paused was ignored, so every region fetches itself once.
    if (!state.paused) pollAll();
    schedule();
  });

  window.setInterval(render, 1000);
  document.addEventListener('DOMContentLoaded', () => {
    fillTokens(document);
    setPolling(noEventSource);
  });
})();
