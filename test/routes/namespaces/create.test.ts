import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';
import { NamespaceStatus } from '../../../src/gen/prism/admin/v1/namespace_pb.js';
import { byLabel, byTestId, errorFor, parse, textOf } from '../../components/namespaces/html.js';
import { listen, type Stack, startStack } from '../../helper.js';
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

const IMG = '<img src=x onerror=alert(1)>';

async function newForm(changes: Fields): Promise<Fields> {
  return { ...(await openForm(stack.admin, '/namespaces/new')), ...changes };
}

describe('GET /namespaces/new', () => {
  it('renders an empty form with a fresh request id each time', async () => {
    const { response, doc } = await getPage(stack.admin, '/namespaces/new');
    expect(response.statusCode).toBe(200);
    const form = doc.querySelector('form#namespace-form');
    expect(form?.getAttribute('action')).toBe('/namespaces');
    expect(form?.getAttribute('hx-post')).toBe('/namespaces');
    const first = formFields(doc);
    const second = await openForm(stack.admin, '/namespaces/new');
    expect(first.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.request_id).not.toBe(first.request_id);
    expect(first).toMatchObject({ name: '', status: 'active', reason: '' });
  });
});

describe('POST /namespaces', () => {
  it('answers a body of the wrong shape with the form and its messages, never a bare 400', async () => {
    // Not what the form sends: JSON with objects, arrays and numbers where strings belong.
    const response = await stack.admin.inject({
      method: 'POST',
      url: '/namespaces',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        name: { $gt: '' },
        max_sessions: 12,
        max_rps: ['1', '2'],
        reason: 'shapes',
        request_id: 'shape-test-0001',
      }),
    });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    const doc = parse(response.body);
    expect(errorFor(doc, byLabel(doc, 'Name'))).toMatch(/Enter a name/);
    // The first of repeated values is taken, as a browser's form would send it.
    expect(byLabel(doc, 'Max requests per second').getAttribute('value')).toBe('1');
    expect(stack.controlPlane.state.auditEntriesForRequest('shape-test-0001')).toHaveLength(0);
  });

  it('creates the namespace, audits the reason and redirects to it with a confirmation', async () => {
    const fields = await newForm({
      name: 'checkout-v2',
      description: 'Second checkout',
      status: 'read-only',
      max_sessions: '25',
      max_storage: '10GiB',
      max_rps: '300',
      config: 'retention=7d\nregion=eu-west-1',
      reason: 'New checkout launch',
    });
    const { response } = await postForm(stack.admin, '/namespaces', fields);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toMatch(
      /^\/namespaces\/checkout-v2\?notice=created&request=[\w.:-]+$/,
    );

    const ns = stack.controlPlane.state.namespaces.get('checkout-v2');
    expect(ns).toMatchObject({
      description: 'Second checkout',
      status: NamespaceStatus.READ_ONLY,
      quota: { maxSessions: 25, maxStorageBytes: 10n * 1024n ** 3n, maxRps: 300 },
      config: { retention: '7d', region: 'eu-west-1' },
    });
    const audit = stack.controlPlane.state.auditEntriesForRequest(fields.request_id ?? '');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      operation: 'CreateNamespace',
      resource: 'namespaces/checkout-v2',
      reason: 'New checkout launch',
      outcome: AuditOutcome.SUCCESS,
    });

    const detail = await getPage(stack.admin, response.headers.location ?? '');
    expect(textOf(byTestId(detail.doc, 'notice')[0])).toBe(
      `Namespace created.Request id ${fields.request_id} · Its audit entry`,
    );
    expect(textOf(detail.doc.querySelector('h1'))).toBe('checkout-v2');
  });

  it('does not create twice when the same form is submitted twice', async () => {
    const fields = await newForm({ name: 'double-click', reason: 'Testing a double submit' });
    const first = await postForm(stack.admin, '/namespaces', fields);
    const second = await postForm(stack.admin, '/namespaces', fields);
    expect(first.response.statusCode).toBe(303);
    // The control plane recognises the request id and answers with the first outcome.
    expect(second.response.statusCode).toBe(303);
    expect(stack.controlPlane.state.auditEntriesForRequest(fields.request_id ?? '')).toHaveLength(
      1,
    );
  });

  it('refuses invalid input with 422, keeping the input and putting messages beside fields', async () => {
    const fields = await newForm({
      name: 'Not A Name',
      description: IMG,
      max_sessions: 'lots',
      max_storage: '10 parsecs',
      config: 'retention',
      reason: '',
    });
    const { response, doc } = await postForm(stack.admin, '/namespaces', fields);
    expect(response.statusCode).toBe(422);
    expect(stack.controlPlane.state.namespaces.has('Not A Name')).toBe(false);
    expect(stack.controlPlane.state.auditEntriesForRequest(fields.request_id ?? '')).toHaveLength(
      0,
    );

    const name = byLabel(doc, 'Name');
    expect(name.getAttribute('value')).toBe('Not A Name');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(errorFor(doc, name)).toMatch(/lower-case/);
    expect(errorFor(doc, byLabel(doc, 'Max sessions'))).toMatch(/whole number/);
    expect(errorFor(doc, byLabel(doc, 'Max storage'))).toMatch(/10GiB/);
    expect(errorFor(doc, byLabel(doc, 'Configuration'))).toMatch(/Line 1/);
    expect(errorFor(doc, byLabel(doc, 'Reason'))).toMatch(/reason/i);
    expect(byLabel(doc, 'Description').textContent).toBe(IMG);
    expect(doc.querySelector('img[src="x"]')).toBeNull();
    expect(byTestId(doc, 'error-summary')[0]?.querySelectorAll('li')).toHaveLength(5);
    // A corrected resubmission is a new request.
    expect(formFields(doc).request_id).not.toBe(fields.request_id);
  });

  it('maps the control plane’s own field violations onto the form', async () => {
    // The console leaves the description's length to the control plane (its limit is 256).
    const fields = await newForm({
      name: 'long-description',
      description: 'x'.repeat(300),
      reason: 'Testing limits',
    });
    const { response, doc } = await postForm(stack.admin, '/namespaces', fields);
    expect(response.statusCode).toBe(422);
    expect(errorFor(doc, byLabel(doc, 'Description'))).toMatch(/at most 256 characters/);
    expect(byLabel(doc, 'Description').textContent).toBe('x'.repeat(300));
    expect(byLabel(doc, 'Name').getAttribute('aria-invalid')).toBeNull();
    const audit = stack.controlPlane.state.auditEntriesForRequest(fields.request_id ?? '');
    expect(audit[0]?.outcome).toBe(AuditOutcome.FAILURE);
    expect(formFields(doc).request_id).not.toBe(fields.request_id);
  });

  it('shows a duplicate name beside the name and changes nothing', async () => {
    const before = stack.controlPlane.state.namespaces.get('orders-prod')?.description;
    const fields = await newForm({
      name: 'orders-prod',
      description: 'Impostor',
      reason: 'Trying a duplicate',
    });
    const { response, doc } = await postForm(stack.admin, '/namespaces', fields);
    expect(response.statusCode).toBe(409);
    expect(errorFor(doc, byLabel(doc, 'Name'))).toMatch(/already exists/);
    expect(byLabel(doc, 'Description').textContent).toBe('Impostor');
    expect(stack.controlPlane.state.namespaces.get('orders-prod')?.description).toBe(before);
  });

  it('with htmx: the form fragment on error, HX-Location on success', async () => {
    const bad = await postForm(
      stack.admin,
      '/namespaces',
      await newForm({ name: 'htmx-space', reason: '' }),
      htmx('namespace-form'),
    );
    expect(bad.response.statusCode).toBe(422);
    expect(bad.response.body.startsWith('<form id="namespace-form"')).toBe(true);
    expect(bad.response.body).not.toContain('<html');
    expect(errorFor(bad.doc, byLabel(bad.doc, 'Reason'))).toMatch(/reason/i);

    const good = await postForm(
      stack.admin,
      '/namespaces',
      { ...formFields(bad.doc), reason: 'Created with htmx' },
      htmx('namespace-form'),
    );
    expect(good.response.statusCode).toBe(200);
    expect(hxLocation(good.response)).toMatch(
      /^\/namespaces\/htmx-space\?notice=created&request=[\w.:-]+$/,
    );
    expect(stack.controlPlane.state.namespaces.has('htmx-space')).toBe(true);
  });

  it('keeps the input and the request id when the control plane is too slow', async () => {
    const fields = await newForm({ name: 'slow-space', reason: 'Testing a timeout' });
    stack.controlPlane.faults.latencyMs = 5_000;
    try {
      const { response, doc } = await postForm(stack.admin, '/namespaces', fields);
      expect(response.statusCode).toBe(504);
      expect(textOf(byTestId(doc, 'error-summary')[0])).toMatch(/did not answer in time/);
      expect(formFields(doc)).toMatchObject({
        name: 'slow-space',
        reason: 'Testing a timeout',
        request_id: fields.request_id,
      });
    } finally {
      stack.controlPlane.faults.latencyMs = 0;
    }
    expect(stack.controlPlane.state.namespaces.has('slow-space')).toBe(false);
  });
});

describe('over a real connection', () => {
  it('a form post reaches the control plane (its body being read does not cancel the call)', async () => {
    // app.inject never closes the request the way a socket does; this goes through the network.
    const base = await listen(stack.app);
    const fields = await newForm({ name: 'over-http', reason: 'Posted over HTTP' });
    const response = await fetch(`${base}/namespaces`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: stack.admin.cookie,
        origin: base,
      },
      body: new URLSearchParams(fields),
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(
      /^\/namespaces\/over-http\?notice=created&request=[\w.:-]+$/,
    );
    expect(stack.controlPlane.state.namespaces.has('over-http')).toBe(true);
  });
});
