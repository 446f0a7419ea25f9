import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requiredRole } from '../../../src/dev/control-plane/roles.js';
import { IDLE_PRONE_NAMESPACE } from '../../../src/dev/control-plane/seed.js';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';
import { SessionStatus } from '../../../src/gen/prism/admin/v1/client_session_pb.js';
import { TERMINATE_SESSIONS_ROLE } from '../../../src/views/client-sessions/terminate.js';
import { byTestId, parse, textOf } from '../../components/namespaces/html.js';
import { type SignedIn, type Stack, startStack } from '../../helper.js';
import { getPage, htmx, hxLocation } from '../namespaces/support.js';
import { busySession, fill, send, sessionsOf } from './support.js';

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
const FORM_SELECTOR = 'form[aria-label="Terminate client session"]';

it('asks for the role the control plane requires', () => {
  expect(TERMINATE_SESSIONS_ROLE).toBe(requiredRole('terminateClientSession'));
});

describe('terminate one session', () => {
  it('operator, without JavaScript: a busy session is marked expiring, and the page says so', async () => {
    const session = busySession(stack);
    const { response, doc } = await getPage(operator, `/sessions/${session.id}/terminate`);
    expect(response.statusCode).toBe(200);
    const posted = fill(doc, FORM_SELECTOR, {
      values: { Reason: 'Misbehaving client', 'Session id': session.id },
    });
    const requestId = posted.params.get('request_id') ?? '';
    const answer = await send(operator, posted);
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe(
      `/sessions/${session.id}?notice=expiring&request=${posted.params.get('request_id')}`,
    );
    expect(state().clientSessions.get(session.id)?.status).toBe(SessionStatus.EXPIRING);
    const page = await getPage(operator, String(answer.headers.location));
    expect(textOf(page.doc.querySelector('[data-testid="notice"]'))).toContain(
      'closes when they finish',
    );
    expect(state().auditEntriesForRequest(requestId)).toEqual([
      expect.objectContaining({
        actor: 'operator',
        operation: 'TerminateClientSession',
        resource: `sessions/${session.id}`,
        reason: 'Misbehaving client',
        outcome: AuditOutcome.SUCCESS,
      }),
    ]);
  });

  it('admin, with force and htmx: terminated at once', async () => {
    const session = busySession(stack);
    const { doc } = await getPage(stack.admin, `/sessions/${session.id}/terminate`);
    const posted = fill(doc, FORM_SELECTOR, {
      values: { Reason: 'Stuck', 'Session id': session.id },
      tickLabels: ['Close it now, even with requests in flight'],
    });
    const answer = await send(stack.admin, posted, htmx('terminate-session-form'));
    expect(answer.statusCode).toBe(200);
    expect(hxLocation(answer)).toBe(
      `/sessions/${session.id}?notice=terminated&request=${posted.params.get('request_id')}`,
    );
    expect(state().clientSessions.get(session.id)?.status).toBe(SessionStatus.TERMINATED);
    const detail = await getPage(stack.admin, `/sessions/${session.id}?notice=terminated`);
    expect(textOf(detail.doc.querySelector('[data-testid="notice"]'))).toBe('Session terminated.');
    // Terminated: no terminate action any more; its form says so.
    expect(byTestId(detail.doc, 'terminate')).toHaveLength(0);
    const again = await getPage(stack.admin, `/sessions/${session.id}/terminate`);
    expect(byTestId(again.doc, 'already-terminated')).toHaveLength(1);
  });

  it('refuses a missing reason and a mistyped id beside the fields, with a new request id', async () => {
    const session = busySession(stack);
    const { doc } = await getPage(operator, `/sessions/${session.id}/terminate`);
    const posted = fill(doc, FORM_SELECTOR, { values: { 'Session id': 'sess-wrong' } });
    const answer = await send(operator, posted);
    expect(answer.statusCode).toBe(422);
    const page = parse(answer.body);
    const summary = textOf(page.querySelector('[data-testid="error-summary"]'));
    expect(summary).toContain('Give a reason');
    expect(summary).toContain('does not match this session');
    expect(state().clientSessions.get(session.id)?.status).toBe(SessionStatus.ACTIVE);
    expect(state().auditEntriesForRequest(posted.params.get('request_id') ?? '')).toEqual([]);
  });

  it('with htmx, a mistake answers the form fragment alone', async () => {
    const session = busySession(stack);
    const { doc } = await getPage(operator, `/sessions/${session.id}/terminate`);
    const posted = fill(doc, FORM_SELECTOR, { values: { Reason: 'x', 'Session id': 'nope' } });
    const answer = await send(operator, posted, htmx('terminate-session-form'));
    expect(answer.statusCode).toBe(422);
    expect(answer.body.startsWith('<form id="terminate-session-form"')).toBe(true);
    expect(answer.body).not.toContain('<html');
    expect(textOf(parse(answer.body).querySelector('[data-testid="error-summary"]'))).toContain(
      'does not match this session',
    );
  });

  it('keeps the request id when the outcome is unknown, and a retry acts once', async () => {
    const session = busySession(stack);
    const { doc } = await getPage(operator, `/sessions/${session.id}/terminate`);
    const posted = fill(doc, FORM_SELECTOR, {
      values: { Reason: 'Retry me', 'Session id': session.id },
    });
    stack.controlPlane.faults.unavailableMethods.add('TerminateClientSession');
    let answer: Awaited<ReturnType<typeof send>>;
    try {
      answer = await send(operator, posted);
    } finally {
      stack.controlPlane.faults.unavailableMethods.delete('TerminateClientSession');
    }
    expect(answer.statusCode).toBe(503);
    const again = fill(parse(answer.body), FORM_SELECTOR, {
      values: { Reason: 'Retry me', 'Session id': session.id },
    });
    expect(again.params.get('request_id')).toBe(posted.params.get('request_id'));
    expect((await send(operator, again)).statusCode).toBe(303);
    expect(state().auditEntriesForRequest(posted.params.get('request_id') ?? '')).toHaveLength(1);
  });

  it('viewer: 403 page, no form, nothing sent to the control plane', async () => {
    const session = busySession(stack);
    const form = await getPage(viewer, `/sessions/${session.id}/terminate`);
    expect(form.response.statusCode).toBe(403);
    expect(form.doc.querySelector(FORM_SELECTOR)).toBeNull();
    expect(textOf(form.doc.body)).toContain('This needs the operator role');
    const auditBefore = state().auditLog.length;
    const post = await viewer.inject({
      method: 'POST',
      url: `/sessions/${session.id}/terminate`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        reason: 'x',
        confirm: session.id,
        request_id: 'viewer-try-000001',
        _csrf: viewer.csrfToken,
      }).toString(),
    });
    expect(post.statusCode).toBe(403);
    expect(state().clientSessions.get(session.id)?.status).toBe(SessionStatus.ACTIVE);
    expect(state().auditLog.length).toBe(auditBefore);
  });

  it('shows the control plane refusing (PERMISSION_DENIED) when the console let it through', async () => {
    // A console whose role mapping is out of step with the control plane's: viewers are
    // operators here, so only the control plane refuses, with the viewer's own token.
    const lax = await stack.replica({
      env: {
        OIDC_ROLE_MAP: 'prism-admins=admin,prism-operators=operator,prism-viewers=operator',
      },
    });
    const laxViewer = await stack.signIn('viewer', lax);
    const session = busySession(stack);
    const { doc } = await getPage(laxViewer, `/sessions/${session.id}/terminate`);
    const posted = fill(doc, FORM_SELECTOR, {
      values: { Reason: 'Not mine to do', 'Session id': session.id },
    });
    const answer = await send(laxViewer, posted);
    expect(answer.statusCode).toBe(403);
    expect(textOf(parse(answer.body).querySelector('[data-testid="error-summary"]'))).toContain(
      'The control plane refused this for your role',
    );
    expect(state().clientSessions.get(session.id)?.status).toBe(SessionStatus.ACTIVE);
    expect(state().auditEntriesForRequest(posted.params.get('request_id') ?? '')).toEqual([
      expect.objectContaining({ actor: 'viewer', outcome: AuditOutcome.DENIED }),
    ]);
  });
});

describe('the namespace page', () => {
  it('shows its sessions, counts linked to the filtered list, and "terminate all idle" to operators', async () => {
    const idle = sessionsOf(stack, IDLE_PRONE_NAMESPACE, SessionStatus.IDLE);
    expect(idle.length).toBeGreaterThanOrEqual(10);
    const { doc } = await getPage(operator, `/namespaces/${IDLE_PRONE_NAMESPACE}`);
    const section = doc.querySelector('[data-testid="namespace-sessions"]');
    expect(byTestId(doc, 'namespace-session').length).toBeGreaterThan(0);
    expect(textOf(section?.querySelector('[data-testid="session-counts"]'))).toContain(
      `Idle ${idle.length}`,
    );
    expect(
      section?.querySelector(`a[href="/sessions?namespace=${IDLE_PRONE_NAMESPACE}&status=idle"]`),
    ).not.toBeNull();
    expect(section?.querySelector('[data-testid="all-sessions"]')?.getAttribute('href')).toBe(
      `/sessions?namespace=${IDLE_PRONE_NAMESPACE}`,
    );
    const terminateIdle = section?.querySelector('[data-testid="terminate-idle"]');
    expect(textOf(terminateIdle)).toContain(`(${idle.length})`);

    const viewerPage = await getPage(viewer, `/namespaces/${IDLE_PRONE_NAMESPACE}`);
    expect(byTestId(viewerPage.doc, 'terminate-idle')).toHaveLength(0);
    expect(byTestId(viewerPage.doc, 'namespace-session').length).toBeGreaterThan(0);
  });

  it('still shows the namespace when its sessions cannot be read', async () => {
    stack.controlPlane.faults.unavailableMethods.add('ListClientSessions');
    try {
      const { response, doc } = await getPage(viewer, `/namespaces/${IDLE_PRONE_NAMESPACE}`);
      expect(response.statusCode).toBe(200);
      expect(textOf(doc.querySelector('[data-testid="sessions-unavailable"]'))).toContain(
        'could not be read',
      );
    } finally {
      stack.controlPlane.faults.unavailableMethods.delete('ListClientSessions');
    }
  });
});
