import type { Url } from '../../src/html/url.js';
import { routes } from '../../src/routes/table.js';
import { BULK_STEP, bulkForm } from '../../src/views/client-sessions/bulk.js';
import type { SessionListView } from '../../src/views/client-sessions/list.js';
import { sessionFilters } from '../../src/views/client-sessions/query.js';
import { buttonClass } from '../ui/buttons.js';
import { CsrfField } from '../ui/FormField.js';
import { ClearFiltersLink, ListEmpty, ListResults, ListTable } from '../ui/ListResults.js';
import { Pagination } from '../ui/Pagination.js';
import { ColumnHeader, SortableColumnHeader } from '../ui/Table.js';
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
  /** The page's address: the results follow the cluster live. */
  live?: Url | undefined;
}

/** The results region: counts, the table (a form of checkboxes for operators) and page links. */
export function SessionResults(props: SessionResultsProps): JSX.Element {
  const { view, canTerminate } = props;
  const { query, headers } = view;
  const filtered = Boolean(query.q !== '' || query.namespace !== '' || query.status || query.idle);
  const selectable = canTerminate && view.rows.some((row) => row.open);
  const sortable = { dense: true, link: resultsLink } as const;
  const table = (
    <ListTable
      caption="Client sessions"
      head={
        <>
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
          <SortableColumnHeader {...sortable} header={headers.started} />
          <SortableColumnHeader {...sortable} header={headers.activity} />
          <SortableColumnHeader {...sortable} header={headers.requests} end />
          <SortableColumnHeader {...sortable} header={headers.bytes} end />
          <ColumnHeader dense label="Req/s" end hideBelow="xl" />
          <ColumnHeader dense label="Proxy" hideBelow="xl" />
        </>
      }
    >
      {view.rows.map((row) => (
        <Row row={row} selectable={selectable} />
      ))}
    </ListTable>
  );
  const pagination = (
    <Pagination
      label="Client session pages"
      previousHref={view.previousHref}
      nextHref={view.nextHref}
      htmx={resultsLink}
    />
  );
  return (
    <ListResults
      id={SESSION_RESULTS_ID}
      label="Client session list"
      view={view}
      focus={props.focus}
      live={props.live}
      sortField={{ name: sessionFilters.names.sort, form: SESSION_FILTERS_ID }}
      reset={{ href: routes.sessions.list.href(), label: 'Show all sessions' }}
      total={{ testId: 'session-total', noun: ['session', 'sessions'], filtered }}
      before={() => <StatusCounts counts={view.counts} />}
      empty={() => (
        <ListEmpty
          testId="sessions-empty"
          message={
            filtered ? 'No client sessions match these filters.' : 'There are no client sessions.'
          }
        >
          {filtered ? (
            <p class="mt-4">
              <ClearFiltersLink href={routes.sessions.list.href()} />
            </p>
          ) : (
            ''
          )}
        </ListEmpty>
      )}
    >
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
            {pagination}
          </div>
        </form>
      ) : (
        <>
          {table}
          {pagination}
        </>
      )}
    </ListResults>
  );
}
