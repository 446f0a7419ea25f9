import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import { describe, expect, it } from 'vitest';
import { BulkResults } from '../../../components/client-sessions/BulkTerminate.js';
import { SessionResults } from '../../../components/client-sessions/SessionResults.js';
import {
  ClientSessionSchema,
  ListClientSessionsResponseSchema,
  SessionStatus,
} from '../../../src/gen/prism/admin/v1/client_session_pb.js';
import { routes } from '../../../src/routes/table.js';
import {
  answeredOutcome,
  bulkSummary,
  failedOutcome,
} from '../../../src/views/client-sessions/bulk.js';
import { sessionListView } from '../../../src/views/client-sessions/list.js';
import { parseSessionQuery, sessionQueryInput } from '../../../src/views/client-sessions/query.js';
import { byTestId, parse, textOf } from '../namespaces/html.js';

const NOW = new Date('2026-12-02T06:00:00Z');
const SCRIPT = '"><script>alert(1)</script>';

const session = (id: string, status: SessionStatus, extra: Record<string, unknown> = {}) =>
  create(ClientSessionSchema, {
    id,
    namespace: 'orders-prod',
    clientId: `client-${id}`,
    clientAddress: '10.16.0.2:40000',
    status,
    proxy: 'proxy-0',
    startTime: timestampFromDate(new Date(NOW.getTime() - 3 * 3600_000)),
    lastActivityTime: timestampFromDate(new Date(NOW.getTime() - 12 * 60_000)),
    metrics: { requestCount: 1234n, bytesIn: 1024n, bytesOut: 2048n, rps: 2 },
    ...extra,
  });

function view(query: Record<string, string>, sessions = [session('a', SessionStatus.ACTIVE)]) {
  const { query: parsed } = parseSessionQuery(sessionQueryInput.parse(query));
  const response = create(ListClientSessionsResponseSchema, {
    clientSessions: sessions,
    totalSize: sessions.length,
    statusCounts: [
      { status: SessionStatus.ACTIVE, count: 3 },
      { status: SessionStatus.IDLE, count: 2 },
      { status: 9 as SessionStatus, count: 1 },
    ],
  });
  return sessionListView(parsed, response, NOW);
}

async function render(v = view({}), canTerminate = true) {
  return parse(
    await (
      <SessionResults
        view={v}
        canTerminate={canTerminate}
        csrfToken="token"
        bulkAction={routes.sessions.bulkTerminate.href()}
      />
    ),
  );
}

describe('SessionResults', () => {
  it('shows short relative times with the absolute time, and long values with their full text', async () => {
    const doc = await render();
    const row = byTestId(doc, 'session-row')[0];
    const started = row?.querySelector('[data-testid="started"]');
    expect(started?.tagName).toBe('TIME');
    expect(started?.getAttribute('datetime')).toBe('2026-12-02T03:00:00Z');
    expect(started?.getAttribute('title')).toBe('2026-12-02 03:00:00 UTC');
    expect(textOf(started)).toContain('3h ago');
    // Screen readers read the absolute time after the relative one.
    expect(textOf(started?.querySelector('.sr-only'))).toBe('(2026-12-02 03:00:00 UTC)');
    expect(row?.querySelector('[title="client-a · session a"]')).not.toBeNull();
    expect(textOf(row?.querySelector('[data-testid="bytes"]'))).toBe('3.0 KiB');
    // Less-used columns are dropped below xl.
    expect(row?.querySelectorAll('td.hidden.xl\\:table-cell')).toHaveLength(2);
  });

  it('stops the keyboard only on what acts in a row: its checkbox and links, not its times', async () => {
    const doc = await render();
    const row = byTestId(doc, 'session-row')[0];
    // A focusable time shows a keyboard user nothing (browsers show no tooltip on focus), and
    // would be two tab stops more in every row before the page links.
    const stops = [...(row?.querySelectorAll('a[href], input, button, [tabindex]') ?? [])].filter(
      (element) => element.getAttribute('tabindex') !== '-1',
    );
    expect(stops.map((element) => element.tagName)).toEqual(['INPUT', 'A', 'A']);
    expect(row?.querySelectorAll('time')).toHaveLength(2);
  });

  it('counts per status, each a link to that status keeping the other filters; unknown ones shown', async () => {
    const doc = await render(view({ namespace: 'orders-prod', q: 'api' }));
    const counts = byTestId(doc, 'status-count');
    expect(counts.map((c) => textOf(c))).toEqual(['All6', 'Active3', 'Idle2', 'Unknown (9)1']);
    expect(counts[2]?.querySelector('a')?.getAttribute('href')).toBe(
      '/sessions?namespace=orders-prod&status=idle&q=api',
    );
    // A status the console cannot filter by is no link.
    expect(counts[3]?.querySelector('a')).toBeNull();
  });

  it('puts checkboxes of open sessions in a post form for operators only', async () => {
    const sessions = [session('a', SessionStatus.ACTIVE), session('b', SessionStatus.TERMINATED)];
    const doc = await render(view({}, sessions));
    const form = doc.querySelector('form#session-selection');
    expect(form?.getAttribute('method')).toBe('post');
    expect(form?.getAttribute('action')).toBe('/sessions/bulk-terminate');
    const boxes = [...(form?.querySelectorAll('input[type="checkbox"]') ?? [])];
    expect(boxes.map((b) => [b.getAttribute('name'), b.getAttribute('value')])).toEqual([
      ['id', 'a'],
    ]);
    const viewer = await render(view({}, sessions), false);
    expect(viewer.querySelector('form#session-selection')).toBeNull();
    expect(viewer.querySelectorAll('input[type="checkbox"]')).toHaveLength(0);
  });

  it('escapes what clients call themselves', async () => {
    const doc = await render(
      view({}, [session('a', SessionStatus.ACTIVE, { clientId: SCRIPT, clientAddress: SCRIPT })]),
    );
    expect(doc.querySelector('script')).toBeNull();
    expect(textOf(byTestId(doc, 'session-row')[0])).toContain(SCRIPT);
  });
});

describe('BulkResults', () => {
  it('lists failures first, in the control plane’s words, under a heading that says it', async () => {
    const outcomes = [
      answeredOutcome('a', session('a', SessionStatus.TERMINATED)),
      failedOutcome(
        'b',
        new ConnectError('client session b is already terminated', Code.FailedPrecondition),
      ),
      answeredOutcome('c', session('c', SessionStatus.EXPIRING)),
      failedOutcome('d', new ConnectError('timeout', Code.DeadlineExceeded)),
    ];
    const summary = bulkSummary(outcomes);
    expect(summary.heading).toBe(
      '1 of 4 terminated, 1 marked expiring, 1 failed, 1 with unknown outcome',
    );
    const doc = parse(
      await (
        <BulkResults outcomes={outcomes} summary={summary} listHref={routes.sessions.list.href()} />
      ),
    );
    const items = byTestId(doc, 'bulk-outcome');
    expect(items.map((i) => i.getAttribute('data-outcome'))).toEqual([
      'failed',
      'unknown',
      'expiring',
      'terminated',
    ]);
    expect(textOf(items[0])).toContain('“client session b is already terminated”');
    expect(textOf(items[1])).toContain('not known whether');
  });
});
