import type { Url } from '../../src/html/url.js';

/*
 * The htmx attributes this console uses, as a closed set with the values htmx defines
 * (https://htmx.org/reference/). They are added to every JSX element below, so a wrong value
 * (`hx-swap="outerHtml"`) fails `npm run typecheck`. TypeScript never checks the *names* of
 * hyphenated JSX attributes, so `scripts/check-jsx.ts` (in `npm run lint`) refuses any `hx-*`
 * attribute not declared here (`hx-tagret`), and test/types/htmx-names.test.ts checks that
 * every name declared here is one htmx itself reads.
 */

/** How the answer replaces content (https://htmx.org/attributes/hx-swap/). */
export type HxSwapStyle =
  | 'innerHTML'
  | 'outerHTML'
  | 'textContent'
  | 'beforebegin'
  | 'afterbegin'
  | 'beforeend'
  | 'afterend'
  | 'delete'
  | 'none';
/**
 * A modifier of hx-swap: delays, the page's title, focus. Not the modifiers that scroll the new
 * content into view: scripts/htmx-bundle.ts leaves that code out of htmx. (No view transitions
 * either: the word would also make Tailwind, which reads this file, add a utility.)
 */
export type HxSwapModifier =
  | `${'swap' | 'settle'}:${number}${'ms' | 's'}`
  | `${'ignoreTitle' | 'focus-scroll'}:${'true' | 'false'}`;
/** A swap style, optionally with modifiers (`innerHTML settle:0ms`). */
export type HxSwap =
  | HxSwapStyle
  | `${HxSwapStyle} ${HxSwapModifier}`
  | `${HxSwapStyle} ${HxSwapModifier} ${HxSwapModifier}`;

/** An id selector, `this`, or an extended selector (https://htmx.org/attributes/hx-target/). */
export type HxTarget =
  | 'this'
  | `#${string}`
  | `closest ${string}`
  | `find ${string}`
  | `next ${string}`
  | `previous ${string}`;

/** A selector for hx-include, hx-indicator and hx-disabled-elt. */
export type HxSelector = HxTarget | `.${string}` | `[${string}]`;

/**
 * `<selector>:<strategy>` (https://htmx.org/attributes/hx-sync/). Not `abort` nor `replace`:
 * htmx reports every abort through console.error (`htmx:sendAbort`), though nothing went wrong,
 * so a request that must give way to another waits for it (`queue …`) or is not made (`drop`).
 */
export type HxSync = `${string}:${'drop' | 'queue' | 'queue first' | 'queue last' | 'queue all'}`;

/** An event with modifiers, or a poll (`every 10s`) (https://htmx.org/attributes/hx-trigger/). */
export type HxTrigger = string;

export interface HtmxAttributes {
  'hx-get'?: Url | undefined;
  'hx-post'?: Url | undefined;
  'hx-target'?: HxTarget | undefined;
  'hx-swap'?: HxSwap | undefined;
  'hx-select'?: `#${string}` | undefined;
  'hx-trigger'?: HxTrigger | undefined;
  'hx-push-url'?: 'true' | 'false' | Url | undefined;
  'hx-include'?: HxSelector | undefined;
  'hx-sync'?: HxSync | undefined;
  'hx-confirm'?: string | undefined;
  'hx-disabled-elt'?: HxSelector | undefined;
  'hx-indicator'?: HxSelector | undefined;
  /** JSON of headers sent with every htmx request below (the CSRF token). */
  'hx-headers'?: string | undefined;
  'hx-vals'?: string | undefined;
  /** In an answer for another target: this element replaces the page's element of its id. */
  'hx-swap-oob'?: 'true' | undefined;
  'hx-ext'?: 'sse' | undefined;
  'sse-connect'?: Url | undefined;
  'sse-swap'?: string | undefined;
}

/** htmx attributes to spread onto an element (`{...resultsLink}`): the same closed set. */
export type HxAttributes = Omit<HtmxAttributes, 'hx-get' | 'hx-post'>;

declare global {
  namespace JSX {
    interface HtmlTag extends HtmxAttributes {}
  }
}
