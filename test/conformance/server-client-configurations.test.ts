import { Code, ConnectError } from '@connectrpc/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BadRequestSchema,
  PreconditionFailureSchema,
} from '../../src/gen/google/rpc/error_details_pb.js';
import { AccessPattern } from '../../src/gen/prism/admin/v1/client_configuration_pb.js';
import {
  bearer,
  grpcClient,
  seedConfiguration,
  seedInfrastructure,
  seedNamespace,
} from './fixtures.js';
import { type ConformanceServer, startConformanceServer } from './server.js';

/* Client configurations on the conformance server, through the console's generated client. */

let server: ConformanceServer;
let client: ReturnType<typeof grpcClient>;
const headers = { authorization: bearer('ada') };

beforeAll(async () => {
  server = await startConformanceServer();
  client = grpcClient(server);
  seedNamespace(server, 'orders');
  seedNamespace(server, 'billing');
  seedInfrastructure(server);
  seedConfiguration(server, 'orders-cache', { description: 'hot keys' });
  seedConfiguration(server, 'orders-events', {
    pattern: 'ACCESS_PATTERN_PUBSUB',
    backend: 'kafka-events',
  });
  seedConfiguration(server, 'billing-ledger', { namespace: 'billing', backend: 'postgres-main' });
});
afterAll(async () => {
  await server?.stop();
});

async function errorOf(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error('expected an error');
}

describe('client configurations', () => {
  it('lists by namespace, pattern, backend and filter, ordered and paged', async () => {
    const names = async (request: Parameters<typeof client.listClientConfigurations>[0]) =>
      (await client.listClientConfigurations(request, { headers })).clientConfigurations.map(
        (c) => c.name,
      );
    expect(await names({ namespace: 'orders' })).toEqual(['orders-cache', 'orders-events']);
    expect(await names({ pattern: AccessPattern.PUBSUB })).toEqual(['orders-events']);
    expect(await names({ backend: 'postgres-main' })).toEqual(['billing-ledger']);
    expect(await names({ filter: 'HOT' })).toEqual(['orders-cache']);
    expect(await names({ orderBy: 'name desc' })).toEqual([
      'orders-events',
      'orders-cache',
      'billing-ledger',
    ]);
    const first = await client.listClientConfigurations({ pageSize: 2 }, { headers });
    expect(first.totalSize).toBe(3);
    const second = await client.listClientConfigurations(
      { pageSize: 2, pageToken: first.nextPageToken },
      { headers },
    );
    expect(second.clientConfigurations.map((c) => c.name)).toEqual(['orders-events']);
    expect(second.previousPageToken).not.toBe('');
    const bad = await errorOf(client.listClientConfigurations({ orderBy: 'colour' }, { headers }));
    expect(bad.findDetails(BadRequestSchema)[0]?.fieldViolations[0]?.field).toBe('order_by');
  });

  it('refuses a bad configuration with one field violation per problem', async () => {
    const error = await errorOf(
      client.createClientConfiguration(
        {
          clientConfiguration: {
            name: 'Bad Name',
            namespace: 'nowhere',
            backend: 'mongo',
            options: { 'Pool Size': '8' },
          },
          requestId: 'cc-bad',
          reason: 'try',
        },
        { headers },
      ),
    );
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.findDetails(BadRequestSchema)[0]?.fieldViolations.map((v) => v.field)).toEqual([
      'client_configuration.name',
      'client_configuration.namespace',
      'client_configuration.pattern',
      'client_configuration.backend',
      'client_configuration.options["Pool Size"]',
    ]);
    expect(server.auditLog.at(-1)).toMatchObject({
      operation: 'CreateClientConfiguration',
      outcome: 'AUDIT_OUTCOME_FAILURE',
      errorCode: 'invalid_argument',
      requestId: 'cc-bad',
    });
  });

  it('creates, updates with the version read, refuses a stale version, deletes', async () => {
    const { clientConfiguration: created } = await client.createClientConfiguration(
      {
        clientConfiguration: {
          name: 'billing-cache',
          namespace: 'billing',
          pattern: AccessPattern.KEYVALUE,
          backend: 'redis-main',
          options: { ttl: '30s' },
        },
        requestId: 'cc-1',
        reason: 'new cache',
      },
      { headers },
    );
    expect(created).toMatchObject({ version: 1n, createdBy: 'ada' });
    if (!created) throw new Error('no configuration');
    const updated = await client.updateClientConfiguration(
      {
        clientConfiguration: { ...created, description: 'now described' },
        requestId: 'cc-2',
        reason: 'describe',
      },
      { headers },
    );
    expect(updated.clientConfiguration?.version).toBe(2n);
    const stale = await errorOf(
      client.updateClientConfiguration(
        {
          clientConfiguration: { ...created, description: 'late' },
          requestId: 'cc-3',
          reason: 'x',
        },
        { headers },
      ),
    );
    expect(stale.code).toBe(Code.FailedPrecondition);
    expect(stale.rawMessage).toBe('client configuration billing-cache is at version 2, not 1');
    expect(stale.findDetails(PreconditionFailureSchema)[0]?.violations[0]?.type).toBe('VERSION');
    const staleDelete = await errorOf(
      client.deleteClientConfiguration(
        { name: 'billing-cache', version: 1n, requestId: 'cc-4', reason: 'x' },
        { headers },
      ),
    );
    expect(staleDelete.code).toBe(Code.FailedPrecondition);
    await client.deleteClientConfiguration(
      { name: 'billing-cache', version: 2n, requestId: 'cc-5', reason: 'gone' },
      { headers },
    );
    expect(server.clientConfigurations.has('billing-cache')).toBe(false);
  });

  it('lists backends and launchers for the form', async () => {
    const { backends } = await client.listBackends({}, { headers });
    expect(backends.map((b) => b.name)).toEqual(['kafka-events', 'postgres-main', 'redis-main']);
    const { launchers } = await client.listLaunchers({}, { headers });
    expect(launchers[0]?.capabilities).toContain(AccessPattern.QUEUE);
  });
});
