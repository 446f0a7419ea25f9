import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';
import { AccessPattern } from '../../../src/gen/prism/admin/v1/client_configuration_pb.js';
import { byLabel, byTestId, errorFor, textOf } from '../../components/namespaces/html.js';
import { type Stack, startStack } from '../../helper.js';
import { getPage, htmx, hxLocation } from '../namespaces/support.js';
import {
  type Entries,
  entryValue,
  formEntries,
  postEntries,
  rowsOf,
  withRows,
  withValues,
} from './support.js';

/* Creating: the options editor with and without JavaScript, messages beside fields, the audit. */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const state = () => stack.controlPlane.state;
const FORM_TARGET = 'configuration-form';

async function newForm(values: Record<string, string>, rows: [string, string][]): Promise<Entries> {
  const { doc } = await getPage(stack.admin, '/client-configurations/new?namespace=orders-prod');
  return withRows(withValues(formEntries(doc), values), rows);
}

const valid = {
  name: 'orders-cache',
  pattern: 'keyvalue',
  backend: 'redis-cache',
  description: 'Hot orders',
  reason: 'Cache for the orders page',
};

describe('GET /client-configurations/new', () => {
  it('offers patterns and backends from the control plane, the namespace from the link, one empty row', async () => {
    const { response, doc } = await getPage(
      stack.admin,
      '/client-configurations/new?namespace=orders-prod',
    );
    expect(response.statusCode).toBe(200);
    expect(byLabel(doc, 'Namespace').getAttribute('value')).toBe('orders-prod');
    const patterns = [...byLabel(doc, 'Access pattern').querySelectorAll('option')].map((o) =>
      o.getAttribute('value'),
    );
    const served = new Set([...state().patterns.values()].map((p) => p.pattern));
    expect(patterns.length).toBe(served.size + 1);
    expect(patterns).toContain('keyvalue');
    expect(
      [...byLabel(doc, 'Backend').querySelectorAll('option')].map((o) => o.getAttribute('value')),
    ).toEqual(['', ...[...state().backends.keys()].sort()]);
    expect(rowsOf(doc)).toEqual([['', '']]);
    expect(byTestId(doc, 'copy-command')[0]?.textContent).toContain('CreateClientConfiguration');
  });

  it('still renders when patterns and backends cannot be listed: text boxes that say why', async () => {
    const faults = stack.controlPlane.faults.unavailableMethods;
    faults.add('ListPatterns');
    faults.add('ListBackends');
    try {
      const { response, doc } = await getPage(stack.admin, '/client-configurations/new');
      expect(response.statusCode).toBe(200);
      expect(byLabel(doc, 'Access pattern').tagName).toBe('INPUT');
      expect(byLabel(doc, 'Backend').tagName).toBe('INPUT');
      expect(textOf(doc.body)).toContain('did not list its access patterns');
      // What is typed there is understood.
      const entries = withRows(
        withValues(formEntries(doc), {
          ...valid,
          name: 'typed-choices',
          namespace: 'orders-prod',
          pattern: 'Object store',
          backend: 'postgres-main',
        }),
        [],
      );
      const { response: saved } = await postEntries(stack.admin, '/client-configurations', entries);
      expect(saved.statusCode).toBe(303);
      expect(state().clientConfigurations.get('typed-choices')?.pattern).toBe(
        AccessPattern.OBJECT_STORE,
      );
    } finally {
      faults.delete('ListPatterns');
      faults.delete('ListBackends');
    }
  });
});

describe('the options editor without JavaScript', () => {
  it('"Add option" re-renders the form with every input kept and one more row; nothing is sent', async () => {
    const entries = await newForm(valid, [['ttl_seconds', '60']]);
    const auditBefore = state().auditLog.length;
    const { response, doc } = await postEntries(stack.admin, '/client-configurations', [
      ...entries,
      ['action', 'add-row'],
    ]);
    expect(response.statusCode).toBe(200);
    expect(rowsOf(doc)).toEqual([
      ['ttl_seconds', '60'],
      ['', ''],
    ]);
    // Focus goes to the new row's key.
    expect(doc.querySelector('#configuration-option-key-1')?.hasAttribute('autofocus')).toBe(true);
    const kept = formEntries(doc);
    for (const field of ['name', 'namespace', 'pattern', 'backend', 'description', 'reason']) {
      expect(entryValue(kept, field), field).toBe(entryValue(entries, field));
    }
    // Same request id: nothing was sent, so the eventual save is still this one request.
    expect(entryValue(kept, 'request_id')).toBe(entryValue(entries, 'request_id'));
    expect(byTestId(doc, 'error-summary')).toHaveLength(0);
    expect(state().auditLog.length).toBe(auditBefore);
    expect(state().clientConfigurations.has('orders-cache')).toBe(false);
  });

  it('"Remove" takes out that row only, keeping the rest', async () => {
    const entries = await newForm(valid, [
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
    const { response, doc } = await postEntries(stack.admin, '/client-configurations', [
      ...entries,
      ['action', 'remove-1'],
    ]);
    expect(response.statusCode).toBe(200);
    expect(rowsOf(doc)).toEqual([
      ['a', '1'],
      ['c', '3'],
    ]);
    expect(entryValue(formEntries(doc), 'description')).toBe('Hot orders');
  });

  it('with htmx, the same buttons answer with the form fragment only', async () => {
    const entries = await newForm(valid, [['ttl_seconds', '60']]);
    const { response, doc } = await postEntries(
      stack.admin,
      '/client-configurations',
      [...entries, ['action', 'add-row']],
      htmx(FORM_TARGET),
    );
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('<html');
    expect(response.body.trimStart().startsWith('<form')).toBe(true);
    expect(rowsOf(doc)).toHaveLength(2);
  });
});

describe('POST /client-configurations', () => {
  it('creates it (empty rows ignored), audits the reason and request id, and confirms with the id', async () => {
    const entries = await newForm(valid, [
      ['ttl_seconds', '3600'],
      ['', ''],
      ['max_value_bytes', '65536'],
    ]);
    const { response } = await postEntries(stack.admin, '/client-configurations', entries);
    expect(response.statusCode).toBe(303);
    const requestId = entryValue(entries, 'request_id');
    expect(response.headers.location).toBe(
      `/client-configurations/orders-cache?notice=created&request=${requestId}`,
    );
    expect(state().clientConfigurations.get('orders-cache')).toMatchObject({
      namespace: 'orders-prod',
      pattern: AccessPattern.KEYVALUE,
      backend: 'redis-cache',
      description: 'Hot orders',
      options: { ttl_seconds: '3600', max_value_bytes: '65536' },
      createdBy: 'admin',
    });
    expect(state().auditEntriesForRequest(requestId)).toEqual([
      expect.objectContaining({
        operation: 'CreateClientConfiguration',
        resource: 'clientConfigurations/orders-cache',
        reason: 'Cache for the orders page',
        outcome: AuditOutcome.SUCCESS,
        actor: 'admin',
      }),
    ]);
    const detail = await getPage(stack.admin, response.headers.location ?? '');
    expect(textOf(byTestId(detail.doc, 'notice')[0])).toContain('Client configuration created.');
    expect(textOf(byTestId(detail.doc, 'request-receipt')[0])).toContain(requestId);
    expect(
      detail.doc.querySelector(
        `[data-testid="request-receipt"] a[href="/audit?request=${requestId}"]`,
      ),
    ).not.toBeNull();
  });

  it('with htmx answers with HX-Location to the new configuration', async () => {
    const entries = await newForm({ ...valid, name: 'orders-cache-hx' }, [['k', 'v']]);
    const { response } = await postEntries(
      stack.admin,
      '/client-configurations',
      entries,
      htmx(FORM_TARGET),
    );
    expect(hxLocation(response)).toBe(
      `/client-configurations/orders-cache-hx?notice=created&request=${entryValue(entries, 'request_id')}`,
    );
    expect(state().clientConfigurations.get('orders-cache-hx')?.options).toEqual({ k: 'v' });
  });

  it('explains bad and repeated keys beside their rows, keeping everything', async () => {
    const entries = await newForm({ ...valid, name: 'bad-keys' }, [
      ['ok', '1'],
      ['has space', '2'],
      ['ok', '3'],
      ['', 'orphan value'],
    ]);
    const { response, doc } = await postEntries(stack.admin, '/client-configurations', entries);
    expect(response.statusCode).toBe(422);
    const errors = byTestId(doc, 'option-row').map((row) =>
      textOf(row.querySelector('[data-testid="option-error"]')),
    );
    expect(errors[0]).toBe('');
    expect(errors[1]).toContain('A key is up to 128 letters');
    expect(errors[2]).toContain('The key "ok" is already used in option 1');
    expect(errors[3]).toContain('Give this option a key');
    expect(textOf(byTestId(doc, 'error-summary')[0])).toContain('Options: Check the options');
    expect(rowsOf(doc)).toHaveLength(4);
    expect(state().clientConfigurations.has('bad-keys')).toBe(false);
  });

  it('shows the control plane’s field violations beside the fields and the option rows', async () => {
    const entries = await newForm({ ...valid, name: 'too-long', namespace: 'no-such-namespace' }, [
      ['short', 'x'],
      ['huge', 'x'.repeat(5000)],
    ]);
    const { response, doc } = await postEntries(stack.admin, '/client-configurations', entries);
    expect(response.statusCode).toBe(422);
    expect(errorFor(doc, byLabel(doc, 'Namespace'))).toContain(
      'namespace no-such-namespace does not exist',
    );
    const rowErrors = byTestId(doc, 'option-row').map((row) =>
      textOf(row.querySelector('[data-testid="option-error"]')),
    );
    expect(rowErrors).toEqual(['', expect.stringContaining('value must be at most 4096')]);
    // Refused: the next submission is a new request.
    expect(entryValue(formEntries(doc), 'request_id')).not.toBe(entryValue(entries, 'request_id'));
    const audit = state().auditEntriesForRequest(entryValue(entries, 'request_id'));
    expect(audit[0]).toMatchObject({ outcome: AuditOutcome.FAILURE, reason: valid.reason });
  });

  it('says a name is taken beside the name', async () => {
    const entries = await newForm({ ...valid, name: 'orders-kv' }, []);
    const { response, doc } = await postEntries(stack.admin, '/client-configurations', entries);
    expect(response.statusCode).toBe(409);
    expect(errorFor(doc, byLabel(doc, 'Name'))).toContain('already exists');
  });

  it('asks for a reason and the required fields before calling the control plane', async () => {
    const entries = await newForm({ name: '', pattern: '', backend: '', reason: '' }, []);
    const auditBefore = state().auditLog.length;
    const { response, doc } = await postEntries(stack.admin, '/client-configurations', entries);
    expect(response.statusCode).toBe(422);
    expect(errorFor(doc, byLabel(doc, 'Name'))).toContain('Enter a name');
    expect(errorFor(doc, byLabel(doc, 'Access pattern'))).toContain('Choose an access pattern');
    expect(errorFor(doc, byLabel(doc, 'Backend'))).toContain('Choose a backend');
    expect(errorFor(doc, byLabel(doc, 'Reason'))).toContain('Give a reason');
    expect(state().auditLog.length).toBe(auditBefore);
  });
});
