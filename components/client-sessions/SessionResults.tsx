import type { Url } from '../../src/html/url.js';
import { routes } from '../../src/routes/table.js';
import { BULK_STEP, bulkForm } from '../../src/views/client-sessions/bulk.js';
import type { SessionListView } from '../../src/views/client-sessions/list.js';
import { sessionFilters, sortParam } from '../../src/views/client-sessions/query.js';
import { buttonClass } from '../ui/buttons.js';
import { CsrfField } from '../ui/FormField.js';
import { takeFocus } from '../ui/focus.js';
import { Pagination } from '../ui/Pagination.js';
import { ColumnHeader, ListProblems, ListTotal, SortableColumnHeader } from '../ui/Table.js';
import { SESSION_FILTERS_ID, SESSION_RESULTS_ID } from './SessionFilters.js';

export const SELECTION_FORM_ID = 'session-selection';

import { Row, resultsLink, StatusCounts } from './SessionRows.js';

export interface SessionResultsProps {
  view: SessionListView;
  /** The operator may terminate sessions: the rows get checkboxes in a post form. */
  canTerminate: boolean;
  csrfToken: string | undefined;
  bulkAction: Url;
  /** Answering a sort or page link's htmx request: the new region takes focus (the link is gone). */
  focus?: boolean;
}

/** The results region: counts, the table (a form of checkboxes for operators) and page links. */
export function SessionResults(props: SessionResultsProps): JSX.Element {
  const { view, canTerminate } = props;
  const { query, headers } = view;
  const filtered = query.q !== '' || query.namespace !== '' || query.status || query.idle;
  const selectable = canTerminate && view.rows.some((row) => row.open);
  const table = (
    <div class="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <table class="min-w-full divide-y divide-slate-200 text-sm">
        <caption class="sr-only">Client sessions</caption>
        <thead class="bg-slate-50">
          <tr>
            {selectable ? (
              <th scope="col" class="w-8 px-2 py-2.5">
                <span class="sr-only">Select</span>
              </th>
            ) : (
              ''
            )}
            {/* Padded px-2 (not px-3): this table has many columns. */}
            <ColumnHeader dense label="Client" />
            <ColumnHeader dense label="Namespace" />
            <ColumnHeader dense label="Status" />
            <SortableColumnHeader dense link={resultsLink} header={headers.started} />
            <SortableColumnHeader dense link={resultsLink} header={headers.activity} />
            <SortableColumnHeader dense link={resultsLink} header={headers.requests} end />
            <SortableColumnHeader dense link={resultsLink} header={headers.bytes} end />
            <ColumnHeader dense label="Req/s" end hideBelow="xl" />
            <ColumnHeader dense label="Proxy" hideBelow="xl" />
          </tr>
        </thead>
        <tbody class="divide-y divide-slate-100">
          {view.rows.map((row) => (
            <Row row={row} selectable={selectable} />
          ))}
        </tbody>
      </table>
    </div>
  );
  return (
    <section
      id={SESSION_RESULTS_ID}
      aria-label="Client session list"
      class="space-y-3"
      {...(props.focus ? takeFocus : {})}
    >
      {sortParam(query.sort) !== '-started' ? (
        <input
          type="hidden"
          name={sessionFilters.names.sort}
          value={sortParam(query.sort)}
          form={SESSION_FILTERS_ID}
        />
      ) : (
        ''
      )}
      <StatusCounts counts={view.counts} />
      {view.problems.length > 0 ? (
        <ListProblems
          problems={view.problems}
          resetHref={routes.sessions.list.href()}
          resetLabel="Show all sessions"
        />
      ) : view.rows.length === 0 ? (
        <div
          data-testid="sessions-empty"
          class="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center"
        >
          <p class="font-medium text-slate-900">
            {filtered ? 'No client sessions match these filters.' : 'There are no client sessions.'}
          </p>
          {filtered ? (
            <p class="mt-4">
              <a href={routes.sessions.list.href()} class={buttonClass.secondary}>
                Clear the filters
              </a>
            </p>
          ) : (
            ''
          )}
        </div>
      ) : (
        <>
          <ListTotal
            testId="session-total"
            total={view.total}
            shown={view.rows.length}
            paged={Boolean(view.previousHref || view.nextHref)}
            noun={['session', 'sessions']}
            filtered={Boolean(filtered)}
          />
          {selectable ? (
            <form
              id={SELECTION_FORM_ID}
              method="post"
              action={props.bulkAction}
              aria-label="Select sessions to terminate"
              class="space-y-3"
            >
              <CsrfField token={props.csrfToken} />
              <input type="hidden" name={bulkForm.names.step} value={BULK_STEP.select} />
              {table}
              <div class="flex flex-wrap items-center justify-between gap-3">
                <button type="submit" class={buttonClass.danger} data-testid="terminate-selected">
                  Terminate selected…
                </button>
                <Pagination
                  label="Client session pages"
                  previousHref={view.previousHref}
                  nextHref={view.nextHref}
                  htmx={resultsLink}
                />
              </div>
            </form>
          ) : (
            <>
              {table}
              <Pagination
                label="Client session pages"
                previousHref={view.previousHref}
                nextHref={view.nextHref}
                htmx={resultsLink}
              />
            </>
          )}
        </>
      )}
    </section>
  );
}
