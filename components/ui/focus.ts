/*
 * Where focus goes after a page load or an htmx swap. `autofocus` is a global attribute (the
 * browser honours it on load, htmx after a swap), but the JSX types only know it on form
 * controls; tabindex -1 makes any element focusable by it without adding a Tab stop.
 */
export const takeFocus = { tabindex: '-1', autofocus: true } as const;
