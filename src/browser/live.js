/*
 * Live regions (components/layout/live.ts, issue 10). The layout's <body> holds the page's one
 * event stream (htmx SSE extension: `sse-connect`), and each region (`hx-trigger="live-poll"`)
 * is replaced by the event named after its id. This script adds what the extension does not:
 *
 * - the indicator (components/layout/LiveIndicator.tsx): live, polling or paused, and how long
 *   ago the regions last changed; Pause ignores the stream, Resume fetches every region once;
 * - polling: without EventSource, after three failed connections in a row, while the server
 *   says its own feed is down (`live-status`), or while the stream is silent (below), every
 *   region fetches itself each 10 s;
 * - a silent stream: open is not live. The server's first frame is `live-status` and a
 *   `heartbeat` event follows every few seconds (its data: how many ms apart). A stream that
 *   brings no `live-status` within 10 s (a proxy holding it back), or nothing for three
 *   heartbeats (a connection dropped on the way without a close), is closed and opened again,
 *   later each time it happens again, and the page polls until a stream speaks;
 * - `resync` (the server dropped events for this slow tab): every region fetches itself;
 * - swaps that keep what the operator was doing: focus and caret, typed text, ticked boxes,
 *   open <details> and scroll positions, saved before a live swap and put back after
 *   (src/browser/live-keep.js, loaded before this script);
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
  // A stream's first frame is written as it is opened; 10 s is slow even for a busy console.
  const FIRST_FRAME_MS = 10_000;
  const HEARTBEATS_MISSED = 3;
  const MAX_WAIT_MS = 5 * 60_000;
  const REGIONS = '[hx-trigger="live-poll"]';
  const body = document.body;
  const htmx = window.htmx;
  if (!body || !htmx) return;

  const state = {
    paused: false,
    polling: false,
    upstreamDown: false,
    errors: 0,
    opened: false,
    // The stream said nothing for too long (a proxy holding it back, a dropped connection).
    silent: false,
  };
  // What the stream last said, and when: `heard` is 0 until its first `live-status`.
  const hearing = { since: 0, heard: 0, heartbeatMs: 15_000, silences: 0 };
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
  // What screen readers are told: a change of settled state (not "connecting", which a list's
  // new filters pass through on every keystroke), and not the page's first one. Cleared after a
  // while, so that reading the indicator later does not say an old change again.
  const ANNOUNCEMENTS = {
    live: 'Live updates on',
    'polling every 10 s': 'Live updates unavailable: polling every 10 s',
    paused: 'Live updates paused',
  };
  const ANNOUNCED_MS = 5_000;
  const said = { state: '', at: 0 };
  const announce = (root) => {
    const announcer = root.querySelector('[data-live-announce]');
    const current = mode();
    if (!announcer || !(current in ANNOUNCEMENTS)) return;
    if (said.state && said.state !== current) {
      announcer.textContent = ANNOUNCEMENTS[current];
      said.at = Date.now();
    } else if (said.at && Date.now() - said.at > ANNOUNCED_MS) {
      announcer.textContent = '';
      said.at = 0;
    }
    said.state = current;
  };
  const render = () => {
    const root = indicator();
    if (!root) return;
    const shown = root.querySelector('[data-live-shown]');
    const stateText = root.querySelector('[data-live-state]');
    const age = root.querySelector('[data-live-age]');
    const button = root.querySelector('[data-live-pause]');
    if (shown) shown.hidden = false;
    if (stateText && stateText.textContent !== mode()) stateText.textContent = mode();
    announce(root);
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
    state.polling = on || state.silent;
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
      hearing.since = Date.now();
      hearing.heard = 0;
      created.addEventListener('live-status', (event) => {
        if (created !== source) return;
        // The first frame: the stream speaks. Back after a break or a silence, what changed
        // meanwhile was not sent, so every region fetches itself once.
        const first = hearing.heard === 0;
        const missed = state.errors > 0 || state.silent;
        hearing.heard = Date.now();
        if (first) {
          state.errors = 0;
          state.silent = false;
          hearing.silences = 0;
          state.opened = true;
        }
        state.upstreamDown = event.data !== 'live';
        setPolling(state.upstreamDown);
        if (first && missed && !state.paused) pollAll();
      });
      created.addEventListener('heartbeat', (event) => {
        if (created !== source) return;
        const ms = Number(event.data);
        if (ms > 0) hearing.heartbeatMs = ms;
        if (hearing.heard) hearing.heard = Date.now();
      });
      created.addEventListener('resync', () => {
        if (!state.paused) pollAll();
      });
    }
    return created;
  };
  body.addEventListener('htmx:sseError', (event) => {
    if (event.target !== body) return;
    state.errors += 1;
    state.opened = false;
    // The browser (or the extension) opens it again: its first frame is awaited afresh.
    hearing.since = Date.now();
    hearing.heard = 0;
    if (state.errors >= ERRORS_BEFORE_POLLING) setPolling(true);
  });

  // A stream that is silent for too long is closed and opened again, through the extension's
  // own reconnection (the error handler it set: a closed source is reopened after its back-off,
  // and the regions subscribe to the new one). Each silence in a row waits twice as long. A
  // closed one is left alone: the extension is opening it again already (one stream per tab).
  const checkSilence = () => {
    if (!source || suspended || typeof source.onerror !== 'function') return;
    if (source.readyState === 2) return;
    const quiet = hearing.heard
      ? Date.now() - hearing.heard > HEARTBEATS_MISSED * hearing.heartbeatMs
      : Date.now() - hearing.since > Math.min(FIRST_FRAME_MS * 2 ** hearing.silences, MAX_WAIT_MS);
    if (!quiet) return;
    const silent = source;
    hearing.silences += 1;
    state.silent = true;
    setPolling(true);
    source = null;
    silent.close();
    silent.onerror('live: the event stream was silent; opening it again');
  };

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

  // --- Keeping what the operator was doing across a swap (src/browser/live-keep.js) ----------
  const { save, restore } = window.prismLiveKeep;

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

  window.setInterval(() => {
    checkSilence();
    render();
  }, 1000);
  document.addEventListener('DOMContentLoaded', () => {
    fillTokens(document);
    setPolling(noEventSource);
  });
})();
