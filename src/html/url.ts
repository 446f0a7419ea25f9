/**
 * URLs the console puts in `href`, `action`, `src` and `hx-get`/`hx-post`: a branded string that
 * only the route table (`src/routes/table.ts`), the asset manifest and `safeHref()` produce.
 * `scripts/check-jsx.ts` (part of `npm run lint`) refuses any other value in those attributes —
 * a path literal, or a string from the control plane that could be `javascript:`.
 */
declare const urlBrand: unique symbol;
export type Url = string & { readonly [urlBrand]: 'Url' };

/**
 * Brands a string the caller has built from known parts (a route pattern with encoded
 * parameters, a hashed asset name). Not for data: use safeHref() for anything that came in.
 */
export function trustedUrl(value: string): Url {
  return value as Url;
}

/** Local paths the console serves: one leading slash, not `//` or `/\` (another host to a browser). */
function isLocalPath(value: string): boolean {
  return value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\');
}

/**
 * A URL from data (the control plane, a query string), if it is safe to link to: a same-origin
 * path or an absolute http(s) URL. `javascript:`, `data:`, `vbscript:`, protocol-relative
 * (`//host`) and anything with control characters or whitespace tricks give undefined.
 */
export function safeHref(value: string): Url | undefined {
  if (value.length === 0 || value.length > 2048) return undefined;
  // Browsers strip tabs and newlines inside URLs and leading/trailing C0 and spaces, which is
  // how `java\tscript:` slips past naive checks: any of those and it is not a link.
  for (const c of value) {
    const code = c.charCodeAt(0);
    if (code <= 0x20 || code === 0x7f) return undefined;
  }
  if (isLocalPath(value)) {
    try {
      const url = new URL(value, 'http://console.invalid');
      return url.origin === 'http://console.invalid' && isLocalPath(url.pathname)
        ? (value as Url)
        : undefined;
    } catch {
      return undefined;
    }
  }
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? (url.href as Url) : undefined;
  } catch {
    return undefined;
  }
}

/** A link to an element of this page (`#namespace-name`): the id is the console's own. */
export function anchorHref(id: string): Url {
  return `#${encodeURIComponent(id)}` as Url;
}

/**
 * A path on this console, from request-derived text (a return address, the page a failed
 * request came from): one leading slash, no `//` or `/\\` (another host to a browser, also once
 * dot segments resolve: "/.//evil.example"), no control characters. Undefined otherwise.
 */
export function localPath(value: unknown): Url | undefined {
  if (typeof value !== 'string' || !value.startsWith('/') || value.length > 2048) return undefined;
  const hasControl = [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (value.startsWith('//') || value.includes('\\') || hasControl) return undefined;
  let url: URL;
  try {
    url = new URL(value, 'http://console.invalid');
  } catch {
    return undefined;
  }
  if (url.origin !== 'http://console.invalid') return undefined;
  // Checked again after parsing: dot segments resolve, and "/.//evil.example" becomes
  // "//evil.example" — another host to a browser.
  const path = `${url.pathname}${url.search}`;
  return path.startsWith('//') || path.startsWith('/\\') ? undefined : (path as Url);
}
