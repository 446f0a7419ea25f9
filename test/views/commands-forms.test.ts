import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { emptyTerminateForm } from '../../src/views/client-sessions/terminate.js';
import { type ActionCommand, shellQuote } from '../../src/views/commands.js';
import {
  bulkTerminateCommand,
  deleteNamespaceCommand,
  namespaceCommand,
  terminateSessionCommand,
} from '../../src/views/commands-forms.js';
import { emptyDeleteForm } from '../../src/views/namespaces/delete.js';
import { emptyNamespaceForm, namespaceFormValues } from '../../src/views/namespaces/form.js';
import { namespace } from '../components/namespaces/fixtures.js';

/*
 * Form values → the command: the form's own parser and the route's own request builder, with
 * the console-only checks (typed confirmation, a reason not yet given) left to the form.
 */

const options = { baseUrl: 'http://127.0.0.1:8981' };
const REQUEST_ID = '0b9e6a36-5f0e-4a43-9d2c-6d1b9f2d7e11';

/** The `--data` JSON of each buf call the command makes, read back through bash. */
function requestsOf(view: ActionCommand): unknown[] {
  if (!view.command) throw new Error(`no command: ${view.missing.join('; ')}`);
  const script = `buf() { printf '%s\\0' "$@"; }\nPRISM_TOKEN=t\n${view.command}`;
  const args = execFileSync('bash', ['-c', script], { encoding: 'utf8' }).split('\0');
  return args.flatMap((arg, i) => (args[i - 1] === '--data' ? [JSON.parse(arg)] : []));
}

describe('namespace form', () => {
  it('create: says what is missing until the name makes a request', () => {
    const view = namespaceCommand(emptyNamespaceForm(REQUEST_ID), 'create', options);
    expect(view.command).toBeUndefined();
    expect(view.missing).toEqual([
      'Name: Enter a name.',
      expect.stringMatching(/^Reason: give one before running the command/),
    ]);
  });

  it('create: the command with an empty reason pointed out, then with the reason', () => {
    const values = { ...emptyNamespaceForm(REQUEST_ID), name: 'orders', max_storage: '1GiB' };
    const draft = namespaceCommand(values, 'create', options);
    expect(requestsOf(draft)).toEqual([
      {
        namespace: {
          name: 'orders',
          status: 'NAMESPACE_STATUS_ACTIVE',
          quota: { maxStorageBytes: '1073741824' },
        },
        requestId: REQUEST_ID,
        reason: '',
      },
    ]);
    expect(draft.missing).toHaveLength(1);
    const ready = namespaceCommand({ ...values, reason: "it's $(x)" }, 'create', options);
    expect(ready.missing).toEqual([]);
    expect(requestsOf(ready)).toEqual([expect.objectContaining({ reason: "it's $(x)" })]);
    expect(ready.command).toContain('/prism.admin.v1.AdminService/CreateNamespace');
  });

  it('create: a value the form cannot read gives its message, not a command', () => {
    const values = { ...emptyNamespaceForm(REQUEST_ID), name: 'orders', max_rps: 'lots' };
    const view = namespaceCommand(values, 'create', options);
    expect(view.command).toBeUndefined();
    expect(view.missing[0]).toMatch(/^Max requests per second: /);
  });

  it('edit: the version read and only the fields changed (the update mask)', () => {
    const values = {
      ...namespaceFormValues(namespace(), REQUEST_ID),
      max_rps: '6000',
      reason: 'more traffic',
    };
    const [request] = requestsOf(namespaceCommand(values, 'edit', options));
    expect(request).toMatchObject({
      namespace: { name: 'orders-prod', version: '3', quota: { maxRps: 6000 } },
      updateMask: 'quota',
      requestId: REQUEST_ID,
      reason: 'more traffic',
    });
  });
});

describe('delete, terminate, bulk terminate', () => {
  it('delete: the command needs no typed confirmation', () => {
    const values = { ...emptyDeleteForm(namespace(), REQUEST_ID), reason: 'gone' };
    expect(requestsOf(deleteNamespaceCommand(values, 'orders-prod', options))).toEqual([
      { name: 'orders-prod', version: '3', requestId: REQUEST_ID, reason: 'gone' },
    ]);
  });

  it('terminate: force as ticked', () => {
    const values = { ...emptyTerminateForm(REQUEST_ID), reason: 'stuck', force: 'on' };
    expect(requestsOf(terminateSessionCommand(values, 'sess-1', options))).toEqual([
      { id: 'sess-1', force: true, reason: 'stuck', requestId: REQUEST_ID },
    ]);
  });

  it('bulk: each session with its own request id, derived from the form’s', () => {
    const body = {
      reason: "tidy 'up'",
      force: '',
      confirm: '',
      id: '',
      step: 'terminate',
      request_id: REQUEST_ID,
      ids: ['sess-1', 'sess-2', 'sess-3'],
    };
    const view = bulkTerminateCommand(body, options);
    expect(view.command).toMatch(new RegExp(`^for key in ${shellQuote('sess-1')} `));
    expect(requestsOf(view)).toEqual(
      body.ids.map((id) => ({ id, reason: "tidy 'up'", requestId: `${REQUEST_ID}:${id}` })),
    );
  });

  it('bulk: an empty selection is no command', () => {
    const view = bulkTerminateCommand(
      {
        reason: 'x',
        force: '',
        confirm: '',
        id: '',
        step: 'terminate',
        request_id: REQUEST_ID,
        ids: [],
      },
      options,
    );
    expect(view.command).toBeUndefined();
    expect(view.missing[0]).toContain('No sessions were selected');
  });
});
