import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDLE_PRONE_NAMESPACE } from '../../../src/dev/control-plane/seed.js';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';
import { SessionStatus } from '../../../src/gen/prism/admin/v1/client_session_pb.js';
import { sessionRequestId } from '../../../src/views/client-sessions/bulk.js';
import { byTestId, parse, textOf } from '../../components/namespaces/html.js';
import { type SignedIn, type Stack, startStack } from '../../helper.js';
import { getPage } from '../namespaces/support.js';
import { fill, send, sessionsOf } from './support.js';

let stack: Stack;
let viewer: SignedIn;
let operator: SignedIn;
beforeAll(async () => {
  stack = await startStack();
  viewer = await stack.signIn('viewer');
  operator = await stack.signIn('operator');
});
afterAll(() => stack?.close());

const state = () => stack.controlPlane.state;
const SELECTION = 'form#session-selection';
const CONFIRM = 'form#bulk-terminate-form';
const outcomes = (doc: ReturnType<typeof parse>) =>
  Object.fromEntries(
    byTestId(doc, 'bulk-outcome').map((li) => [
      li.getAttribute('data-id') ?? '',
      { kind: li.getAttribute('data-outcome'), text: textOf(li) },
    ]),
  );

describe('bulk terminate, without JavaScript', () => {
  it('selected rows → confirmation → one call per session, with a partial failure shown', async () => {
    const namespace = 'orders-prod';
    const { doc } = await getPage(
      operator,
      `/sessions?namespace=${namespace}&status=active&size=5`,
    );
    const ids = [...doc.querySelectorAll(`${SELECTION} input[type="checkbox"]`)]
      .map((box) => box.getAttribute('value') ?? '')
      .slice(0, 4);
    expect(ids).toHaveLength(4);
    const [gone, alreadyDone, ...rest] = ids as [string, string, ...string[]];

    // Selecting does nothing yet: it asks to confirm the four.
    const selected = await send(operator, fill(doc, SELECTION, { tick: ids }));
    expect(selected.statusCode).toBe(200);
    const confirm = parse(selected.body);
    expect(byTestId(confirm, 'bulk-item').map((li) => li.getAttribute('data-id'))).toEqual(ids);
    expect(ids.every((id) => state().clientSessions.get(id)?.status === SessionStatus.ACTIVE)).toBe(
      true,
    );

    // Meanwhile one session ends and is forgotten, another is terminated by someone else.
    state().clientSessions.delete(gone);
    const other = state().clientSessions.get(alreadyDone);
    if (other) other.status = SessionStatus.TERMINATED;

    // A wrong count is refused beside the field, nothing terminated.
    const wrong = await send(
      operator,
      fill(confirm, CONFIRM, { values: { Reason: 'Drain orders', 'Number of sessions': '3' } }),
    );
    expect(wrong.statusCode).toBe(422);
    expect(textOf(parse(wrong.body).querySelector('[data-testid="error-summary"]'))).toContain(
      'Type 4',
    );
    expect(
      rest.every((id) => state().clientSessions.get(id)?.status === SessionStatus.ACTIVE),
    ).toBe(true);

    const posted = fill(confirm, CONFIRM, {
      values: { Reason: 'Drain orders', 'Number of sessions': '4' },
      tickLabels: ['Close them now, even with requests in flight'],
    });
    const answer = await send(operator, posted);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    const results = parse(answer.body);
    expect(textOf(results.querySelector('h1'))).toBe('2 of 4 terminated, 2 failed');
    const byId = outcomes(results);
    expect(byId[gone]?.kind).toBe('failed');
    expect(byId[gone]?.text).toContain('no session with this id');
    expect(byId[alreadyDone]?.kind).toBe('failed');
    expect(byId[alreadyDone]?.text).toContain('already terminated');
    for (const id of rest) {
      expect(byId[id]?.kind).toBe('terminated');
      expect(state().clientSessions.get(id)?.status).toBe(SessionStatus.TERMINATED);
    }
    // Failures are listed first.
    expect(byTestId(results, 'bulk-outcome')[0]?.getAttribute('data-outcome')).toBe('failed');

    // Each session was its own call, with its own request id, the reason and the actor audited.
    const formId = posted.params.get('request_id') ?? '';
    for (const id of ids) {
      const [entry, ...more] = state().auditEntriesForRequest(sessionRequestId(formId, id));
      expect(more).toEqual([]);
      expect(entry).toMatchObject({
        actor: 'operator',
        operation: 'TerminateClientSession',
        resource: `sessions/${id}`,
        reason: 'Drain orders',
        outcome: rest.includes(id) ? AuditOutcome.SUCCESS : AuditOutcome.FAILURE,
      });
    }

    // A reload re-posts the same form: the control plane replays, nothing is done twice.
    const auditLength = state().auditLog.length;
    const reload = parse((await send(operator, posted)).body);
    expect(textOf(reload.querySelector('h1'))).toBe('2 of 4 terminated, 2 failed');
    expect(state().auditLog.length).toBe(auditLength);
  });

  it('without force, a busy session is marked expiring and an idle one terminated', async () => {
    const busy = [...state().clientSessions.values()].find(
      (s) => s.status === SessionStatus.ACTIVE && (s.metrics?.rps ?? 0) > 0,
    );
    const idle =
      sessionsOf(stack, 'orders-prod', SessionStatus.IDLE)[0] ??
      sessionsOf(stack, IDLE_PRONE_NAMESPACE, SessionStatus.IDLE)[0];
    if (!busy || !idle) throw new Error('the seed has busy and idle sessions');
    const params = new URLSearchParams([
      ['step', 'select'],
      ['id', busy.id],
      ['id', idle.id],
      ['_csrf', operator.csrfToken],
    ]);
    const confirm = parse(
      (
        await operator.inject({
          method: 'POST',
          url: '/sessions/bulk-terminate',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: params.toString(),
        })
      ).body,
    );
    const answer = await send(
      operator,
      fill(confirm, CONFIRM, { values: { Reason: 'Tidy up', 'Number of sessions': '2' } }),
    );
    const results = parse(answer.body);
    expect(textOf(results.querySelector('h1'))).toBe('1 of 2 terminated, 1 marked expiring');
    expect(outcomes(results)[busy.id]?.kind).toBe('expiring');
    expect(outcomes(results)[idle.id]?.kind).toBe('terminated');
  });

  it('says when the control plane cannot be reached, per session', async () => {
    const [a, b] = sessionsOf(stack, 'orders-prod', SessionStatus.ACTIVE);
    if (!a || !b) throw new Error('the seed has active sessions');
    const { doc } = await getPage(operator, '/sessions?namespace=orders-prod&status=active');
    const confirm = parse(
      (await send(operator, fill(doc, SELECTION, { tick: [a.id, b.id] }))).body,
    );
    stack.controlPlane.faults.unavailableMethods.add('TerminateClientSession');
    try {
      const results = parse(
        (
          await send(
            operator,
            fill(confirm, CONFIRM, { values: { Reason: 'Outage', 'Number of sessions': '2' } }),
          )
        ).body,
      );
      expect(textOf(results.querySelector('h1'))).toBe('0 of 2 terminated, 2 failed');
      expect(outcomes(results)[a.id]?.text).toContain('could not be reached');
    } finally {
      stack.controlPlane.faults.unavailableMethods.delete('TerminateClientSession');
    }
  });

  it('shows each refusal of the control plane (PERMISSION_DENIED) when the console let it through', async () => {
    const lax = await stack.replica({
      env: {
        OIDC_ROLE_MAP: 'prism-admins=admin,prism-operators=operator,prism-viewers=operator',
      },
    });
    const laxViewer = await stack.signIn('viewer', lax);
    const [a, b] = sessionsOf(stack, 'orders-prod', SessionStatus.ACTIVE);
    if (!a || !b) throw new Error('the seed has active sessions');
    const { doc } = await getPage(laxViewer, '/sessions?namespace=orders-prod&status=active');
    const confirm = parse(
      (await send(laxViewer, fill(doc, SELECTION, { tick: [a.id, b.id] }))).body,
    );
    const results = parse(
      (
        await send(
          laxViewer,
          fill(confirm, CONFIRM, { values: { Reason: 'Not mine', 'Number of sessions': '2' } }),
        )
      ).body,
    );
    expect(textOf(results.querySelector('h1'))).toBe('0 of 2 terminated, 2 failed');
    expect(outcomes(results)[a.id]?.text).toContain('The control plane refused this for your role');
    expect(state().clientSessions.get(a.id)?.status).toBe(SessionStatus.ACTIVE);
  });

  it('refuses an empty selection', async () => {
    const answer = await operator.inject({
      method: 'POST',
      url: '/sessions/bulk-terminate',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ step: 'select', _csrf: operator.csrfToken }).toString(),
    });
    expect(answer.statusCode).toBe(400);
    expect(textOf(parse(answer.body).querySelector('[data-testid="error-summary"]'))).toContain(
      'No sessions were selected',
    );
  });
});

describe('"terminate all idle" of a namespace', () => {
  it('confirms with the namespace’s idle sessions and terminates them all', async () => {
    const idle = sessionsOf(stack, IDLE_PRONE_NAMESPACE, SessionStatus.IDLE);
    const { doc } = await getPage(operator, `/namespaces/${IDLE_PRONE_NAMESPACE}`);
    const href = doc.querySelector('[data-testid="terminate-idle"]')?.getAttribute('href') ?? '';
    const confirm = await getPage(operator, href);
    expect(confirm.response.statusCode).toBe(200);
    expect(
      byTestId(confirm.doc, 'bulk-item')
        .map((li) => li.getAttribute('data-id'))
        .sort(),
    ).toEqual(idle.map((s) => s.id).sort());
    const answer = await send(
      operator,
      fill(confirm.doc, CONFIRM, {
        values: { Reason: 'Clean up idle logins', 'Number of sessions': String(idle.length) },
      }),
    );
    const results = parse(answer.body);
    expect(textOf(results.querySelector('h1'))).toBe(`${idle.length} of ${idle.length} terminated`);
    expect(sessionsOf(stack, IDLE_PRONE_NAMESPACE, SessionStatus.IDLE)).toEqual([]);

    // Now there are none: the page says so, with no form to send.
    const empty = await getPage(operator, href);
    expect(textOf(empty.doc.querySelector('[data-testid="error-summary"]'))).toContain(
      `${IDLE_PRONE_NAMESPACE} has no idle sessions now`,
    );
    expect(empty.doc.querySelector(CONFIRM)).toBeNull();
    const namespacePage = await getPage(operator, `/namespaces/${IDLE_PRONE_NAMESPACE}`);
    expect(byTestId(namespacePage.doc, 'terminate-idle')).toHaveLength(0);
  });

  it('is refused to a viewer: 403, no form', async () => {
    const confirm = await getPage(
      viewer,
      `/sessions/bulk-terminate?namespace=${IDLE_PRONE_NAMESPACE}&status=idle`,
    );
    expect(confirm.response.statusCode).toBe(403);
    expect(confirm.doc.querySelector(CONFIRM)).toBeNull();
    const post = await viewer.inject({
      method: 'POST',
      url: '/sessions/bulk-terminate',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        step: 'select',
        id: 'sess-x',
        _csrf: viewer.csrfToken,
      }).toString(),
    });
    expect(post.statusCode).toBe(403);
  });
});
