import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDLE_PRONE_NAMESPACE } from '../../src/dev/control-plane/seed.js';
import { AuditOutcome } from '../../src/gen/prism/admin/v1/audit_pb.js';
import { SessionStatus } from '../../src/gen/prism/admin/v1/client_session_pb.js';
import { projectRoot } from '../../src/project-root.js';
import { sessionRequestId } from '../../src/views/client-sessions/bulk.js';
import { parse, textOf } from '../components/namespaces/html.js';
import { listen, type SignedIn, type Stack, startStack } from '../helper.js';
import { busySession, fill, type Posted, send, sessionsOf } from './client-sessions/support.js';
import { getPage } from './namespaces/support.js';

/*
 * "Copy as command", for real: the command a form shows is run with the `buf` binary against
 * the test stack's control plane (HTTP/2, checking the token), with PRISM_TOKEN the signed-in
 * operator's access token, and the control plane must have done the change — with the form's
 * reason and request id in its audit log. The console listens, because the command fetches the
 * AdminService schema from it (`--schema <console>/assets/…`).
 */

let stack: Stack;
let viewer: SignedIn;
let operator: SignedIn;
beforeAll(async () => {
  stack = await startStack();
  await listen(stack.app);
  viewer = await stack.signIn('viewer');
  operator = await stack.signIn('operator');
});
afterAll(() => stack?.close());

const state = () => stack.controlPlane.state;
const BUF_BIN = join(projectRoot(), 'node_modules', '.bin');
const COMMAND = { 'hx-request': 'true', 'hx-target': 'copy-command' };
const HOSTILE_REASON = `Ticket #42: it's "urgent" $(touch /tmp/h5-pwned) \`id\` \${HOME}\nsecond line ✓`;

/** The command the page shows (rendered, or the live fragment). */
function commandIn(html: string): string {
  const code = parse(html).querySelector('[data-command]');
  if (!code) throw new Error(`no command in: ${textOf(parse(html).body).slice(0, 400)}`);
  return code.textContent ?? '';
}

/**
 * Runs a shown command in bash, as an operator pastes it, with their token in PRISM_TOKEN.
 * Asynchronously: the console and the control plane answer buf from this very process.
 */
function run(command: string, token: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      ['-c', command],
      {
        encoding: 'utf8',
        env: {
          PATH: `${BUF_BIN}:${process.env.PATH ?? ''}`,
          HOME: process.env.HOME ?? '/tmp',
          PRISM_TOKEN: token,
        },
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`buf curl failed: ${err.message}\n${stderr}\n${command}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

/** The live command for a form's current values, as htmx asks for it while the operator types. */
async function liveCommand(as: SignedIn, posted: Posted) {
  return send(as, posted, COMMAND);
}

describe('create namespace', () => {
  it('the command follows the form, and run with buf curl it creates the namespace', async () => {
    const { doc } = await getPage(stack.admin, '/namespaces/new');
    // Nothing typed yet: the command says what it needs.
    expect(textOf(doc.querySelector('[data-testid="command-missing"]'))).toContain('Name');
    const posted = fill(doc, 'form#namespace-form', {
      values: {
        Name: 'copied-orders',
        Description: "Bob's 'orders' $(whoami)",
        'Max sessions': '25',
        Configuration: 'retention=7d\nowner=it\'s "me"',
        Reason: HOSTILE_REASON,
      },
    });
    const requestId = posted.params.get('request_id') ?? '';
    const live = await liveCommand(stack.admin, posted);
    expect(live.statusCode).toBe(200);
    const command = commandIn(live.body);
    // Only the command: no page, no form, and nothing sent to the control plane yet.
    expect(live.body).not.toContain('<form');
    expect(state().namespaces.has('copied-orders')).toBe(false);
    expect(command).toContain(requestId);
    expect(command).not.toContain(stack.admin.accessToken);

    const result = await run(command, stack.admin.accessToken);
    expect(JSON.parse(result.stdout)).toMatchObject({ namespace: { name: 'copied-orders' } });
    const created = state().namespaces.get('copied-orders');
    expect(created).toMatchObject({
      description: "Bob's 'orders' $(whoami)",
      config: { retention: '7d', owner: 'it\'s "me"' },
      createdBy: 'admin',
    });
    expect(created?.quota?.maxSessions).toBe(25);
    expect(state().auditEntriesForRequest(requestId)).toEqual([
      expect.objectContaining({
        actor: 'admin',
        operation: 'CreateNamespace',
        resource: 'namespaces/copied-orders',
        reason: HOSTILE_REASON,
        outcome: AuditOutcome.SUCCESS,
      }),
    ]);

    // Sending the form too is the same request id: replayed, not a second creation.
    const answer = await send(stack.admin, posted);
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toMatch(/^\/namespaces\/copied-orders\?notice=created/);
    expect(
      state()
        .auditEntriesForRequest(requestId)
        .filter((e) => e.outcome === AuditOutcome.SUCCESS),
    ).toHaveLength(1);
  });

  it('without JavaScript, the form sent back with its messages shows the command of its values', async () => {
    const { doc } = await getPage(stack.admin, '/namespaces/new');
    const posted = fill(doc, 'form#namespace-form', {
      values: { Name: 'nojs-command', Description: 'typed before the reason' },
    });
    const answer = await send(stack.admin, posted);
    expect(answer.statusCode).toBe(422);
    const page = parse(answer.body);
    const newId = page.querySelector('input[name="request_id"]')?.getAttribute('value') ?? '';
    expect(newId).not.toBe(posted.params.get('request_id'));
    const command = commandIn(answer.body);
    // The values as typed, the form's new request id, and the empty reason pointed out.
    expect(command).toContain('"name": "nojs-command"');
    expect(command).toContain('"description": "typed before the reason"');
    expect(command).toContain(`"requestId": "${newId}"`);
    expect(command).toContain('"reason": ""');
    expect(textOf(page.querySelector('[data-testid="command-missing"]'))).toContain('Reason');
    // The live region posts to the form's own action.
    const region = page.querySelector('#copy-command');
    expect(region?.getAttribute('hx-post')).toBe('/namespaces');
  });

  it('answers the command while the control plane is down: it is never called', async () => {
    const { doc } = await getPage(stack.admin, '/namespaces/new');
    const posted = fill(doc, 'form#namespace-form', {
      values: { Name: 'never-sent', Reason: 'just looking' },
    });
    stack.controlPlane.faults.unavailable = true;
    try {
      const live = await liveCommand(stack.admin, posted);
      expect(live.statusCode).toBe(200);
      expect(commandIn(live.body)).toContain('"name": "never-sent"');
    } finally {
      stack.controlPlane.faults.unavailable = false;
    }
    expect(state().namespaces.has('never-sent')).toBe(false);
  });

  it('is refused like the form: a viewer gets 403, and a post without the CSRF token is refused', async () => {
    const { doc } = await getPage(stack.admin, '/namespaces/new');
    const posted = fill(doc, 'form#namespace-form', {
      values: { Name: 'viewer-peek', Reason: 'peek' },
    });
    const refused = await liveCommand(viewer, posted);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain('data-command');
    const noCsrf = await stack.app.inject({
      method: 'POST',
      url: '/namespaces',
      headers: {
        ...COMMAND,
        cookie: stack.admin.cookie,
        origin: stack.baseUrl,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams([...posted.params].filter(([k]) => k !== '_csrf')).toString(),
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.body).not.toContain('data-command');
  });
});

describe('edit and delete a namespace', () => {
  it('the edit command changes only what was changed; the delete command deletes it', async () => {
    const name = 'copied-orders';
    const edit = await getPage(stack.admin, `/namespaces/${name}/edit`);
    const posted = fill(edit.doc, 'form#namespace-form', {
      values: { Description: 'edited from a shell', Reason: 'scripted edit' },
    });
    const command = commandIn((await liveCommand(stack.admin, posted)).body);
    expect(command).toContain('"updateMask": "description"');
    await run(command, stack.admin.accessToken);
    expect(state().namespaces.get(name)?.description).toBe('edited from a shell');
    expect(state().auditEntriesForRequest(posted.params.get('request_id') ?? '')).toEqual([
      expect.objectContaining({ operation: 'UpdateNamespace', reason: 'scripted edit' }),
    ]);

    // The delete form's command, as rendered (no JavaScript), once the reason is given.
    const del = await getPage(stack.admin, `/namespaces/${name}/delete`);
    const rendered = commandIn(del.response.body);
    expect(rendered).toContain(`"name": "${name}"`);
    const deleting = fill(del.doc, 'form#delete-namespace-form', {
      values: { Reason: 'scripted delete' },
    });
    const deleteCommand = commandIn((await liveCommand(stack.admin, deleting)).body);
    await run(deleteCommand, stack.admin.accessToken);
    expect(state().namespaces.has(name)).toBe(false);
    expect(state().auditEntriesForRequest(deleting.params.get('request_id') ?? '')).toEqual([
      expect.objectContaining({ operation: 'DeleteNamespace', reason: 'scripted delete' }),
    ]);
  });
});

describe('terminate sessions', () => {
  it('one session: the operator’s command terminates it, with force', async () => {
    const session = busySession(stack);
    const { doc } = await getPage(operator, `/sessions/${session.id}/terminate`);
    const posted = fill(doc, 'form#terminate-session-form', {
      values: { Reason: HOSTILE_REASON },
      tickLabels: ['Close it now, even with requests in flight'],
    });
    const command = commandIn((await liveCommand(operator, posted)).body);
    expect(command).toContain('"force": true');
    await run(command, operator.accessToken);
    expect(state().clientSessions.get(session.id)?.status).toBe(SessionStatus.TERMINATED);
    expect(state().auditEntriesForRequest(posted.params.get('request_id') ?? '')).toEqual([
      expect.objectContaining({
        actor: 'operator',
        operation: 'TerminateClientSession',
        resource: `sessions/${session.id}`,
        reason: HOSTILE_REASON,
        outcome: AuditOutcome.SUCCESS,
      }),
    ]);
  });

  it('several sessions: one loop, each session with the request id the console would use', async () => {
    const confirm = await getPage(
      operator,
      `/sessions/bulk-terminate?namespace=${IDLE_PRONE_NAMESPACE}&status=idle`,
    );
    const ids = sessionsOf(stack, IDLE_PRONE_NAMESPACE, SessionStatus.IDLE).map((s) => s.id);
    expect(ids.length).toBeGreaterThan(1);
    const posted = fill(confirm.doc, 'form#bulk-terminate-form', {
      values: { Reason: 'idle clean-up from a script' },
    });
    const command = commandIn((await liveCommand(operator, posted)).body);
    expect(command).toMatch(/^for key in /);
    await run(command, operator.accessToken);
    const formId = posted.params.get('request_id') ?? '';
    for (const id of ids) {
      expect(state().clientSessions.get(id)?.status).toBe(SessionStatus.TERMINATED);
      expect(state().auditEntriesForRequest(sessionRequestId(formId, id))).toEqual([
        expect.objectContaining({ reason: 'idle clean-up from a script' }),
      ]);
    }
  });

  it('a viewer is refused the terminate command like the form', async () => {
    const session = [...state().clientSessions.values()].find(
      (s) => s.status === SessionStatus.ACTIVE,
    );
    const posted: Posted = {
      method: 'POST',
      action: `/sessions/${session?.id}/terminate`,
      params: new URLSearchParams({ reason: 'x', request_id: 'abcdefgh-1234', confirm: '' }),
    };
    const refused = await liveCommand(viewer, posted);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain('data-command');
  });
});

describe('the token', () => {
  it('is never in a page or a command: the command reads $PRISM_TOKEN', async () => {
    const session = [...state().clientSessions.values()].find(
      (s) => s.status === SessionStatus.ACTIVE,
    );
    const created = await getPage(stack.admin, '/namespaces/new');
    expect(created.response.body).toContain('data-testid="copy-command"');
    expect(created.response.body).not.toContain(stack.admin.accessToken);
    const pages = [
      '/namespaces/orders-prod/edit',
      '/namespaces/orders-prod/delete',
      `/sessions/${session?.id}/terminate`,
    ];
    for (const url of pages) {
      const { response } = await getPage(stack.admin, url);
      expect(response.statusCode, url).toBe(200);
      expect(response.body, url).toContain('data-command');
      expect(response.body, url).toContain('${PRISM_TOKEN:?');
      expect(response.body, url).not.toContain(stack.admin.accessToken);
      // Not even a part of it (the JWT's signature).
      expect(response.body, url).not.toContain(stack.admin.accessToken.split('.')[2]);
    }
  });
});
