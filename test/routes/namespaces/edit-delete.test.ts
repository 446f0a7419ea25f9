import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';
import { NamespaceStatus } from '../../../src/gen/prism/admin/v1/namespace_pb.js';
import { byLabel, byTestId, errorFor, textOf } from '../../components/namespaces/html.js';
import { type Stack, startStack } from '../../helper.js';
import {
  type Fields,
  formFields,
  getPage,
  htmx,
  hxLocation,
  openForm,
  postForm,
} from './support.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const state = () => stack.controlPlane.state;

describe('edit', () => {
  it('opens with the current values and the version read', async () => {
    const ns = state().namespaces.get('payments-gateway');
    const fields = await openForm(stack.admin, '/namespaces/payments-gateway/edit');
    expect(fields).toMatchObject({
      name: 'payments-gateway',
      description: ns?.description,
      version: String(ns?.version),
      reason: '',
    });
    const { doc } = await getPage(stack.admin, '/namespaces/payments-gateway/edit');
    expect(byLabel(doc, 'Name').hasAttribute('readonly')).toBe(true);
    expect(doc.querySelector('form#namespace-form')?.getAttribute('action')).toBe(
      '/namespaces/payments-gateway',
    );
  });

  it('saves with the version and an update mask, then confirms on the detail page', async () => {
    const before = state().namespaces.get('user-profiles');
    const version = before?.version ?? 0n;
    const fields: Fields = {
      ...(await openForm(stack.admin, '/namespaces/user-profiles/edit')),
      description: 'Profiles, v2',
      status: 'suspended',
      max_rps: '1234',
      config: 'retention=30d',
      reason: 'Quarterly review',
    };
    const { response } = await postForm(stack.admin, '/namespaces/user-profiles', fields);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toMatch(
      /^\/namespaces\/user-profiles\?notice=updated&request=[\w.:-]+$/,
    );
    const after = state().namespaces.get('user-profiles');
    expect(after).toMatchObject({
      description: 'Profiles, v2',
      status: NamespaceStatus.SUSPENDED,
      config: { retention: '30d' },
      version: version + 1n,
    });
    expect(after?.quota?.maxRps).toBe(1234);
    expect(state().auditEntriesForRequest(fields.request_id ?? '')[0]).toMatchObject({
      operation: 'UpdateNamespace',
      reason: 'Quarterly review',
      outcome: AuditOutcome.SUCCESS,
    });
    const detail = await getPage(stack.admin, response.headers.location ?? '');
    expect(textOf(byTestId(detail.doc, 'notice')[0])).toBe(
      `Changes saved.Request id ${fields.request_id} · Its audit entry`,
    );
  });

  it('ignores a name in the body: the URL says what is edited', async () => {
    const fields: Fields = {
      ...(await openForm(stack.admin, '/namespaces/sms-gateway/edit')),
      name: 'orders-prod',
      description: 'Only the SMS gateway changes',
      reason: 'Checking the name',
    };
    const orders = state().namespaces.get('orders-prod')?.description;
    const { response } = await postForm(stack.admin, '/namespaces/sms-gateway', fields);
    expect(response.statusCode).toBe(303);
    expect(state().namespaces.get('sms-gateway')?.description).toBe('Only the SMS gateway changes');
    expect(state().namespaces.get('orders-prod')?.description).toBe(orders);
  });

  it('on a stale version: 409, the operator’s input kept, the current values and the new version', async () => {
    // Two operators open the same form; the other one saves first.
    const mine = await openForm(stack.admin, '/namespaces/email-outbox/edit');
    const theirs = await openForm(stack.admin, '/namespaces/email-outbox/edit');
    const saved = await postForm(stack.admin, '/namespaces/email-outbox', {
      ...theirs,
      description: 'Changed by the other operator',
      reason: 'Their change',
    });
    expect(saved.response.statusCode).toBe(303);
    const current = state().namespaces.get('email-outbox');

    const { response, doc } = await postForm(stack.admin, '/namespaces/email-outbox', {
      ...mine,
      description: 'My change',
      max_sessions: '77',
      reason: 'My change',
    });
    expect(response.statusCode).toBe(409);
    const conflict = byTestId(doc, 'conflict')[0];
    expect(textOf(conflict)).toContain(`It is now at version ${current?.version}`);
    const row = conflict?.querySelector('tr[data-field="description"]');
    expect(textOf(row?.querySelector('[data-testid="current-value"]'))).toBe(
      'Changed by the other operator',
    );
    const again = formFields(doc);
    expect(again).toMatchObject({
      description: 'My change',
      max_sessions: '77',
      reason: 'My change',
      version: String(current?.version),
    });
    expect(again.request_id).not.toBe(mine.request_id);
    expect(state().namespaces.get('email-outbox')?.description).toBe(
      'Changed by the other operator',
    );

    // Re-applying on the current version works.
    const reapplied = await postForm(stack.admin, '/namespaces/email-outbox', again);
    expect(reapplied.response.statusCode).toBe(303);
    expect(state().namespaces.get('email-outbox')).toMatchObject({
      description: 'My change',
      quota: { maxSessions: 77 },
    });
  });

  it('refuses invalid input with 422 and keeps it', async () => {
    const fields: Fields = {
      ...(await openForm(stack.admin, '/namespaces/presence/edit')),
      max_storage: 'huge',
      reason: 'x',
    };
    const { response, doc } = await postForm(stack.admin, '/namespaces/presence', fields);
    expect(response.statusCode).toBe(422);
    expect(errorFor(doc, byLabel(doc, 'Max storage'))).toMatch(/bytes/);
    expect(formFields(doc)).toMatchObject({ max_storage: 'huge', version: fields.version });
  });

  it('with htmx: HX-Location on success, the form fragment on a conflict', async () => {
    const fields = await openForm(stack.admin, '/namespaces/clickstream/edit');
    const ok = await postForm(
      stack.admin,
      '/namespaces/clickstream',
      { ...fields, description: 'via htmx', reason: 'htmx edit' },
      htmx('namespace-form'),
    );
    expect(ok.response.statusCode).toBe(200);
    expect(hxLocation(ok.response)).toMatch(
      /^\/namespaces\/clickstream\?notice=updated&request=[\w.:-]+$/,
    );

    const stale = await postForm(
      stack.admin,
      '/namespaces/clickstream',
      { ...fields, request_id: crypto.randomUUID(), reason: 'stale htmx edit' },
      htmx('namespace-form'),
    );
    expect(stale.response.statusCode).toBe(409);
    expect(stale.response.body.startsWith('<form id="namespace-form"')).toBe(true);
    expect(byTestId(stale.doc, 'conflict')).toHaveLength(1);
  });
});

describe('delete', () => {
  it('asks for a reason and the name, and carries the version', async () => {
    const ns = state().namespaces.get('geo-locations');
    const { response, doc } = await getPage(stack.admin, '/namespaces/geo-locations/delete');
    expect(response.statusCode).toBe(200);
    expect(byLabel(doc, 'Reason')).toBeTruthy();
    expect(byLabel(doc, 'Namespace name').getAttribute('value')).toBe('');
    expect(formFields(doc).version).toBe(String(ns?.version));
  });

  it('refuses a wrongly typed name with 422 and deletes nothing', async () => {
    const fields: Fields = {
      ...(await openForm(stack.admin, '/namespaces/geo-locations/delete')),
      reason: 'Cleanup',
      confirm: 'geo-location',
    };
    const { response, doc } = await postForm(
      stack.admin,
      '/namespaces/geo-locations/delete',
      fields,
    );
    expect(response.statusCode).toBe(422);
    expect(errorFor(doc, byLabel(doc, 'Namespace name'))).toMatch(/does not match/);
    expect(formFields(doc)).toMatchObject({ reason: 'Cleanup', confirm: 'geo-location' });
    expect(state().namespaces.has('geo-locations')).toBe(true);
    expect(state().auditEntriesForRequest(fields.request_id ?? '')).toHaveLength(0);
  });

  it('deletes with the typed name and reason, then confirms on the list', async () => {
    const fields: Fields = {
      ...(await openForm(stack.admin, '/namespaces/geo-locations/delete')),
      reason: 'Stores moved to the new platform',
      confirm: 'geo-locations',
    };
    const { response } = await postForm(stack.admin, '/namespaces/geo-locations/delete', fields);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toMatch(/^\/namespaces\?notice=deleted&request=[\w.:-]+$/);
    expect(state().namespaces.has('geo-locations')).toBe(false);
    expect(state().auditEntriesForRequest(fields.request_id ?? '')[0]).toMatchObject({
      operation: 'DeleteNamespace',
      reason: 'Stores moved to the new platform',
      outcome: AuditOutcome.SUCCESS,
    });
    const list = await getPage(stack.admin, response.headers.location ?? '');
    expect(textOf(byTestId(list.doc, 'notice')[0])).toBe(
      `Namespace deleted.Request id ${fields.request_id} · Its audit entry`,
    );
    expect(list.doc.querySelector('tr[data-name="geo-locations"]')).toBeNull();
  });

  it('refuses when the namespace changed since the page was opened, with the new version', async () => {
    const fields: Fields = {
      ...(await openForm(stack.admin, '/namespaces/mobile-push/delete')),
      reason: 'Retire push',
      confirm: 'mobile-push',
    };
    const edit = await openForm(stack.admin, '/namespaces/mobile-push/edit');
    await postForm(stack.admin, '/namespaces/mobile-push', { ...edit, reason: 'Meanwhile' });
    const current = state().namespaces.get('mobile-push')?.version;

    const { response, doc } = await postForm(stack.admin, '/namespaces/mobile-push/delete', fields);
    expect(response.statusCode).toBe(409);
    expect(textOf(byTestId(doc, 'conflict')[0])).toContain(`version ${current}`);
    expect(formFields(doc)).toMatchObject({ version: String(current), confirm: 'mobile-push' });
    expect(state().namespaces.has('mobile-push')).toBe(true);
  });

  it('with htmx: the form fragment on a mismatch, HX-Location on success', async () => {
    const fields = await openForm(stack.admin, '/namespaces/chat-messages/delete');
    const wrong = await postForm(
      stack.admin,
      '/namespaces/chat-messages/delete',
      { ...fields, reason: 'r', confirm: 'nope' },
      htmx('delete-namespace-form'),
    );
    expect(wrong.response.statusCode).toBe(422);
    expect(wrong.response.body.startsWith('<form id="delete-namespace-form"')).toBe(true);
    const ok = await postForm(
      stack.admin,
      '/namespaces/chat-messages/delete',
      { ...formFields(wrong.doc), confirm: 'chat-messages' },
      htmx('delete-namespace-form'),
    );
    expect(ok.response.statusCode).toBe(200);
    expect(hxLocation(ok.response)).toMatch(/^\/namespaces\?notice=deleted&request=[\w.:-]+$/);
    expect(state().namespaces.has('chat-messages')).toBe(false);
  });

  it('is a 404 for a namespace that is not there', async () => {
    const { response } = await getPage(stack.admin, '/namespaces/never-was/delete');
    expect(response.statusCode).toBe(404);
  });
});
