import { describe, expect, it } from 'vitest';
import { DeleteNamespaceForm } from '../../../components/namespaces/DeleteNamespaceForm.js';
import {
  NamespaceForm,
  type NamespaceFormProps,
} from '../../../components/namespaces/NamespaceForm.js';
import { noErrors } from '../../../src/forms/errors.js';
import type { NamespaceStatus } from '../../../src/gen/prism/admin/v1/namespace_pb.js';
import { trustedUrl } from '../../../src/html/url.js';
import { emptyDeleteForm } from '../../../src/views/namespaces/delete.js';
import { namespaceDetail } from '../../../src/views/namespaces/detail.js';
import {
  conflictView,
  emptyNamespaceForm,
  type NamespaceFormValues,
  namespaceForm,
  namespaceFormValues,
} from '../../../src/views/namespaces/form.js';
import { IMG_PAYLOAD, namespace, SCRIPT_PAYLOAD } from './fixtures.js';
import { byLabel, byTestId, errorFor, parse, textOf } from './html.js';

const typed: NamespaceFormValues = {
  ...namespaceForm.empty(),
  name: 'Bad Name',
  description: SCRIPT_PAYLOAD,
  status: 'read-only',
  max_sessions: 'many',
  max_storage: '10GiB',
  max_rps: '250',
  config: 'retention=7d\nregion=eu-west-1',
  reason: IMG_PAYLOAD,
  request_id: 'req-00000001',
  version: '',
};

async function render(props: Partial<NamespaceFormProps> = {}) {
  return parse(
    await (
      <NamespaceForm
        mode="create"
        action={trustedUrl('/namespaces')}
        cancelHref={trustedUrl('/namespaces')}
        values={emptyNamespaceForm('req-00000000')}
        errors={noErrors()}
        csrfToken="csrf-token-1"
        {...props}
      />
    ),
  );
}

describe('NamespaceForm', () => {
  it('posts to its action, with and without htmx, and labels every field', async () => {
    const doc = await render();
    const form = doc.querySelector('form');
    expect(form?.getAttribute('method')).toBe('post');
    expect(form?.getAttribute('action')).toBe('/namespaces');
    expect(form?.getAttribute('hx-post')).toBe('/namespaces');
    expect(form?.getAttribute('hx-target')).toBe('this');
    for (const label of [
      'Name',
      'Description',
      'Status',
      'Max sessions',
      'Max storage',
      'Max requests per second',
      'Configuration',
      'Reason',
    ]) {
      expect(byLabel(doc, label)).toBeTruthy();
    }
    expect(doc.querySelector('input[name="request_id"]')?.getAttribute('value')).toBe(
      'req-00000000',
    );
    expect(doc.querySelector('input[name="version"]')).toBeNull();
    expect(byTestId(doc, 'error-summary')).toHaveLength(0);
    expect(doc.querySelector('[aria-invalid]')).toBeNull();
  });

  it('keeps what the operator typed and puts each message beside its field', async () => {
    const doc = await render({
      values: typed,
      errors: {
        fields: { name: 'Use lower-case letters.', max_sessions: 'Enter a whole number.' },
        general: ['The control plane said no.'],
      },
    });
    expect(byLabel(doc, 'Name').getAttribute('value')).toBe('Bad Name');
    expect(byLabel(doc, 'Description').textContent).toBe(SCRIPT_PAYLOAD);
    expect(byLabel(doc, 'Status').querySelector('option[selected]')?.getAttribute('value')).toBe(
      'read-only',
    );
    expect(byLabel(doc, 'Max sessions').getAttribute('value')).toBe('many');
    expect(byLabel(doc, 'Max storage').getAttribute('value')).toBe('10GiB');
    expect(byLabel(doc, 'Configuration').textContent).toBe('retention=7d\nregion=eu-west-1');
    expect(byLabel(doc, 'Reason').textContent).toBe(IMG_PAYLOAD);

    const name = byLabel(doc, 'Name');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(errorFor(doc, name)).toBe('Use lower-case letters.');
    expect(errorFor(doc, byLabel(doc, 'Max sessions'))).toBe('Enter a whole number.');
    expect(byLabel(doc, 'Max storage').getAttribute('aria-invalid')).toBeNull();
    expect(errorFor(doc, byLabel(doc, 'Max storage'))).toBeUndefined();

    const summary = byTestId(doc, 'error-summary')[0];
    expect(summary?.getAttribute('role')).toBe('alert');
    const items = [...(summary?.querySelectorAll('li') ?? [])].map((li) => textOf(li));
    expect(items).toEqual([
      'The control plane said no.',
      'Name: Use lower-case letters.',
      'Max sessions: Enter a whole number.',
    ]);
    expect(summary?.querySelector('a')?.getAttribute('href')).toBe(`#${name.id}`);
    // The markup the operator typed is text in the fields, not elements.
    expect(doc.querySelector('img')).toBeNull();
    expect(doc.querySelector('script')).toBeNull();
  });

  it('on edit keeps the name read-only and carries the version it read', async () => {
    const values = { ...emptyNamespaceForm('req-1'), name: 'orders-prod', version: '3' };
    const doc = await render({
      mode: 'edit',
      action: trustedUrl('/namespaces/orders-prod'),
      values,
    });
    expect(byLabel(doc, 'Name').hasAttribute('readonly')).toBe(true);
    expect(doc.querySelector('input[name="version"]')?.getAttribute('value')).toBe('3');
    expect(textOf(doc.querySelector('button[type="submit"]'))).toBe('Save changes');
  });

  it('on edit shows a status it does not know, selected, and carries the originals', async () => {
    const ns = namespace({ status: 7 as NamespaceStatus, version: 3n });
    const doc = await render({
      mode: 'edit',
      action: trustedUrl('/namespaces/orders-prod'),
      values: namespaceFormValues(ns, 'req-1'),
    });
    const status = byLabel(doc, 'Status');
    expect(textOf(status.querySelector('option[selected]'))).toBe('Unknown (7)');
    expect(status.querySelector('option[selected]')?.getAttribute('value')).toBe('unknown-7');
    expect(doc.querySelector('input[name="original_status"]')?.getAttribute('value')).toBe(
      'unknown-7',
    );
    expect(doc.querySelector('input[name="original_max_storage"]')?.getAttribute('value')).toBe(
      '10GiB',
    );
  });

  it('on create offers only the statuses it can set, and carries no originals', async () => {
    const doc = await render();
    const options = [...byLabel(doc, 'Status').querySelectorAll('option')].map((o) => textOf(o));
    expect(options).toEqual(['Active', 'Read-only', 'Suspended']);
    expect(doc.querySelector('input[name^="original_"]')).toBeNull();
  });

  it('after a conflict, shows the current values beside the operator’s and the new version', async () => {
    const current = namespace({
      description: IMG_PAYLOAD,
      version: 9n,
      updatedBy: 'carol',
    });
    const values = { ...typed, name: 'orders-prod', version: '9', description: 'mine' };
    const doc = await render({
      mode: 'edit',
      action: trustedUrl('/namespaces/orders-prod'),
      values,
      conflict: conflictView(current),
    });
    const panel = byTestId(doc, 'conflict')[0];
    expect(textOf(panel)).toContain('It is now at version 9');
    expect(textOf(panel)).toContain('by carol');
    const description = panel?.querySelector('tr[data-field="description"]');
    expect(description?.getAttribute('data-differs')).toBe('true');
    expect(textOf(description?.querySelector('[data-testid="current-value"]'))).toBe(IMG_PAYLOAD);
    expect(doc.querySelector('img')).toBeNull();
    expect(doc.querySelector('input[name="version"]')?.getAttribute('value')).toBe('9');
    expect(textOf(doc.querySelector('button[type="submit"]'))).toBe('Save my values');
  });
});

describe('DeleteNamespaceForm', () => {
  it('asks for a reason and the typed name, and carries the version', async () => {
    const ns = namespace({ name: 'orders-prod', version: 4n });
    const doc = parse(
      await (
        <DeleteNamespaceForm
          name="orders-prod"
          namespace={namespaceDetail(ns)}
          action={trustedUrl('/namespaces/orders-prod/delete')}
          cancelHref={trustedUrl('/namespaces/orders-prod')}
          values={emptyDeleteForm(ns, 'req-2')}
          errors={noErrors()}
          csrfToken="csrf-token-2"
        />
      ),
    );
    const form = doc.querySelector('form');
    expect(form?.getAttribute('method')).toBe('post');
    expect(form?.getAttribute('action')).toBe('/namespaces/orders-prod/delete');
    expect(form?.getAttribute('hx-post')).toBe('/namespaces/orders-prod/delete');
    expect(byLabel(doc, 'Reason').tagName).toBe('TEXTAREA');
    expect(byLabel(doc, 'Namespace name').getAttribute('name')).toBe('confirm');
    expect(doc.querySelector('input[name="version"]')?.getAttribute('value')).toBe('4');
    // A post without JavaScript carries the CSRF token as a field.
    expect(doc.querySelector('input[name="_csrf"]')?.getAttribute('value')).toBe('csrf-token-2');
    expect(textOf(byTestId(doc, 'active-sessions')[0])).toBe('12 of 100');
  });

  it('keeps the input and explains a mismatch; shows hostile names as text', async () => {
    const ns = namespace({ name: IMG_PAYLOAD });
    const doc = parse(
      await (
        <DeleteNamespaceForm
          name={IMG_PAYLOAD}
          namespace={undefined}
          action={trustedUrl('/x')}
          cancelHref={trustedUrl('/y')}
          csrfToken={undefined}
          values={{ reason: 'cleanup', confirm: 'orders', request_id: 'r-3', version: '3' }}
          errors={{ fields: { confirm: 'The name you typed does not match.' }, general: [] }}
        />
      ),
    );
    const confirm = byLabel(doc, 'Namespace name');
    expect(confirm.getAttribute('value')).toBe('orders');
    expect(confirm.getAttribute('aria-invalid')).toBe('true');
    expect(errorFor(doc, confirm)).toBe('The name you typed does not match.');
    expect(byLabel(doc, 'Reason').textContent).toBe('cleanup');
    expect(doc.querySelector('img')).toBeNull();
    expect(doc.body.textContent).toContain(`Type ${ns.name} to confirm.`);
  });
});
