import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byLabel, byTestId, textOf } from '../../components/namespaces/html.js';
import { type Stack, startStack } from '../../helper.js';
import { type Fields, formFields, getPage, htmx, openForm, postForm } from './support.js';

/** The fields as the operator left them; the CSRF token is masked afresh on every answer. */
function withoutToken(fields: Record<string, string | undefined>) {
  const { _csrf: _, ...rest } = fields;
  return rest;
}

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('with the control plane stopped', () => {
  let create: Fields;
  let edit: Fields;
  let remove: Fields;

  beforeAll(async () => {
    // Forms opened while it was up, submitted while it is down.
    create = {
      ...(await openForm(stack.admin, '/namespaces/new')),
      name: 'during-outage',
      description: 'Typed carefully',
      max_storage: '5GiB',
      reason: 'Created during an outage',
    };
    edit = {
      ...(await openForm(stack.admin, '/namespaces/risk-scoring/edit')),
      description: 'Edited during an outage',
      reason: 'Outage edit',
    };
    remove = {
      ...(await openForm(stack.admin, '/namespaces/tax-calculation/delete')),
      reason: 'Outage delete',
      confirm: 'tax-calculation',
    };
    await stack.controlPlane.stop();
  });

  it('the list is a 503 page that offers to try again', async () => {
    const { response, doc } = await getPage(stack.admin, '/namespaces?q=orders');
    expect(response.statusCode).toBe(503);
    const error = byTestId(doc, 'error')[0];
    expect(textOf(error)).toMatch(/could not reach/i);
    expect(error?.querySelector('a')?.getAttribute('href')).toBe('/namespaces?q=orders');
  });

  it('an htmx search gets the error in the alert region, not the results', async () => {
    const response = await stack.admin.inject({
      url: '/namespaces?q=orders',
      headers: htmx('namespace-results'),
    });
    expect(response.statusCode).toBe(503);
    expect(response.headers['hx-retarget']).toBe('#alerts');
    expect(response.body).not.toContain('<html');
  });

  it('a create gives the form back with the input, the same request id and a message', async () => {
    const { response, doc } = await postForm(stack.admin, '/namespaces', create);
    expect(response.statusCode).toBe(503);
    expect(textOf(byTestId(doc, 'error-summary')[0])).toMatch(
      /could not be reached; nothing was confirmed/,
    );
    expect(withoutToken(formFields(doc))).toEqual(withoutToken(create));
    expect(byLabel(doc, 'Description').textContent).toBe('Typed carefully');
  });

  it('an edit and a delete keep their input too', async () => {
    const edited = await postForm(stack.admin, '/namespaces/risk-scoring', edit);
    expect(edited.response.statusCode).toBe(503);
    expect(withoutToken(formFields(edited.doc))).toEqual(
      withoutToken({ ...edit, name: 'risk-scoring' }),
    );

    const deleted = await postForm(
      stack.admin,
      '/namespaces/tax-calculation/delete',
      remove,
      htmx('delete-namespace-form'),
    );
    expect(deleted.response.statusCode).toBe(503);
    expect(deleted.response.body.startsWith('<form id="delete-namespace-form"')).toBe(true);
    expect(withoutToken(formFields(deleted.doc))).toEqual(withoutToken(remove));
  });

  it('after start() everything works again, and the kept forms go through', async () => {
    await stack.controlPlane.start();
    const list = await getPage(stack.admin, '/namespaces');
    expect(list.response.statusCode).toBe(200);
    expect(byTestId(list.doc, 'namespace-row').length).toBeGreaterThan(0);

    const created = await postForm(stack.admin, '/namespaces', create);
    expect(created.response.statusCode).toBe(303);
    expect(stack.controlPlane.state.namespaces.get('during-outage')?.quota?.maxStorageBytes).toBe(
      5n * 1024n ** 3n,
    );
    const edited = await postForm(stack.admin, '/namespaces/risk-scoring', edit);
    expect(edited.response.statusCode).toBe(303);
    const deleted = await postForm(stack.admin, '/namespaces/tax-calculation/delete', remove);
    expect(deleted.response.statusCode).toBe(303);
    expect(stack.controlPlane.state.namespaces.has('tax-calculation')).toBe(false);
  });
});
