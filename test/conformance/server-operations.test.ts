import { Code, ConnectError } from '@connectrpc/connect';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BadRequestSchema,
  PreconditionFailureSchema,
} from '../../src/gen/google/rpc/error_details_pb.js';
import { SessionStatus } from '../../src/gen/prism/admin/v1/client_session_pb.js';
import { OperationState } from '../../src/gen/prism/admin/v1/operations_pb.js';
import { bearer, grpcClient, seedNamespace, seedSessions } from './fixtures.js';
import { type ConformanceServer, startConformanceServer } from './server.js';

/*
 * The conformance server's maintenance mode, drains and operations, called with the console's
 * own generated client over gRPC: what the console tests rely on it answering.
 */

let server: ConformanceServer;
let client: ReturnType<typeof grpcClient>;
const headers = { authorization: bearer('olivia') };

beforeAll(async () => {
  server = await startConformanceServer({ drainStepMs: 20 });
  client = grpcClient(server);
  seedNamespace(server, 'orders');
  seedNamespace(server, 'billing');
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

describe('drains as operations', () => {
  it('DrainConnections names its operation at once; hanging up does not stop it', async () => {
    seedSessions(server, 'orders', 8);
    const controller = new AbortController();
    const stream = client.drainConnections(
      {
        target: { case: 'namespace', value: 'orders' },
        deadline: { seconds: 30n },
        requestId: 'drain-1',
        reason: 'rolling restart',
      },
      { headers, signal: controller.signal },
    );
    let operationId = '';
    for await (const progress of stream) {
      operationId = progress.operationId;
      expect(progress).toMatchObject({ total: 8, done: false });
      break;
    }
    controller.abort();
    expect(operationId).toMatch(/^op-[0-9a-f]{6}$/);

    const watched = [];
    for await (const { operation } of client.watchOperation({ id: operationId }, { headers })) {
      watched.push(operation);
    }
    const last = watched.at(-1);
    expect(last).toMatchObject({
      id: operationId,
      state: OperationState.SUCCEEDED,
      done: true,
      startedBy: 'olivia',
      reason: 'rolling restart',
      requestId: 'drain-1',
    });
    expect(last?.details.case === 'drain' && last.details.value).toMatchObject({
      target: { case: 'namespace', value: 'orders' },
      total: 8,
      drained: 8,
      remaining: 0,
      totalByNamespace: { orders: 8 },
    });
    expect(watched.filter((o) => o?.done)).toHaveLength(1);
    const versions = watched.map((o) => Number(o?.version));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    const orders = [...server.sessions.values()].filter((s) => s.namespace === 'orders');
    expect(orders.every((s) => s.status === 'SESSION_STATUS_TERMINATED')).toBe(true);
    expect(server.auditLog.at(-1)).toMatchObject({
      operation: 'DrainConnections',
      resource: 'namespaces/orders',
      requestId: 'drain-1',
      reason: 'rolling restart',
      outcome: 'AUDIT_OUTCOME_SUCCESS',
      actor: 'olivia',
    });
  });

  it('a retried request id follows the same drain instead of starting another', async () => {
    seedSessions(server, 'billing', 2);
    const request = {
      target: { case: 'allNamespaces' as const, value: true },
      requestId: 'drain-twice',
      reason: 'twice',
    };
    const ids = new Set<string>();
    for (let i = 0; i < 2; i++) {
      for await (const progress of client.drainConnections(request, { headers })) {
        ids.add(progress.operationId);
      }
    }
    expect(ids.size).toBe(1);
    expect(server.applied.filter((a) => a === 'DrainConnections drain-twice')).toHaveLength(1);
  });

  it('cancel stops a running drain, leaves its sessions open, and is refused once done', async () => {
    const sessions = seedSessions(server, 'billing', 4);
    server.drains.hold = true;
    try {
      let id = '';
      for await (const progress of client.drainConnections(
        { target: { case: 'namespace', value: 'billing' }, requestId: 'drain-c', reason: 'x' },
        { headers },
      )) {
        id = progress.operationId;
        break;
      }
      const running = await client.listOperations({ runningOnly: true }, { headers });
      expect(running.operations.map((o) => o.id)).toEqual([id]);
      const { operation } = await client.cancelOperation(
        { id, requestId: 'cancel-1', reason: 'wrong namespace' },
        { headers },
      );
      expect(operation).toMatchObject({
        state: OperationState.CANCELLED,
        done: true,
        cancelledBy: 'olivia',
        cancelReason: 'wrong namespace',
      });
      expect(sessions.every((s) => s.status === 'SESSION_STATUS_ACTIVE')).toBe(true);

      const error = await errorOf(
        client.cancelOperation({ id, requestId: 'cancel-2', reason: 'again' }, { headers }),
      );
      expect(error.code).toBe(Code.FailedPrecondition);
      expect(error.rawMessage).toBe(`operation ${id} is already done (CANCELLED)`);
      expect(error.findDetails(PreconditionFailureSchema)[0]?.violations[0]).toMatchObject({
        type: 'STATE',
        subject: `operations/${id}`,
      });
      expect(server.auditLog.at(-1)).toMatchObject({
        operation: 'CancelOperation',
        resource: `operations/${id}`,
        outcome: 'AUDIT_OUTCOME_FAILURE',
        errorCode: 'failed_precondition',
        requestId: 'cancel-2',
      });
    } finally {
      server.drains.hold = false;
    }
  });

  it('a scripted error after N messages of a waiting stream comes at once, in trailers', async () => {
    seedSessions(server, 'orders', 2);
    server.drains.hold = true;
    try {
      let id = '';
      for await (const progress of client.drainConnections(
        { target: { case: 'namespace', value: 'orders' }, requestId: 'drain-w', reason: 'x' },
        { headers },
      )) {
        id = progress.operationId;
        break;
      }
      server.scriptStream('WatchOperation', {
        after: 1,
        error: { code: status.INTERNAL, message: 'watch broke' },
      });
      const received: unknown[] = [];
      const error = await errorOf(
        (async () => {
          for await (const message of client.watchOperation({ id }, { headers })) {
            received.push(message);
          }
        })(),
      );
      expect(received).toHaveLength(1);
      expect(error).toMatchObject({ code: Code.Internal, rawMessage: 'watch broke' });
    } finally {
      server.drains.hold = false;
    }
  });

  it('refuses a drain without a target, and one of an unknown namespace', async () => {
    const invalid = await errorOf(
      (async () => {
        for await (const _ of client.drainConnections(
          { requestId: 'r', reason: '' },
          { headers },
        )) {
          // nothing arrives
        }
      })(),
    );
    expect(invalid.code).toBe(Code.InvalidArgument);
    expect(invalid.findDetails(BadRequestSchema)[0]?.fieldViolations.map((v) => v.field)).toEqual([
      'reason',
      'target',
    ]);
    const missing = await errorOf(client.getOperation({ id: 'op-nope' }, { headers }));
    expect(missing.code).toBe(Code.NotFound);
  });

  it('lists operations newest first and refuses a page size over 100', async () => {
    const { operations, totalSize } = await client.listOperations({}, { headers });
    expect(totalSize).toBe(operations.length);
    const starts = operations.map((o) => Number(o.startTime?.seconds));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    const error = await errorOf(client.listOperations({ pageSize: 101 }, { headers }));
    expect(error.findDetails(BadRequestSchema)[0]?.fieldViolations[0]?.field).toBe('page_size');
  });
});

describe('maintenance and sessions', () => {
  it('sets and reads maintenance mode; a past scheduled end is a field violation', async () => {
    const end = { seconds: BigInt(Math.floor(Date.now() / 1000) + 3600) };
    await client.setMaintenanceMode(
      { enabled: true, message: 'upgrade', scheduledEndTime: end, requestId: 'm-1', reason: 'r' },
      { headers },
    );
    const { status } = await client.getMaintenanceStatus({}, { headers });
    expect(status).toMatchObject({ enabled: true, message: 'upgrade', enabledBy: 'olivia' });
    const error = await errorOf(
      client.setMaintenanceMode(
        { enabled: true, scheduledEndTime: { seconds: 1n }, requestId: 'm-2', reason: 'r' },
        { headers },
      ),
    );
    expect(error.findDetails(BadRequestSchema)[0]?.fieldViolations[0]?.field).toBe(
      'scheduled_end_time',
    );
    await client.setMaintenanceMode({ enabled: false, requestId: 'm-3', reason: 'r' }, { headers });
    expect((await client.getMaintenanceStatus({}, { headers })).status?.enabled).toBe(false);
  });

  it('counts sessions per status, ignoring the status filter', async () => {
    seedNamespace(server, 'counted');
    seedSessions(server, 'counted', 3);
    seedSessions(server, 'counted', 2, 'SESSION_STATUS_IDLE');
    const response = await client.listClientSessions(
      { namespace: 'counted', status: SessionStatus.IDLE, pageSize: 1 },
      { headers },
    );
    expect(response.totalSize).toBe(2);
    expect(response.clientSessions).toHaveLength(1);
    expect(response.statusCounts).toEqual([
      expect.objectContaining({ status: SessionStatus.ACTIVE, count: 3 }),
      expect.objectContaining({ status: SessionStatus.IDLE, count: 2 }),
    ]);
  });

  it('lists namespaces busiest first, counting open sessions it holds', async () => {
    seedNamespace(server, 'busy');
    seedSessions(server, 'busy', 40);
    const { namespaces, totalSize } = await client.listNamespaces(
      { orderBy: 'active_sessions desc', pageSize: 1 },
      { headers },
    );
    expect(namespaces.map((n) => [n.name, n.metrics?.activeSessions])).toEqual([['busy', 40]]);
    expect(totalSize).toBe(server.namespaces.size);
    const error = await errorOf(client.listNamespaces({ orderBy: 'colour' }, { headers }));
    expect(error.findDetails(BadRequestSchema)[0]?.fieldViolations[0]?.field).toBe('order_by');
  });
});
