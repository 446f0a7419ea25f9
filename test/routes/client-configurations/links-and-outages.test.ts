import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byLabel, byTestId, textOf } from '../../components/namespaces/html.js';
import { type SignedIn, type Stack, startStack } from '../../helper.js';
import { getPage } from '../namespaces/support.js';
import { entryValue, formEntries, postEntries, rowsOf, withRows, withValues } from './support.js';

/* Linked both ways from namespaces and backends; an unreachable or slow control plane. */

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
const faults = () => stack.controlPlane.faults;

describe('the namespace page', () => {
  it('has a Client configurations section: count, the first few, the filtered list, New for admins', async () => {
    const inNamespace = [...state().clientConfigurations.values()].filter(
      (c) => c.namespace === 'orders-prod',
    );
    const { doc } = await getPage(stack.admin, '/namespaces/orders-prod');
    const section = byTestId(doc, 'namespace-configurations')[0];
    expect(textOf(section?.querySelector('[data-testid="configuration-count"]'))).toBe(
      `(${inNamespace.length})`,
    );
    const links = byTestId(doc, 'namespace-configuration').map(
      (li) => li.querySelector('a')?.getAttribute('href') ?? '',
    );
    expect(links).toEqual(inNamespace.map((c) => `/client-configurations/${c.name}`).sort());
    expect(byTestId(doc, 'all-configurations')[0]?.getAttribute('href')).toBe(
      '/client-configurations?namespace=orders-prod',
    );
    expect(byTestId(doc, 'new-namespace-configuration')[0]?.getAttribute('href')).toBe(
      '/client-configurations/new?namespace=orders-prod',
    );
    const viewerPage = await getPage(viewer, '/namespaces/orders-prod');
    expect(byTestId(viewerPage.doc, 'new-namespace-configuration')[0]?.tagName).toBe('BUTTON');
  });

  it('still shows the namespace when its configurations cannot be read', async () => {
    faults().unavailableMethods.add('ListClientConfigurations');
    try {
      const { response, doc } = await getPage(stack.admin, '/namespaces/orders-prod');
      expect(response.statusCode).toBe(200);
      expect(textOf(byTestId(doc, 'namespace-configurations')[0])).toContain(
        'Its client configurations could not be read',
      );
    } finally {
      faults().unavailableMethods.delete('ListClientConfigurations');
    }
  });
});

describe('the backend page', () => {
  it('links to the configurations that use it', async () => {
    const { doc } = await getPage(viewer, '/backends/redis-cache');
    expect(byTestId(doc, 'backend-configurations')[0]?.getAttribute('href')).toBe(
      '/client-configurations?backend=redis-cache',
    );
  });
});

describe('when the control plane fails', () => {
  it('unreachable on save: says so, keeps the input and the request id, creates nothing', async () => {
    const { doc: page } = await getPage(stack.admin, '/client-configurations/new');
    const entries = withRows(
      withValues(formEntries(page), {
        name: 'outage-made',
        namespace: 'orders-prod',
        pattern: 'queue',
        backend: 'nats-bus',
        reason: 'During an outage',
      }),
      [['subject', 'x']],
    );
    faults().unavailable = true;
    try {
      const { response, doc } = await postEntries(stack.admin, '/client-configurations', entries);
      expect(response.statusCode).toBe(503);
      expect(textOf(byTestId(doc, 'error-summary')[0])).toContain(
        'The control plane could not be reached',
      );
      // The choice lists failed too: the form falls back to text boxes, with the values kept.
      expect(byLabel(doc, 'Backend').getAttribute('value')).toBe('nats-bus');
      expect(rowsOf(doc)).toEqual([['subject', 'x']]);
      expect(entryValue(formEntries(doc), 'request_id')).toBe(entryValue(entries, 'request_id'));
    } finally {
      faults().unavailable = false;
    }
    expect(state().clientConfigurations.has('outage-made')).toBe(false);
  });

  it('no answer in time: "not known whether it was applied", same request id, a link to check', async () => {
    const { doc: page } = await getPage(stack.admin, '/client-configurations/new');
    const entries = withRows(
      withValues(formEntries(page), {
        name: 'slow-made',
        namespace: 'orders-prod',
        pattern: 'queue',
        backend: 'nats-bus',
        reason: 'Slow control plane',
      }),
      [],
    );
    faults().latencyMs = 2500;
    let answer: Awaited<ReturnType<typeof postEntries>>;
    try {
      answer = await postEntries(stack.admin, '/client-configurations', entries);
    } finally {
      faults().latencyMs = 0;
    }
    expect(answer.response.statusCode).toBe(504);
    const summary = byTestId(answer.doc, 'error-summary')[0];
    expect(textOf(summary)).toContain('it is not known whether this change was applied');
    expect(summary?.querySelector('a[href="/client-configurations/slow-made"]')).not.toBeNull();
    const again = formEntries(answer.doc);
    expect(entryValue(again, 'request_id')).toBe(entryValue(entries, 'request_id'));
    // Submitting again is the same request: created once, audited once.
    const retried = await postEntries(stack.admin, '/client-configurations', again);
    expect(retried.response.statusCode).toBe(303);
    expect(state().auditEntriesForRequest(entryValue(entries, 'request_id'))).toHaveLength(1);
  });
});
