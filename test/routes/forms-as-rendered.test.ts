import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NamespaceStatus } from '../../src/gen/prism/admin/v1/namespace_pb.js';
import { textOf } from '../components/namespaces/html.js';
import { type Stack, startStack } from '../helper.js';
import { fillByLabel, getPage, submit } from './namespaces/support.js';

/*
 * Every form, posted as a person would: read from the page the component rendered, filled by
 * its labels, sent to its own action. The tests write no field name and no path, so a field
 * the component names differently from the handler (or a form posting where nothing listens)
 * fails here as a value the control plane never received.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const GIB = 1024n ** 3n;

describe('forms as rendered', () => {
  it('create: every field the page shows reaches the control plane', async () => {
    const { doc } = await getPage(stack.admin, '/namespaces/new');
    const submission = fillByLabel(doc, {
      Name: 'as-rendered',
      Description: 'Typed into the page',
      Status: 'Read-only',
      'Max sessions': '25',
      'Max storage': '2GiB',
      'Max requests per second': '300',
      Configuration: 'retention=7d\nregion=eu-west-1',
      Reason: 'Filled in by label',
    });
    const { response } = await submit(stack.admin, submission);
    expect(response.statusCode).toBe(303);
    expect(stack.controlPlane.state.namespaces.get('as-rendered')).toMatchObject({
      description: 'Typed into the page',
      status: NamespaceStatus.READ_ONLY,
      quota: { maxSessions: 25, maxStorageBytes: 2n * GIB, maxRps: 300 },
      config: { retention: '7d', region: 'eu-west-1' },
    });
    const audit = stack.controlPlane.state.auditEntriesForRequest(
      submission.fields.request_id ?? '',
    );
    expect(audit[0]?.reason).toBe('Filled in by label');
  });

  it('edit: a changed field is saved, the rest kept as the page showed them', async () => {
    const { doc } = await getPage(stack.admin, '/namespaces/as-rendered/edit');
    const submission = fillByLabel(doc, {
      'Max requests per second': '450',
      Status: 'Active',
      Reason: 'Raise the rate',
    });
    const { response } = await submit(stack.admin, submission);
    expect(response.statusCode).toBe(303);
    expect(stack.controlPlane.state.namespaces.get('as-rendered')).toMatchObject({
      description: 'Typed into the page',
      status: NamespaceStatus.ACTIVE,
      quota: { maxSessions: 25, maxStorageBytes: 2n * GIB, maxRps: 450 },
      config: { retention: '7d', region: 'eu-west-1' },
    });
  });

  it('an invalid value comes back beside the field the page labels, with the input kept', async () => {
    const { doc } = await getPage(stack.admin, '/namespaces/as-rendered/edit');
    const { response, doc: answer } = await submit(
      stack.admin,
      fillByLabel(doc, { 'Max requests per second': 'lots', Reason: 'Typo' }),
    );
    expect(response.statusCode).toBe(422);
    const again = fillByLabel(answer, {});
    expect(Object.values(again.fields)).toContain('lots');
    expect(textOf(answer.querySelector('[data-testid="field-error"]'))).toMatch(/whole number/);
  });

  it('the list filters: a search typed into the page selects what is shown', async () => {
    const { doc } = await getPage(stack.admin, '/namespaces');
    const submission = fillByLabel(
      doc,
      { Search: 'as-rendered', Status: 'Active', 'Per page': '25' },
      'form[method="get"]',
    );
    const { response, doc: list } = await submit(stack.admin, submission);
    expect(response.statusCode).toBe(200);
    const rows = [...list.querySelectorAll('[data-testid="namespace-row"]')];
    expect(rows.map((row) => row.getAttribute('data-name'))).toEqual(['as-rendered']);
  });

  it('delete: the reason and the typed name the page asks for', async () => {
    const { doc } = await getPage(stack.admin, '/namespaces/as-rendered/delete');
    const { response } = await submit(
      stack.admin,
      fillByLabel(doc, { Reason: 'Done with it', 'Namespace name': 'as-rendered' }),
    );
    expect(response.statusCode).toBe(303);
    expect(stack.controlPlane.state.namespaces.has('as-rendered')).toBe(false);
  });

  it('revoke a console session: the form in the row posts where it says', async () => {
    const other = await stack.signIn('viewer');
    const { doc } = await getPage(stack.admin, '/console-sessions');
    const row = [...doc.querySelectorAll('tr')].find(
      (tr) => !tr.querySelector('[aria-current]') && textOf(tr).includes('viewer'),
    );
    const form = row?.querySelector('form');
    if (!form) throw new Error('no revoke form for the viewer');
    form.setAttribute('data-under-test', '');
    const { response } = await submit(stack.admin, fillByLabel(doc, {}, 'form[data-under-test]'));
    expect(response.statusCode).toBe(303);
    const after = await other.inject({ method: 'GET', url: '/' });
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toMatch(/^\/auth\/sign-in/);
  });

  it('sign out: the layout’s form ends the session', async () => {
    const operator = await stack.signIn('operator');
    const { doc } = await getPage(operator, '/');
    const { response } = await submit(
      operator,
      fillByLabel(doc, {}, 'form[action="/auth/sign-out"]'),
    );
    expect(response.statusCode).toBe(303);
    const after = await operator.inject({ method: 'GET', url: '/' });
    expect(after.headers.location).toMatch(/^\/auth\/sign-in/);
  });
});
