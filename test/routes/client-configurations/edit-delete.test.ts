import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';
import { AccessPattern } from '../../../src/gen/prism/admin/v1/client_configuration_pb.js';
import { byLabel, byTestId, errorFor, textOf } from '../../components/namespaces/html.js';
import { directClient } from '../../grpc.js';
import { type SignedIn, type Stack, startStack } from '../../helper.js';
import { getPage, htmx, hxLocation } from '../namespaces/support.js';
import { entryValue, formEntries, postEntries, rowsOf, withRows, withValues } from './support.js';

/* Editing (version, conflict explained with what changed) and deleting (reason, typed name). */

let stack: Stack;
let viewer: SignedIn;
beforeAll(async () => {
  stack = await startStack();
  viewer = await stack.signIn('viewer');
});
afterAll(async () => {
  await stack?.close();
});

const state = () => stack.controlPlane.state;
const config = (name: string) => {
  const c = state().clientConfigurations.get(name);
  if (!c) throw new Error(`no ${name}`);
  return c;
};

async function editForm(name: string) {
  const { response, doc } = await getPage(stack.admin, `/client-configurations/${name}/edit`);
  expect(response.statusCode).toBe(200);
  return { doc, entries: formEntries(doc) };
}

describe('the detail page', () => {
  it('shows every field, the options as a table, provenance and links both ways', async () => {
    const c = config('orders-events');
    const { response, doc } = await getPage(stack.admin, '/client-configurations/orders-events');
    expect(response.statusCode).toBe(200);
    expect(textOf(doc.querySelector('h1'))).toBe('orders-events');
    expect(textOf(byTestId(doc, 'pattern')[0])).toBe('pub/sub');
    expect(byTestId(doc, 'namespace')[0]?.querySelector('a')?.getAttribute('href')).toBe(
      '/namespaces/orders-prod',
    );
    expect(byTestId(doc, 'backend')[0]?.querySelector('a')?.getAttribute('href')).toBe(
      '/backends/kafka-events',
    );
    expect(byTestId(doc, 'option-entry').map(textOf)).toEqual(['partitions12', 'topicorders.v1']);
    expect(textOf(byTestId(doc, 'version')[0])).toBe(c.version.toString());
    expect(textOf(byTestId(doc, 'created')[0])).toContain(`by ${c.createdBy}`);
    expect(byTestId(doc, 'audit-trail')[0]?.getAttribute('href')).toBe(
      '/audit?resource=clientConfigurations%2Forders-events',
    );
    const viewerPage = await getPage(viewer, '/client-configurations/orders-events');
    expect(byTestId(viewerPage.doc, 'audit-trail')).toHaveLength(0);
    expect(byTestId(viewerPage.doc, 'edit-configuration')[0]?.tagName).toBe('BUTTON');
  });

  it('is a 404 page for a configuration that does not exist', async () => {
    const { response } = await getPage(stack.admin, '/client-configurations/no-such-thing');
    expect(response.statusCode).toBe(404);
  });
});

describe('editing', () => {
  it('saves the whole configuration with the version read, audited with request id and reason', async () => {
    const before = config('notify-queue').version;
    const { entries } = await editForm('notify-queue');
    expect(entryValue(entries, 'version')).toBe(before.toString());
    expect(entryValue(entries, 'namespace')).toBe('notifications');
    const changed = withRows(withValues(entries, { backend: 'nats-bus', reason: 'Move to NATS' }), [
      ['subject', 'notify.v2'],
    ]);
    const { response } = await postEntries(
      stack.admin,
      '/client-configurations/notify-queue',
      changed,
    );
    const requestId = entryValue(entries, 'request_id');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(
      `/client-configurations/notify-queue?notice=updated&request=${requestId}`,
    );
    expect(config('notify-queue')).toMatchObject({
      backend: 'nats-bus',
      options: { subject: 'notify.v2' },
      version: before + 1n,
      updatedBy: 'admin',
    });
    expect(state().auditEntriesForRequest(requestId)).toEqual([
      expect.objectContaining({
        operation: 'UpdateClientConfiguration',
        resource: 'clientConfigurations/notify-queue',
        reason: 'Move to NATS',
        outcome: AuditOutcome.SUCCESS,
      }),
    ]);
  });

  it('with htmx: Add option swaps the form; saving answers with HX-Location', async () => {
    const { entries } = await editForm('sessions-kv');
    const added = await postEntries(
      stack.admin,
      '/client-configurations/sessions-kv',
      [...entries, ['action', 'add-row']],
      htmx('configuration-form'),
    );
    expect(added.response.body).not.toContain('<html');
    expect(rowsOf(added.doc)).toEqual([
      ['ttl_seconds', '1800'],
      ['', ''],
    ]);
    const filled = withRows(withValues(formEntries(added.doc), { reason: 'Sliding expiry' }), [
      ['ttl_seconds', '1800'],
      ['sliding', 'true'],
    ]);
    const saved = await postEntries(
      stack.admin,
      '/client-configurations/sessions-kv',
      filled,
      htmx('configuration-form'),
    );
    expect(hxLocation(saved.response)).toMatch(
      /^\/client-configurations\/sessions-kv\?notice=updated&request=/,
    );
    expect(config('sessions-kv').options).toEqual({ ttl_seconds: '1800', sliding: 'true' });
  });

  it('explains a conflict with what changed, keeps the input, and saves over the new version', async () => {
    const { entries } = await editForm('fraud-signals');
    const c = config('fraud-signals');
    // Someone else saves first, straight at the control plane.
    await directClient(stack.controlPlane.url, stack.admin.accessToken).updateClientConfiguration({
      clientConfiguration: {
        name: c.name,
        namespace: c.namespace,
        pattern: c.pattern,
        backend: c.backend,
        description: 'Changed by someone else',
        options: { ...c.options, window: '5m' },
        version: c.version,
      },
      requestId: `other-${Date.now()}`,
      reason: 'Racing the console',
    });
    const mine = withValues(entries, { description: 'Mine', reason: 'My change' });
    const { response, doc } = await postEntries(
      stack.admin,
      '/client-configurations/fraud-signals',
      mine,
    );
    expect(response.statusCode).toBe(409);
    const conflict = byTestId(doc, 'conflict')[0];
    expect(textOf(conflict)).toContain('What changed: description, options');
    const changes = byTestId(doc, 'conflict-change').map((row) => row.getAttribute('data-field'));
    expect(changes).toEqual(['description', 'options']);
    expect(textOf(doc.querySelector('[data-field="description"] [data-testid="now"]'))).toBe(
      'Changed by someone else',
    );
    // The input is kept and the form now carries the current version.
    const again = formEntries(doc);
    expect(byLabel(doc, 'Description').getAttribute('value')).toBe('Mine');
    expect(entryValue(again, 'version')).toBe(config('fraud-signals').version.toString());
    const saved = await postEntries(stack.admin, '/client-configurations/fraud-signals', again);
    expect(saved.response.statusCode).toBe(303);
    expect(config('fraud-signals').description).toBe('Mine');
  });

  it('refuses an operator at the console, page and post, without calling the control plane', async () => {
    const operator = await stack.signIn('operator');
    const page = await getPage(operator, '/client-configurations/orders-events/edit');
    expect(page.response.statusCode).toBe(403);
    expect(page.doc.querySelector('form#configuration-form')).toBeNull();
    const { entries } = await editForm('orders-events');
    const before = config('orders-events').version;
    const auditBefore = state().auditLog.length;
    for (const headers of [{}, htmx('configuration-form')]) {
      const { response } = await postEntries(
        operator,
        '/client-configurations/orders-events',
        withValues(entries, { description: 'Operator', reason: 'x', _csrf: operator.csrfToken }),
        headers,
      );
      expect(response.statusCode).toBe(403);
    }
    expect(config('orders-events').version).toBe(before);
    expect(state().auditLog.length).toBe(auditBefore);
  });

  it('keeps a pattern this console does not know when it is not changed', async () => {
    const c = config('ledger-entries');
    c.pattern = 42 as AccessPattern;
    const { doc, entries } = await editForm('ledger-entries');
    expect(entryValue(entries, 'pattern')).toBe('unknown-42');
    expect(textOf(byLabel(doc, 'Access pattern').querySelector('option[selected]'))).toBe(
      'Unknown (42)',
    );
    // Sent back as read, never replaced by a default: this demo control plane (older than
    // the value) refuses it, beside the field; a newer one would keep it.
    const { response, doc: answer } = await postEntries(
      stack.admin,
      '/client-configurations/ledger-entries',
      withValues(entries, { reason: 'Keep the pattern' }),
    );
    expect(response.statusCode).toBe(422);
    expect(errorFor(answer, byLabel(answer, 'Access pattern'))).toContain('unknown value 42');
    // Choosing it is refused by the console: only a kept value may be unknown.
    const chosen = await postEntries(
      stack.admin,
      '/client-configurations/ledger-entries',
      withValues(entries, { reason: 'Choose it', original_pattern: 'keyvalue' }),
    );
    expect(errorFor(chosen.doc, byLabel(chosen.doc, 'Access pattern'))).toContain(
      'not one the console can set',
    );
    c.pattern = AccessPattern.KEYVALUE;
  });
});

describe('deleting', () => {
  it('asks for a reason and the typed name, then deletes and confirms on the list with the request id', async () => {
    const { response: page, doc } = await getPage(
      stack.admin,
      '/client-configurations/profiles-kv/delete',
    );
    expect(page.statusCode).toBe(200);
    expect(byTestId(doc, 'copy-command')[0]?.textContent).toContain('DeleteClientConfiguration');
    const entries = formEntries(doc, 'form#delete-configuration-form');
    const wrong = await postEntries(
      stack.admin,
      '/client-configurations/profiles-kv/delete',
      withValues(entries, { reason: 'Retired', confirm: 'profiles' }),
    );
    expect(wrong.response.statusCode).toBe(422);
    expect(errorFor(wrong.doc, byLabel(wrong.doc, 'Configuration name'))).toContain(
      'does not match',
    );
    expect(state().clientConfigurations.has('profiles-kv')).toBe(true);

    const again = formEntries(wrong.doc, 'form#delete-configuration-form');
    const { response } = await postEntries(
      stack.admin,
      '/client-configurations/profiles-kv/delete',
      withValues(again, { confirm: 'profiles-kv' }),
    );
    const requestId = entryValue(again, 'request_id');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(
      `/client-configurations?notice=deleted&request=${requestId}`,
    );
    expect(state().clientConfigurations.has('profiles-kv')).toBe(false);
    expect(state().auditEntriesForRequest(requestId)).toEqual([
      expect.objectContaining({
        operation: 'DeleteClientConfiguration',
        resource: 'clientConfigurations/profiles-kv',
        reason: 'Retired',
        outcome: AuditOutcome.SUCCESS,
      }),
    ]);
    const list = await getPage(stack.admin, response.headers.location ?? '');
    expect(textOf(byTestId(list.doc, 'notice')[0])).toContain('Client configuration deleted.');
    expect(textOf(byTestId(list.doc, 'request-receipt')[0])).toContain(requestId);
  });

  it('with htmx answers with HX-Location; a viewer is refused before the control plane', async () => {
    const { doc } = await getPage(stack.admin, '/client-configurations/notify-queue/delete');
    const entries = withValues(formEntries(doc, 'form#delete-configuration-form'), {
      reason: 'Gone',
      confirm: 'notify-queue',
    });
    const auditBefore = state().auditLog.length;
    const refused = await postEntries(
      viewer,
      '/client-configurations/notify-queue/delete',
      withValues(entries, { _csrf: viewer.csrfToken }),
    );
    expect(refused.response.statusCode).toBe(403);
    expect(state().auditLog.length).toBe(auditBefore);
    expect(
      (await getPage(viewer, '/client-configurations/notify-queue/delete')).response.statusCode,
    ).toBe(403);

    const { response } = await postEntries(
      stack.admin,
      '/client-configurations/notify-queue/delete',
      entries,
      htmx('delete-configuration-form'),
    );
    expect(hxLocation(response)).toMatch(/^\/client-configurations\?notice=deleted&request=/);
    expect(state().clientConfigurations.has('notify-queue')).toBe(false);
  });

  it('says so when it changed meanwhile, and deletes nothing', async () => {
    const { doc } = await getPage(stack.admin, '/client-configurations/orders-kv/delete');
    const entries = withValues(formEntries(doc, 'form#delete-configuration-form'), {
      reason: 'Old',
      confirm: 'orders-kv',
    });
    config('orders-kv').version += 1n;
    const { response, doc: answer } = await postEntries(
      stack.admin,
      '/client-configurations/orders-kv/delete',
      entries,
    );
    expect(response.statusCode).toBe(409);
    expect(textOf(byTestId(answer, 'conflict')[0])).toContain('Nothing was deleted');
    expect(state().clientConfigurations.has('orders-kv')).toBe(true);
  });
});
