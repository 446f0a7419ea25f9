import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byLabel, byTestId, errorFor, type parse, textOf } from '../components/namespaces/html.js';
import {
  entryValue,
  formEntries,
  postEntries,
  withRows,
  withValues,
} from '../routes/client-configurations/support.js';
import { getPage, htmx, hxLocation } from '../routes/namespaces/support.js';
import { type ConsoleOnConformance, consoleOnConformance } from './console-stack.js';
import { seedConfiguration } from './fixtures.js';

/*
 * Client configurations on the console against a grpc-go-like control plane (./server.ts):
 * list filters as the request says them, create and edit with BadRequest violations beside
 * the fields and option rows, a stale version explained, a lost answer replayed.
 */

let c: ConsoleOnConformance;
beforeAll(async () => {
  c = await consoleOnConformance();
  seedConfiguration(c.server, 'orders-cache', { description: 'hot keys' });
  seedConfiguration(c.server, 'orders-events', {
    pattern: 'ACCESS_PATTERN_PUBSUB',
    backend: 'kafka-events',
    options: { topic: 'orders.v1' },
  });
  seedConfiguration(c.server, 'billing-queue', {
    namespace: 'billing',
    pattern: 'ACCESS_PATTERN_QUEUE',
    backend: 'postgres-main',
  });
});
afterAll(() => c?.close());

const rowNames = (doc: ReturnType<typeof parse>) =>
  byTestId(doc, 'configuration-row').map((r) => r.getAttribute('data-name'));

async function editEntries(name: string) {
  const { response, doc } = await getPage(c.admin, `/client-configurations/${name}/edit`);
  expect(response.statusCode).toBe(200);
  return formEntries(doc);
}

describe('the list', () => {
  it('sends the filters and the order as the contract says them, and shows what comes back', async () => {
    const { response, doc } = await getPage(
      c.viewer,
      '/client-configurations?namespace=orders&pattern=pubsub&q=ORDERS&sort=-name',
    );
    expect(response.statusCode).toBe(200);
    expect(c.server.lastRequest('ListClientConfigurations')).toMatchObject({
      namespace: 'orders',
      pattern: 'ACCESS_PATTERN_PUBSUB',
      filter: 'ORDERS',
      orderBy: 'name desc',
    });
    expect(rowNames(doc)).toEqual(['orders-events']);
    const all = await getPage(c.viewer, '/client-configurations');
    expect(rowNames(all.doc)).toEqual(['billing-queue', 'orders-cache', 'orders-events']);
  });

  it('pages with the server’s opaque tokens; a token it refuses is explained', async () => {
    const first = await getPage(c.viewer, '/client-configurations?size=2');
    expect(rowNames(first.doc)).toEqual(['billing-queue', 'orders-cache']);
    const next = first.doc.querySelector('a[rel="next"]')?.getAttribute('href') ?? '';
    const second = await getPage(c.viewer, next);
    expect(rowNames(second.doc)).toEqual(['orders-events']);
    const bad = await getPage(c.viewer, '/client-configurations?page=bm90LW91cnM');
    expect(bad.response.statusCode).toBe(400);
    expect(textOf(byTestId(bad.doc, 'list-problems')[0])).toContain(
      'The control plane refused this list',
    );
  });

  it('an access pattern the console does not know is shown as "Unknown (n)"', async () => {
    seedConfiguration(c.server, 'future-thing', { pattern: 42 });
    try {
      const { response, doc } = await getPage(c.viewer, '/client-configurations?q=future');
      expect(response.statusCode).toBe(200);
      const row = doc.querySelector('[data-name="future-thing"]');
      expect(textOf(row?.querySelector('[data-testid="pattern"]'))).toBe('Unknown (42)');
    } finally {
      c.server.clientConfigurations.delete('future-thing');
    }
  });
});

describe('create and edit', () => {
  it('creates: patterns and backends from the control plane, 303, audit with request id and reason', async () => {
    const { doc } = await getPage(c.admin, '/client-configurations/new?namespace=billing');
    const patterns = [...byLabel(doc, 'Access pattern').querySelectorAll('option')].map((o) =>
      o.getAttribute('value'),
    );
    expect(patterns).toEqual(expect.arrayContaining(['keyvalue', 'pubsub', 'queue']));
    const entries = withRows(
      withValues(formEntries(doc), {
        name: 'billing-cache',
        pattern: 'keyvalue',
        backend: 'redis-main',
        description: 'billing hot keys',
        reason: 'new cache',
      }),
      [['ttl', '30s']],
    );
    const { response } = await postEntries(c.admin, '/client-configurations', entries);
    expect(response.statusCode).toBe(303);
    const requestId = entryValue(entries, 'request_id');
    expect(response.headers.location).toBe(
      `/client-configurations/billing-cache?notice=created&request=${requestId}`,
    );
    expect(c.server.clientConfigurations.get('billing-cache')).toMatchObject({
      namespace: 'billing',
      pattern: 'ACCESS_PATTERN_KEYVALUE',
      options: { ttl: '30s' },
      createdBy: 'admin',
    });
    expect(c.server.auditLog.filter((e) => e.requestId === requestId)).toEqual([
      expect.objectContaining({
        operation: 'CreateClientConfiguration',
        resource: 'clientConfigurations/billing-cache',
        reason: 'new cache',
        outcome: 'AUDIT_OUTCOME_SUCCESS',
      }),
    ]);
    // The detail page links to its audit trail, which the control plane filters by resource.
    const detail = await getPage(c.admin, String(response.headers.location));
    const trail = byTestId(detail.doc, 'audit-trail')[0]?.getAttribute('href') ?? '';
    expect(trail).toBe('/audit?resource=clientConfigurations%2Fbilling-cache');
    const audit = await getPage(c.admin, trail);
    expect(c.server.lastRequest('GetAuditLog')?.resource).toBe(
      'clientConfigurations/billing-cache',
    );
    const rows = byTestId(audit.doc, 'audit-row');
    expect(rows).toHaveLength(1);
    expect(textOf(rows[0])).toContain(requestId);
    expect(textOf(rows[0])).toContain('new cache');
  });

  it('BadRequest violations (grpc-go paths) beside the fields and the option rows', async () => {
    const entries = withRows(
      withValues(await editEntries('orders-cache'), { description: 'x', reason: 'edit' }),
      [
        ['pool_size', '8'],
        ['ttl', 'forever'],
      ],
    );
    c.server.failNext('UpdateClientConfiguration', {
      code: status.INVALID_ARGUMENT,
      message: 'invalid UpdateClientConfigurationRequest',
      details: [
        {
          type: 'BadRequest',
          value: {
            field_violations: [
              { field: 'client_configuration.description', description: 'is too short' },
              { field: 'client_configuration.backend', description: 'is draining' },
              { field: 'client_configuration.options["ttl"]', description: 'is not a duration' },
            ],
          },
        },
      ],
    });
    const { response, doc } = await postEntries(
      c.admin,
      '/client-configurations/orders-cache',
      entries,
    );
    expect(response.statusCode).toBe(422);
    expect(errorFor(doc, byLabel(doc, 'Description'))).toBe('is too short');
    expect(errorFor(doc, byLabel(doc, 'Backend'))).toBe('is draining');
    const rowErrors = byTestId(doc, 'option-row').map((row) =>
      textOf(row.querySelector('[data-testid="option-error"]')),
    );
    expect(rowErrors[0]).toBe('');
    expect(rowErrors[1]).toContain('is not a duration');
    expect(c.server.clientConfigurations.get('orders-cache')?.version).toBe('1');
  });

  it('a stale version (FAILED_PRECONDITION) is explained with what changed; saving again works', async () => {
    const mine = withValues(await editEntries('orders-events'), {
      description: 'mine',
      reason: 'my change',
    });
    const current = c.server.clientConfigurations.get('orders-events');
    if (!current) throw new Error('no seed');
    c.server.clientConfigurations.set('orders-events', {
      ...current,
      description: 'theirs',
      options: { topic: 'orders.v2' },
      version: '2',
    });
    const { response, doc } = await postEntries(
      c.admin,
      '/client-configurations/orders-events',
      mine,
    );
    expect(response.statusCode).toBe(409);
    expect(textOf(byTestId(doc, 'conflict')[0])).toContain('What changed: description, options');
    expect(textOf(doc.querySelector('[data-field="description"] [data-testid="now"]'))).toBe(
      'theirs',
    );
    const again = formEntries(doc);
    expect(entryValue(again, 'version')).toBe('2');
    const saved = await postEntries(c.admin, '/client-configurations/orders-events', again);
    expect(saved.response.statusCode).toBe(303);
    expect(c.server.clientConfigurations.get('orders-events')).toMatchObject({
      description: 'mine',
      version: '3',
    });
  });

  it('an update whose answer is lost: unknown, the same request id; the resubmission is replayed', async () => {
    const entries = withValues(await editEntries('billing-queue'), {
      description: 'lost once',
      reason: 'flaky network',
    });
    c.server.cutAfterApplying('UpdateClientConfiguration');
    const { response, doc } = await postEntries(
      c.admin,
      '/client-configurations/billing-queue',
      entries,
      htmx('configuration-form'),
    );
    expect(response.statusCode).toBe(503);
    expect(textOf(byTestId(doc, 'error-summary')[0])).toMatch(/not known whether/);
    const again = formEntries(doc);
    expect(entryValue(again, 'request_id')).toBe(entryValue(entries, 'request_id'));
    const resubmitted = await postEntries(
      c.admin,
      '/client-configurations/billing-queue',
      again,
      htmx('configuration-form'),
    );
    expect(resubmitted.response.statusCode).toBe(200);
    expect(hxLocation(resubmitted.response)).toMatch(/^\/client-configurations\/billing-queue\?/);
    const requestId = entryValue(entries, 'request_id');
    expect(
      c.server.applied.filter((a) => a === `UpdateClientConfiguration ${requestId}`),
    ).toHaveLength(1);
  });

  it('delete of a configuration changed meanwhile: the precondition said, nothing deleted', async () => {
    seedConfiguration(c.server, 'doomed');
    const { doc } = await getPage(c.admin, '/client-configurations/doomed/delete');
    const entries = withValues(formEntries(doc, 'form#delete-configuration-form'), {
      reason: 'cleanup',
      confirm: 'doomed',
    });
    const doomed = c.server.clientConfigurations.get('doomed');
    if (doomed) c.server.clientConfigurations.set('doomed', { ...doomed, version: '2' });
    const { response, doc: answer } = await postEntries(
      c.admin,
      '/client-configurations/doomed/delete',
      entries,
    );
    expect(response.statusCode).toBe(409);
    expect(textOf(byTestId(answer, 'conflict')[0])).toContain('Nothing was deleted');
    expect(c.server.clientConfigurations.has('doomed')).toBe(true);
    expect(c.server.auditLog.at(-1)).toMatchObject({
      operation: 'DeleteClientConfiguration',
      outcome: 'AUDIT_OUTCOME_FAILURE',
      errorCode: 'failed_precondition',
      reason: 'cleanup',
    });
  });
});
