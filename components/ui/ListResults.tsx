import type { Children } from '@kitajs/html';
import type { FieldName } from '../../src/forms/contract.js';
import type { Url } from '../../src/html/url.js';
import { liveRegion } from '../layout/live.js';
import { buttonClass } from './buttons.js';
import { takeFocus } from './focus.js';
import type { HxAttributes } from './htmx.js';
import {
  ListProblems,
  ListTotal,
  type ListTotalProps,
  TableFrame,
  tableClass,
  tableHeadClass,
} from './Table.js';

/*
 * The results region of a filtered, sorted and paged list (namespaces, client configurations,
 * client sessions): the full page includes it, and an htmx filter, sort or page request gets it
 * alone. It shows why the query was refused, or the empty state, or the total and the table;
 * each area gives its own columns, rows and empty state.
 */

/** Links inside a results region swap only the region, and put their URL in the address bar. */
export function resultsLinkFor(resultsId: string): HxAttributes {
  return { 'hx-target': `#${resultsId}`, 'hx-swap': 'outerHTML', 'hx-push-url': 'true' };
}

/** What the region needs of a list's view (src/views/list-view.ts `ListView`). */
export interface ResultsView {
  rows: readonly unknown[];
  total: number;
  keptSort: string | undefined;
  previousHref: Url | undefined;
  nextHref: Url | undefined;
  problems: readonly string[];
}

export interface ListResultsProps {
  /** The region's id: the filters' and links' htmx requests replace it. */
  id: string;
  /** The region's name for screen readers ("Namespace list"). */
  label: string;
  view: ResultsView;
  /** The filter form's sort field, and the form's id. */
  sortField: { name: FieldName; form: string };
  /** The unfiltered list, and its link's words, offered when the query was refused. */
  reset: { href: Url; label: string };
  /** The count line: its test id, what is counted, whether filters narrow it. */
  total: Pick<ListTotalProps, 'testId' | 'noun' | 'filtered'>;
  /** Shown when there are no rows (`ListEmpty`). */
  empty: () => JSX.Element;
  /** Shown above whatever the results are (the sessions' counts per status). */
  before?: () => JSX.Element;
  /** Answering a sort or page link's htmx request: the new region takes focus (the link is gone). */
  focus?: boolean | undefined;
  /** The list page's address: the region follows the cluster live (components/layout/live.ts). */
  live?: Url | undefined;
  /** The table and the page links, when there are rows. */
  children: Children;
}

export function ListResults(props: ListResultsProps): JSX.Element {
  const { view } = props;
  return (
    <section
      id={props.id}
      aria-label={props.label}
      class="space-y-3"
      {...liveRegion(props.id, props.live)}
      {...(props.focus ? takeFocus : {})}
    >
      {/*
       * The current order belongs to the filter form (form="..."), but lives here so it is
       * replaced together with the table: a search then keeps the order just chosen.
       */}
      {view.keptSort ? (
        <input
          type="hidden"
          name={props.sortField.name}
          value={view.keptSort}
          form={props.sortField.form}
        />
      ) : (
        ''
      )}
      {props.before ? props.before() : ''}
      {view.problems.length > 0 ? (
        <ListProblems
          problems={view.problems}
          resetHref={props.reset.href}
          resetLabel={props.reset.label}
        />
      ) : view.rows.length === 0 ? (
        props.empty()
      ) : (
        <>
          <ListTotal
            {...props.total}
            total={view.total}
            shown={view.rows.length}
            paged={Boolean(view.previousHref || view.nextHref)}
          />
          {props.children}
        </>
      )}
    </section>
  );
}

export interface ListTableProps {
  /** The table's name for screen readers ("Namespaces"). */
  caption: string;
  /** The header cells (`ColumnHeader`, `SortableColumnHeader`). */
  head: Children;
  /** The rows. */
  children: Children;
}

/** A list's table in its frame: a hidden caption, one header row, the rows. */
export function ListTable({ caption, head, children }: ListTableProps): JSX.Element {
  return (
    <TableFrame>
      <table class={tableClass}>
        <caption class="sr-only" safe>
          {caption}
        </caption>
        <thead class={tableHeadClass}>
          <tr>{head}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </TableFrame>
  );
}

export interface ListEmptyProps {
  testId: string;
  /** What is (not) there: "No namespaces match these filters." */
  message: string;
  /** More words and the ways forward (`ClearFiltersLink`, a create link). */
  children?: Children;
}

/** A list with no rows: says so, and offers what to do next. */
export function ListEmpty({ testId, message, children }: ListEmptyProps): JSX.Element {
  return (
    <div
      data-testid={testId}
      class="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center"
    >
      <p class="font-medium text-slate-900" safe>
        {message}
      </p>
      {children ?? ''}
    </div>
  );
}

/** Back to the whole list from an empty, filtered one. */
export function ClearFiltersLink({ href }: { href: Url }): JSX.Element {
  return (
    <a href={href} class={buttonClass.secondary}>
      Clear the filters
    </a>
  );
}
