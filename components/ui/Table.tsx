/**
 * Table helpers shared by every list in the console, so tables fit a 1280 px laptop and a phone
 * the same way:
 * - long values are cut with `Truncate` (the full text stays in `title` and in the DOM for
 *   screen readers and copy-paste);
 * - less-used columns are hidden below a breakpoint: give the header `hideBelow="xl"` and each
 *   cell of that column `class={hiddenBelow.xl}` (the same breakpoint on both, or the columns
 *   shift);
 * - the table sits in `TableFrame`, which scrolls on its own (never the page) if a table still
 *   does not fit a phone.
 */

import type { Url } from '../../src/html/url.js';
import { formatNumber } from '../../src/views/format.js';
import type { SortHeader } from '../../src/views/list-query.js';
import { Alert } from './Alert.js';
import { buttonClass } from './buttons.js';
import type { HxAttributes } from './htmx.js';

/** Widths at which a less-used column appears (Tailwind breakpoints: md 768, lg 1024, xl 1280 px). */
export type ColumnBreakpoint = 'md' | 'lg' | 'xl';

/**
 * Classes for a cell (`<td>`/`<th>`) of a less-used column: hidden below the breakpoint, a
 * table cell from it on. Use the same key as the column's `ColumnHeader hideBelow`.
 */
export const hiddenBelow: Record<ColumnBreakpoint, string> = {
  md: 'hidden md:table-cell',
  lg: 'hidden lg:table-cell',
  xl: 'hidden xl:table-cell',
};

/** Padding of a body cell, the same in every table (header cells use the same). */
export const cellClass = 'px-3 py-2.5';

export interface ColumnHeaderProps {
  label: string;
  /** Numbers: aligned right. */
  end?: boolean;
  /** A less-used column: hidden below this width (put `hiddenBelow[...]` on its cells too). */
  hideBelow?: ColumnBreakpoint;
  /** Padded px-2 instead of px-3, for a table with many columns (give its cells the same). */
  dense?: boolean;
}

function headerCellClass({ end, hideBelow, dense }: Omit<ColumnHeaderProps, 'label'>): string[] {
  return [
    dense ? 'px-2' : 'px-3',
    'py-2.5 font-semibold text-slate-900 dark:text-slate-100',
    end ? 'text-right' : 'text-left',
    hideBelow ? hiddenBelow[hideBelow] : '',
  ];
}

/** A column's header cell, the same look in every table; `end` for numbers aligned right. */
export function ColumnHeader({ label, ...look }: ColumnHeaderProps): JSX.Element {
  return (
    <th scope="col" class={headerCellClass(look)} safe>
      {label}
    </th>
  );
}

export interface SortableColumnHeaderProps extends Omit<ColumnHeaderProps, 'label'> {
  /** The column's label, link (the list sorted by it) and current order (src/views/list-query.ts). */
  header: SortHeader;
  /** The link's htmx attributes: it swaps the list's results region, not the page. */
  link: HxAttributes;
}

// Character references, not the characters (▲ ▼ ↕): one character past U+00FF anywhere in a
// page makes V8 hold all of it at two bytes a character, and a 50-row list then costs about twice
// the CPU to build and send (bench/README.md). Pages keep to Latin-1 text in their markup.
const arrows = { ascending: '&#9650;', descending: '&#9660;' } as const;

/**
 * The header cell of a column the list can be sorted by: a link to the list in that order, an
 * arrow for the current order (↕ on the others), and `aria-sort` for screen readers.
 */
export function SortableColumnHeader({
  header,
  link,
  ...look
}: SortableColumnHeaderProps): JSX.Element {
  return (
    <th
      scope="col"
      aria-sort={header.ariaSort}
      data-sort-key={header.key}
      class={['whitespace-nowrap', ...headerCellClass(look)]}
    >
      <a
        href={header.href}
        hx-get={header.href}
        {...link}
        class="group inline-flex items-center gap-1 whitespace-nowrap hover:text-indigo-700"
      >
        <span safe>{header.label}</span>
        <span
          aria-hidden="true"
          class={[
            'text-[10px]',
            header.ariaSort ? 'text-slate-700' : 'text-slate-300 group-hover:text-slate-500',
          ]}
        >
          {header.ariaSort ? arrows[header.ariaSort] : '&#8597;'}
        </span>
      </a>
    </th>
  );
}

/** How wide a truncated value may grow before it is cut (maximum width). */
export type TruncateWidth = 'xs' | 'sm' | 'md' | 'lg';

const truncateWidths: Record<TruncateWidth, string> = {
  xs: 'max-w-[8rem]',
  sm: 'max-w-[12rem]',
  md: 'max-w-[16rem]',
  lg: 'max-w-[24rem]',
};

export interface TruncateProps {
  /** The full value: shown cut with an ellipsis, whole in the tooltip (`title`). */
  text: string;
  /** Maximum width before cutting; `md` (16rem) by default. */
  width?: TruncateWidth;
  /** Extra classes (colour, font) for the text. */
  class?: string;
}

/**
 * A long value cut to one line with an ellipsis; the full text is in `title` (hover) and stays
 * in the DOM, so screen readers and copy-paste get all of it. Use inside a table cell or any
 * block; the text is escaped.
 */
export function Truncate({ text, width = 'md', class: extra }: TruncateProps): JSX.Element {
  return (
    <span class={['block truncate', truncateWidths[width], extra ?? '']} title={text} safe>
      {text}
    </span>
  );
}

export interface TableFrameProps {
  /** The `<table>`; give it `class={tableClass}`. */
  children: JSX.Element;
  /** Extra classes on the frame (spacing). */
  class?: string;
  testId?: string;
  /**
   * Names the frame as a region and makes it focusable, so a keyboard can scroll a table that is
   * wider than the screen (a phone): give it for wide tables ("Instances").
   */
  label?: string;
}

/** Classes for the `<table>` inside a `TableFrame`: full width, divided rows, small text. */
export const tableClass =
  'min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-700 [&_tbody]:divide-y [&_tbody]:divide-slate-100 dark:[&_tbody]:divide-slate-800';

/**
 * The card around a table. It scrolls horizontally on its own when a table is wider than a phone,
 * so the page never does; at 1280 px tables are expected to fit without it.
 */
export function TableFrame({
  children,
  class: extra,
  testId,
  label,
}: TableFrameProps): JSX.Element {
  return (
    <div
      data-testid={testId}
      {...(label ? { role: 'region', 'aria-label': label, tabindex: '0' } : {})}
      class={[
        'overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700',
        extra ?? '',
      ]}
    >
      {children}
    </div>
  );
}

/** Classes for a table's `<thead>`: a shaded header row in both themes. */
export const tableHeadClass = 'bg-slate-50 dark:bg-slate-800/60';

/** Classes for a body row: highlighted on hover in both themes. */
export const tableRowClass = 'hover:bg-slate-50 dark:hover:bg-slate-800/50';

export interface ListProblemsProps {
  /** Why the list's query was refused (src/views/list-query.ts `readQuery`). */
  problems: readonly string[];
  /** The unfiltered list, and its link's words ("Show all namespaces"). */
  resetHref: Url;
  resetLabel: string;
}

/** A list whose query string was refused: the problems, and a way back to the whole list. */
export function ListProblems({ problems, resetHref, resetLabel }: ListProblemsProps): JSX.Element {
  return (
    <Alert tone="error" title="This list cannot be shown" testId="list-problems">
      <ul class="list-disc pl-5">
        {problems.map((problem) => (
          <li safe>{problem}</li>
        ))}
      </ul>
      <p class="mt-3">
        <a href={resetHref} class={buttonClass.secondary} safe>
          {resetLabel}
        </a>
      </p>
    </Alert>
  );
}

export interface ListTotalProps {
  /** Matching items across all pages. */
  total: number;
  /** Items on this page, said when there is more than one page. */
  shown: number;
  paged: boolean;
  /** What is counted: one and many ("namespace", "namespaces"). */
  noun: readonly [string, string];
  filtered: boolean;
  testId: string;
}

/** "46 namespaces in the cluster", "3 sessions match these filters · showing 50 on this page". */
export function ListTotal(props: ListTotalProps): JSX.Element {
  return (
    <p class="text-sm text-slate-600" data-testid={props.testId}>
      <span class="font-semibold text-slate-900" safe>
        {formatNumber(props.total)}
      </span>{' '}
      <span safe>{props.total === 1 ? props.noun[0] : props.noun[1]}</span>
      {props.filtered ? ' match these filters' : ' in the cluster'}
      {props.paged ? <span safe>{` · showing ${props.shown} on this page`}</span> : ''}
    </p>
  );
}
