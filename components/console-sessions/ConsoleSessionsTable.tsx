import type { Url } from '../../src/html/url.js';
import type { ConsoleSessionRow, ConsoleSessionsView } from '../../src/views/console-sessions.js';
import { liveRegion } from '../layout/live.js';
import { Alert } from '../ui/Alert.js';
import { Badge } from '../ui/Badge.js';
import { buttonClass } from '../ui/buttons.js';
import { CsrfField } from '../ui/FormField.js';
import {
  type ColumnBreakpoint,
  hiddenBelow,
  TableFrame,
  tableClass,
  tableHeadClass,
  tableRowClass,
} from '../ui/Table.js';

/** The region a revocation refreshes (htmx), and that the page includes. */
export const CONSOLE_SESSIONS_ID = 'console-sessions';

/**
 * The live region is rendered once for every admin (issue 10), so it cannot say whose session is
 * whose: each row carries its public handle and the marks of the viewer's own session, hidden,
 * and src/browser/live.js shows them on the row whose handle the page names outside the region
 * (`data-own-session`). The page as first served marks the row itself (without JavaScript too).
 */
export const OWN_CONFIRM = 'Revoke your own session? You will be signed out.';
export const OWN_LABEL = 'Revoke your own session';

function Header({
  label,
  hidden,
  hideBelow,
}: {
  label: string;
  hidden?: boolean;
  hideBelow?: ColumnBreakpoint;
}): JSX.Element {
  return (
    <th
      scope="col"
      class={[
        'px-3 py-2.5 text-left font-semibold text-slate-900 dark:text-slate-100',
        hideBelow ? hiddenBelow[hideBelow] : '',
      ]}
    >
      <span class={hidden ? 'sr-only' : undefined} safe>
        {label}
      </span>
    </th>
  );
}

/**
 * Revoking needs a confirmation: htmx asks with the browser's confirm dialog; without
 * JavaScript the button posts the form directly (it is one click either way to undo: sign in).
 */
function RevokeForm({
  row,
  csrfToken,
}: {
  row: ConsoleSessionRow;
  csrfToken: string | undefined;
}): JSX.Element {
  const question = row.current
    ? OWN_CONFIRM
    : `Revoke the session of ${row.name} (${row.username})? They are signed out on their next request.`;
  return (
    <form
      method="post"
      action={row.revokeAction}
      hx-post={row.revokeAction}
      hx-target={`#${CONSOLE_SESSIONS_ID}`}
      hx-swap="outerHTML"
      hx-confirm={question}
      class="flex flex-col items-end gap-0.5"
    >
      <CsrfField token={csrfToken} />
      <button
        type="submit"
        class={buttonClass.danger}
        aria-label={row.current ? OWN_LABEL : `Revoke the session of ${row.name}`}
        data-testid="revoke"
      >
        Revoke
      </button>
      <span class="text-xs text-slate-500" data-own-only hidden={!row.current}>
        signs you out
      </span>
    </form>
  );
}

export interface ConsoleSessionsTableProps {
  view: ConsoleSessionsView;
  /** The page's address: the table follows sign-ins and sign-outs live. */
  live?: Url | undefined;
  /** For the revoke forms (posted without JavaScript); htmx sends the header as well. */
  csrfToken: string | undefined;
}

/** Who is signed in to the console, newest first, each with a way to revoke the session. */
export function ConsoleSessionsTable({
  view,
  csrfToken,
  live,
}: ConsoleSessionsTableProps): JSX.Element {
  const count = view.rows.length;
  return (
    <section
      id={CONSOLE_SESSIONS_ID}
      aria-label="Console sessions"
      class="space-y-3"
      data-own-confirm={OWN_CONFIRM}
      data-own-label={OWN_LABEL}
      {...liveRegion(CONSOLE_SESSIONS_ID, live)}
    >
      {view.notice ? (
        <Alert tone="success" title={view.notice} testId="notice">
          {''}
        </Alert>
      ) : (
        ''
      )}
      <p class="text-sm text-slate-600" data-testid="console-session-total">
        <span class="font-semibold text-slate-900" safe>
          {String(count)}
        </span>{' '}
        {count === 1 ? 'active session' : 'active sessions'}
      </p>
      {count === 0 ? (
        ''
      ) : (
        <TableFrame label="Console session table">
          <table class={tableClass}>
            <caption class="sr-only">Active console sessions, newest first</caption>
            <thead class={tableHeadClass}>
              <tr>
                <Header label="Operator" />
                <Header label="Role" />
                <Header label="Signed in" hideBelow="lg" />
                <Header label="Last seen" />
                <Header label="From" hideBelow="md" />
                <Header label="Actions" hidden />
              </tr>
            </thead>
            <tbody class="divide-y divide-slate-100">
              {view.rows.map((row) => (
                <tr
                  data-testid="console-session-row"
                  data-username={row.username}
                  data-session={row.handle}
                  data-current={row.current ? 'true' : undefined}
                  class={[
                    tableRowClass,
                    'data-current:bg-indigo-50/40 dark:data-current:bg-indigo-950/40',
                  ]}
                >
                  <td class="px-3 py-2.5">
                    <span class="font-medium text-slate-900" data-testid="session-name" safe>
                      {row.name}
                    </span>
                    <span
                      class="ml-2"
                      data-testid="this-session"
                      data-own-only
                      hidden={!row.current}
                    >
                      <Badge tone="green" label="this session" />
                    </span>
                    <div class="text-slate-500" data-testid="session-username" safe>
                      {row.username}
                    </div>
                  </td>
                  <td class="px-3 py-2.5" data-testid="session-role">
                    <Badge tone={row.roleTone} label={row.role} />
                  </td>
                  <td class={['whitespace-nowrap px-3 py-2.5 text-slate-600', hiddenBelow.lg]} safe>
                    {row.signedIn}
                  </td>
                  <td class="whitespace-nowrap px-3 py-2.5 text-slate-600">
                    <span data-testid="session-last-seen" safe>
                      {row.lastSeenAgo}
                    </span>
                    <div class="text-xs text-slate-500" safe>
                      {row.lastSeen}
                    </div>
                  </td>
                  <td class={['px-3 py-2.5 text-slate-600', hiddenBelow.md]}>
                    <div class="tabular-nums" data-testid="session-ip" safe>
                      {row.ip}
                    </div>
                    <div
                      class="text-xs text-slate-500"
                      title={row.userAgentFull}
                      data-testid="session-agent"
                      safe
                    >
                      {row.userAgent}
                    </div>
                  </td>
                  <td class="px-3 py-2.5 text-right">
                    <RevokeForm row={row} csrfToken={csrfToken} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      )}
    </section>
  );
}
