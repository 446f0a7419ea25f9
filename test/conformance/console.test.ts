import { status } from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byLabel, byTestId, errorFor, textOf } from '../components/namespaces/html.js';
import type { SignedIn, Stack } from '../helper.js';
import { startStack } from '../helper.js';
import {
  type Fields,
  formFields,
  getPage,
  htmx,
  openForm,
  postForm,
} from '../routes/namespaces/support.js';
import { type ConformanceServer, type NamespaceObject, startConformanceServer } from './server.js';

/*
 * The console against a control plane that speaks gRPC the way grpc-go does (./server.ts:
 * grpc-js, our .proto files, no generated code and no Connect), on the pages an operator sees.
 */

let stack: Stack;
let server: ConformanceServer;
let app: FastifyInstance;
let admin: SignedIn;

function seed(name: string, version = '1'): NamespaceObject {
  const namespace: NamespaceObject = {
    name,
    description: `${name} as seeded`,
    status: 'NAMESPACE_STATUS_ACTIVE',
    quota: { maxSessions: 10, maxStorageBytes: '0', maxRps: 0 },
    config: {},
    version,
  };
  server.namespaces.set(name, namespace);
  return namespace;
}

beforeAll(async () => {
  stack = await startStack();
  server = await startConformanceServer();
  app = await stack.replica({ env: { CONTROL_PLANE_URL: server.url } });
  admin = await stack.signIn('admin', app);
  seed('orders');
});
afterAll(async () => {
  await stack?.close();
  await server?.stop();
});

async function newForm(changes: Fields): Promise<Fields> {
  return { ...(await openForm(admin, '/namespaces/new')), ...changes };
}

describe('standard error details', () => {
  it('shows 5 of 5 BadRequest field violations beside their fields', async () => {
    server.failNext('CreateNamespace', {
      code: status.INVALID_ARGUMENT,
      message: 'invalid CreateNamespaceRequest',
      details: [
        {
          type: 'BadRequest',
          value: {
            field_violations: [
              { field: 'namespace.name', description: 'is reserved', reason: 'RESERVED_NAME' },
              {
                field: 'namespace.description',
                description: 'must not mention secrets',
                localized_message: { locale: 'en-US', message: 'must not mention secrets' },
              },
              // grpc-go servers write paths as they please: camel case, map keys in brackets.
              { field: 'namespace.quota.maxSessions', description: 'exceeds the cluster limit' },
              { field: 'namespace.config["region"]', description: 'is not a known region' },
              { field: 'reason', description: 'must name a ticket' },
            ],
          },
        },
      ],
    });
    const fields = await newForm({
      name: 'conf-bad',
      description: 'secret',
      max_sessions: '100000',
      config: 'region=moon-1',
      reason: 'no ticket',
    });
    const { response, doc } = await postForm(admin, '/namespaces', fields);
    expect(response.statusCode).toBe(422);
    expect(errorFor(doc, byLabel(doc, 'Name'))).toBe('is reserved');
    expect(errorFor(doc, byLabel(doc, 'Description'))).toBe('must not mention secrets');
    expect(errorFor(doc, byLabel(doc, 'Max sessions'))).toBe('exceeds the cluster limit');
    expect(errorFor(doc, byLabel(doc, 'Configuration'))).toBe('is not a known region');
    expect(errorFor(doc, byLabel(doc, 'Reason'))).toBe('must name a ticket');
    expect(byTestId(doc, 'error-summary')[0]?.querySelectorAll('li')).toHaveLength(5);
    expect(formFields(doc).request_id).not.toBe(fields.request_id);
    expect(server.namespaces.has('conf-bad')).toBe(false);
  });

  it('a stale version (PreconditionFailure) shows the conflict panel with the current values', async () => {
    seed('stale-one', '4');
    const mine = await openForm(admin, '/namespaces/stale-one/edit');
    expect(mine.version).toBe('4');
    // Someone else saves first.
    const current = server.namespaces.get('stale-one');
    if (current) {
      server.namespaces.set('stale-one', { ...current, description: 'theirs', version: '5' });
    }
    const { response, doc } = await postForm(admin, '/namespaces/stale-one', {
      ...mine,
      description: 'mine',
      reason: 'my edit',
    });
    expect(response.statusCode).toBe(409);
    const conflict = byTestId(doc, 'conflict')[0];
    expect(textOf(conflict)).toContain('It is now at version 5');
    const row = conflict?.querySelector('tr[data-field="description"]');
    expect(textOf(row?.querySelector('[data-testid="current-value"]'))).toBe('theirs');
    expect(formFields(doc)).toMatchObject({ description: 'mine', version: '5' });
  });

  it('RESOURCE_EXHAUSTED with RetryInfo is a 429 page with Retry-After and the server’s words', async () => {
    server.failNext('ListNamespaces', {
      code: status.RESOURCE_EXHAUSTED,
      message: 'rate limit of 100 requests per minute reached',
      details: [{ type: 'RetryInfo', value: { retry_delay: { seconds: 2, nanos: 500_000_000 } } }],
    });
    const { response, doc } = await getPage(admin, '/namespaces');
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('3');
    const error = textOf(byTestId(doc, 'error')[0]);
    expect(error).toContain('rate limit of 100 requests per minute reached');
    expect(error).toContain('Try again in 3 seconds');
  });

  it('RESOURCE_EXHAUSTED on a form: 429, Retry-After and the server’s words in the form', async () => {
    server.failNext('CreateNamespace', {
      code: status.RESOURCE_EXHAUSTED,
      message: 'too many changes in flight',
      details: [{ type: 'RetryInfo', value: { retry_delay: { seconds: 7 } } }],
    });
    const fields = await newForm({ name: 'conf-busy', reason: 'busy' });
    const { response, doc } = await postForm(admin, '/namespaces', fields, htmx('namespace-form'));
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
    expect(textOf(byTestId(doc, 'error-summary')[0])).toContain('too many changes in flight');
    expect(formFields(doc)).toMatchObject({ name: 'conf-busy', reason: 'busy' });
  });

  it('UNIMPLEMENTED is a 501 page saying this control plane does not support it', async () => {
    server.unimplemented.add('ListNamespaces');
    try {
      const { response, doc } = await getPage(admin, '/namespaces');
      expect(response.statusCode).toBe(501);
      expect(textOf(byTestId(doc, 'error')[0])).toMatch(/this control plane does not support/i);
    } finally {
      server.unimplemented.delete('ListNamespaces');
    }
  });

  it('a "not the leader" UNAVAILABLE keeps the hint in the form’s message', async () => {
    seed('leaderless');
    const fields = await openForm(admin, '/namespaces/leaderless/edit');
    server.failNext('UpdateNamespace', {
      code: status.UNAVAILABLE,
      message: 'node is not the leader',
      details: [{ type: 'ErrorInfo', value: { reason: 'NOT_LEADER', domain: 'admin.prism.dev' } }],
    });
    const { response, doc } = await postForm(admin, '/namespaces/leaderless', {
      ...fields,
      reason: 'during an election',
    });
    expect(response.statusCode).toBe(503);
    expect(textOf(byTestId(doc, 'error-summary')[0])).toMatch(/not the leader/);
    expect(formFields(doc).request_id).toBe(fields.request_id);
  });
});

describe('lost answers', () => {
  it('a create whose connection is reset after it was applied: not known, same id, a link to check', async () => {
    const fields = await newForm({ name: 'conf-lost', reason: 'answer lost' });
    server.cutAfterApplying('CreateNamespace');
    const { response, doc } = await postForm(admin, '/namespaces', fields);
    expect(response.statusCode).toBe(503);
    const summary = byTestId(doc, 'error-summary')[0];
    expect(textOf(summary)).toMatch(/it is not known whether this change was applied/);
    const check = [...(summary?.querySelectorAll('a') ?? [])].find(
      (a) => textOf(a) === 'Check whether it was applied',
    );
    expect(check?.getAttribute('href')).toBe('/namespaces/conf-lost');
    const again = formFields(doc);
    // As sent, but for the CSRF token (masked afresh on every answer).
    expect({ ...again, _csrf: '' }).toEqual({ ...fields, _csrf: '' });
    // It was applied: the link shows it.
    expect(server.namespaces.has('conf-lost')).toBe(true);
    expect((await getPage(admin, '/namespaces/conf-lost')).response.statusCode).toBe(200);

    // Submitting the kept form again is recognised: created once, answered as created.
    const resubmitted = await postForm(admin, '/namespaces', again);
    expect(resubmitted.response.statusCode).toBe(303);
    expect(resubmitted.response.headers.location).toMatch(
      /^\/namespaces\/conf-lost\?notice=created&request=[\w.:-]+$/,
    );
    expect(server.applied.filter((a) => a === `CreateNamespace ${fields.request_id}`)).toHaveLength(
      1,
    );
  });

  it('a delete whose answer is lost says so too, with the same request id', async () => {
    seed('conf-doomed');
    const fields: Fields = {
      ...(await openForm(admin, '/namespaces/conf-doomed/delete')),
      reason: 'cleanup',
      confirm: 'conf-doomed',
    };
    server.cutAfterApplying('DeleteNamespace');
    const { response, doc } = await postForm(admin, '/namespaces/conf-doomed/delete', fields);
    expect(response.statusCode).toBe(503);
    expect(textOf(byTestId(doc, 'error-summary')[0])).toMatch(/not known whether/);
    expect({ ...formFields(doc), _csrf: '' }).toEqual({ ...fields, _csrf: '' });
    const again = await postForm(admin, '/namespaces/conf-doomed/delete', fields);
    expect(again.response.statusCode).toBe(303);
    expect(server.applied.filter((a) => a === `DeleteNamespace ${fields.request_id}`)).toHaveLength(
      1,
    );
  });

  it('a read whose connection is reset once is retried and the page shows', async () => {
    const before = server.connections();
    server.cutBeforeHandling('GetNamespace');
    const { response, doc } = await getPage(admin, '/namespaces/orders');
    expect(response.statusCode).toBe(200);
    expect(textOf(doc.querySelector('h1'))).toBe('orders');
    expect(server.connections()).toBeGreaterThan(before);
  });
});

describe('connection management', () => {
  it('GOAWAY by max connection age does not fail a page', async () => {
    const aging = await startConformanceServer({ maxConnectionAgeMs: 150 });
    try {
      aging.namespaces.set('orders', { ...seed('orders') });
      const replica = await stack.replica({ env: { CONTROL_PLANE_URL: aging.url } });
      const operator = await stack.signIn('admin', replica);
      const statuses: number[] = [];
      const deadline = Date.now() + 2_000;
      while (Date.now() < deadline || aging.goaways.length < 2) {
        statuses.push((await getPage(operator, '/namespaces/orders')).response.statusCode);
        await new Promise((resolve) => setTimeout(resolve, 40));
        if (Date.now() > deadline + 8_000) break;
      }
      expect(aging.goaways.length).toBeGreaterThanOrEqual(2);
      expect(aging.connections()).toBeGreaterThanOrEqual(2);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
    } finally {
      await aging.stop();
    }
  });
});
