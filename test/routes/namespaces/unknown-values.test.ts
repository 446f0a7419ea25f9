import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { TimestampSchema } from '@bufbuild/protobuf/wkt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Namespace,
  NamespaceSchema,
  NamespaceStatus,
} from '../../../src/gen/prism/admin/v1/namespace_pb.js';
import { GO_ZERO_SECONDS } from '../../../src/views/format.js';
import { byLabel, byTestId, errorFor, textOf } from '../../components/namespaces/html.js';
import { type Stack, startStack } from '../../helper.js';
import { fillByLabel, formFields, getPage, openForm, postForm, submit } from './support.js';

/*
 * Issue 7: unknown values never change data or hide a page. Namespaces are seeded straight into
 * the demo control plane's state with what a newer (or odd) control plane may send.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const state = () => stack.controlPlane.state;
/** A status a newer control plane has and this console does not. */
const NEWER = 7 as NamespaceStatus;

function seed(init: Omit<MessageInitShape<typeof NamespaceSchema>, '$typeName'>): Namespace {
  const ns = create(NamespaceSchema, {
    description: 'Seeded by the test',
    status: NamespaceStatus.ACTIVE,
    quota: { maxSessions: 100, maxStorageBytes: 1024n ** 3n, maxRps: 500 },
    metrics: { activeSessions: 1, storageUsedBytes: 1024n, rps: 1.5 },
    config: { retention: '7d' },
    assignedProxy: 'proxy-1',
    partition: 1,
    createTime: create(TimestampSchema, { seconds: 1_767_225_600n }),
    updateTime: create(TimestampSchema, { seconds: 1_767_225_600n }),
    createdBy: 'test',
    updatedBy: 'test',
    version: 1n,
    ...init,
  } as MessageInitShape<typeof NamespaceSchema>);
  state().namespaces.set(ns.name, ns);
  return ns;
}

const status = (name: string) => state().namespaces.get(name)?.status;
const selectedText = (select: ReturnType<typeof byLabel>) =>
  textOf(select.querySelector('option[selected]'));

describe('editing a namespace whose status the console does not know', () => {
  it('shows it as "Unknown (7)", selected, and says it is kept', async () => {
    seed({ name: 'newer-status-shown', status: NEWER });
    const { response, doc } = await getPage(stack.admin, '/namespaces/newer-status-shown/edit');
    expect(response.statusCode).toBe(200);
    const select = byLabel(doc, 'Status');
    expect(selectedText(select)).toBe('Unknown (7)');
    expect([...select.querySelectorAll('option')].map((o) => textOf(o))).toEqual([
      'Active',
      'Read-only',
      'Suspended',
      'Unknown (7)',
    ]);
    expect(textOf(doc.getElementById('namespace-status-hint'))).toContain(
      'Unknown (7) is a status this console does not know; it is kept',
    );
    const detail = await getPage(stack.admin, '/namespaces/newer-status-shown');
    expect(textOf(byTestId(detail.doc, 'status-badge')[0])).toBe('Unknown (7)');
  });

  it('keeps it when the operator changes something else, through the form as rendered', async () => {
    seed({ name: 'newer-status-kept', status: NEWER });
    const { doc } = await getPage(stack.admin, '/namespaces/newer-status-kept/edit');
    const { response } = await submit(
      stack.admin,
      fillByLabel(doc, {
        Description: 'Only the description changes',
        'Max requests per second': '900',
        Reason: 'Keeping the status',
      }),
    );
    expect(response.statusCode).toBe(303);
    const after = state().namespaces.get('newer-status-kept');
    expect(after).toMatchObject({
      description: 'Only the description changes',
      status: NEWER,
      version: 2n,
    });
    expect(after?.quota?.maxRps).toBe(900);
  });

  it('keeps it on a save without changes, which still records a new version', async () => {
    seed({ name: 'newer-status-same', status: NEWER });
    const { doc } = await getPage(stack.admin, '/namespaces/newer-status-same/edit');
    const { response } = await submit(stack.admin, fillByLabel(doc, { Reason: 'Just looking' }));
    expect(response.statusCode).toBe(303);
    expect(state().namespaces.get('newer-status-same')).toMatchObject({
      status: NEWER,
      version: 2n,
    });
  });

  it('changes it when the operator picks a known status', async () => {
    seed({ name: 'newer-status-changed', status: NEWER });
    const { doc } = await getPage(stack.admin, '/namespaces/newer-status-changed/edit');
    const { response } = await submit(
      stack.admin,
      fillByLabel(doc, { Status: 'Read-only', Reason: 'Freeze it' }),
    );
    expect(response.statusCode).toBe(303);
    expect(status('newer-status-changed')).toBe(NamespaceStatus.READ_ONLY);
  });

  it('refuses to set an unknown status on a namespace that has a known one (a crafted post)', async () => {
    seed({ name: 'known-status', status: NamespaceStatus.SUSPENDED });
    const fields = await openForm(stack.admin, '/namespaces/known-status/edit');
    const { response, doc } = await postForm(stack.admin, '/namespaces/known-status', {
      ...fields,
      status: 'unknown-7',
      reason: 'Crafted',
    });
    expect(response.statusCode).toBe(422);
    expect(errorFor(doc, byLabel(doc, 'Status'))).toMatch(/not one the console can set/);
    expect(state().namespaces.get('known-status')).toMatchObject({
      status: NamespaceStatus.SUSPENDED,
      version: 1n,
    });
  });

  it('after a conflict, still keeps it, and applies the operator’s change over the current version', async () => {
    seed({ name: 'newer-status-conflict', status: NEWER, description: 'First' });
    const url = '/namespaces/newer-status-conflict';
    const mine = await getPage(stack.admin, `${url}/edit`);
    const theirs = await openForm(stack.admin, `${url}/edit`);
    const saved = await postForm(stack.admin, url, {
      ...theirs,
      max_sessions: '5',
      reason: 'Their change',
    });
    expect(saved.response.statusCode).toBe(303);

    const stale = await submit(
      stack.admin,
      fillByLabel(mine.doc, { 'Max requests per second': '42', Reason: 'My change' }),
    );
    expect(stale.response.statusCode).toBe(409);
    expect(selectedText(byLabel(stale.doc, 'Status'))).toBe('Unknown (7)');
    expect(formFields(stale.doc)).toMatchObject({ version: '2', original_max_sessions: '5' });

    const again = await submit(stack.admin, fillByLabel(stale.doc, {}));
    expect(again.response.statusCode).toBe(303);
    const after = state().namespaces.get('newer-status-conflict');
    expect(after?.status).toBe(NEWER);
    expect(after?.quota?.maxRps).toBe(42);
    expect(after?.version).toBe(3n);
  });
});

describe('odd values from the control plane', () => {
  const prefix = 'odd-values';
  beforeAll(() => {
    seed({
      name: `${prefix}-far-future`,
      createTime: create(TimestampSchema, { seconds: 2n ** 63n - 1n }),
      updateTime: create(TimestampSchema, { seconds: 253_402_300_800n }),
    });
    seed({
      name: `${prefix}-go-zero`,
      createTime: create(TimestampSchema, { seconds: GO_ZERO_SECONDS }),
      updateTime: create(TimestampSchema, { seconds: GO_ZERO_SECONDS }),
    });
    seed({
      name: `${prefix}-huge`,
      status: 9 as NamespaceStatus,
      quota: { maxSessions: 1, maxStorageBytes: 1n, maxRps: 1 },
      metrics: { activeSessions: 2 ** 31 - 1, storageUsedBytes: 2n ** 63n - 1n, rps: 1e308 },
    });
    seed({
      name: `${prefix}-nonsense`,
      quota: { maxSessions: 10, maxStorageBytes: 1024n, maxRps: 10 },
      metrics: { activeSessions: -3, storageUsedBytes: -5n, rps: Number.NaN },
    });
  });

  const row = (doc: Awaited<ReturnType<typeof getPage>>['doc'], name: string) =>
    textOf(doc.querySelector(`tr[data-name="${prefix}-${name}"]`));

  it('the list answers 200 and shows each of them sanely', async () => {
    for (const sort of ['name', '-created', 'created', '-sessions']) {
      const { response, doc } = await getPage(stack.admin, `/namespaces?q=${prefix}&sort=${sort}`);
      expect(response.statusCode).toBe(200);
      expect(byTestId(doc, 'namespace-row')).toHaveLength(4);
      const table = textOf(doc.querySelector('table'));
      expect(table).not.toMatch(/NaN|Infinity|e\+|undefined|Invalid/);
    }
    const { doc } = await getPage(stack.admin, `/namespaces?q=${prefix}`);
    // Relative in the list, the exact (out of range) time on hover.
    expect(row(doc, 'far-future')).toContain('in the future');
    expect(
      doc.querySelector(`[data-name="${prefix}-far-future"] time`)?.getAttribute('title'),
    ).toBe('after 9999-12-31');
    expect(row(doc, 'go-zero')).toMatch(/—$/);
    expect(row(doc, 'go-zero')).not.toContain('0001');
    expect(row(doc, 'huge')).toContain('Unknown (9)');
    expect(row(doc, 'huge')).toContain('2,147,483,647 / 1');
    expect(row(doc, 'huge')).toContain('8.0 EiB / 1 B');
    expect(row(doc, 'huge')).toContain('more than 1,000,000,000,000,000,000,000/s');
    expect(row(doc, 'nonsense')).toContain('-3 / 10');
    expect(row(doc, 'nonsense')).toContain('-5 B / 1.0 KiB');
    expect(row(doc, 'nonsense')).toContain('unknown');
  });

  it('the detail pages answer 200 with the times and the usage shown sanely', async () => {
    const future = await getPage(stack.admin, `/namespaces/${prefix}-far-future`);
    expect(future.response.statusCode).toBe(200);
    expect(textOf(byTestId(future.doc, 'created')[0])).toContain('after 9999-12-31');

    const zero = await getPage(stack.admin, `/namespaces/${prefix}-go-zero`);
    expect(zero.response.statusCode).toBe(200);
    expect(textOf(byTestId(zero.doc, 'created')[0])).toBe('— by test');

    const huge = await getPage(stack.admin, `/namespaces/${prefix}-huge`);
    expect(huge.response.statusCode).toBe(200);
    const percents = byTestId(huge.doc, 'usage-percent').map((p) => textOf(p));
    expect(percents).toContain('more than 999,999% — over quota');
    expect(textOf(huge.doc.querySelector('main') ?? undefined)).not.toMatch(
      /NaN|Infinity|e\+|undefined/,
    );

    const nonsense = await getPage(stack.admin, `/namespaces/${prefix}-nonsense`);
    expect(nonsense.response.statusCode).toBe(200);
    const rps = nonsense.doc.querySelector('[data-quota="Requests per second"]');
    expect(textOf(rps?.querySelector('[data-testid="usage-used"]'))).toBe('unknown');
    expect(textOf(rps)).not.toContain('No limit set');
    expect(textOf(nonsense.doc.querySelector('main') ?? undefined)).not.toMatch(/NaN|Infinity/);
  });
});
