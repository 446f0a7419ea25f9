/*
 * What the operator was doing in a live region, kept across a swap (src/browser/live.js calls
 * it for every live swap and every poll's): the focus and caret, typed text, ticked boxes and
 * chosen options, open <details> and scroll positions, saved before the swap and put back on
 * the region that replaces it. Elements are found again by id, by name (and value, for a
 * choice), or by their place among elements of their kind in the region.
 *
 * Served inside the hashed app.js before live.js (scripts/build-assets.ts): the CSP allows no
 * inline script.
 */
(() => {
  const body = document.body;

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

  window.prismLiveKeep = { save, restore };
})();
