import * as http2 from 'node:http2';
import { fromBinary } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestSchema } from '../../src/gen/google/rpc/error_details_pb.js';
import { StatusSchema } from '../../src/gen/google/rpc/status_pb.js';
import { AuditOutcome } from '../../src/gen/prism/admin/v1/audit_pb.js';
import { bearer, grpcClient } from './fixtures.js';
import { type ConformanceServer, startConformanceServer } from './server.js';
import { appendAudit } from './state.js';

/*
 * GetAuditLog on the conformance server: filters, batches, the before_id cursor, total_size on
 * the last batch, and an error after some batches sent the way grpc-go sends it (trailers).
 */

let server: ConformanceServer;
let client: ReturnType<typeof grpcClient>;
const headers = { authorization: bearer('ada') };

beforeAll(async () => {
  server = await startConformanceServer({ auditBatchSize: 3 });
  client = grpcClient(server);
  for (let i = 0; i < 10; i++) {
    appendAudit(server, {
      actor: i % 2 === 0 ? 'ada' : 'bob',
      operation: 'UpdateNamespace',
      resource: `namespaces/ns-${i % 3}`,
      namespace: `ns-${i % 3}`,
      outcome: i === 4 ? 'AUDIT_OUTCOME_FAILURE' : 'AUDIT_OUTCOME_SUCCESS',
      reason: `reason ${i}`,
      requestId: `req-${i}`,
    });
  }
});
afterAll(async () => {
  await server?.stop();
});

async function read(request: Parameters<typeof client.getAuditLog>[0]) {
  const batches = [];
  for await (const batch of client.getAuditLog(request, { headers })) batches.push(batch);
  return batches;
}

describe('GetAuditLog', () => {
  it('streams newest first in batches, with total_size on the last batch only', async () => {
    const batches = await read({ limit: 7 });
    expect(batches.map((b) => b.entries.length)).toEqual([3, 3, 1]);
    expect(batches.map((b) => b.totalSize)).toEqual([0, 0, 10]);
    expect(batches.flatMap((b) => b.entries.map((e) => e.requestId))).toEqual([
      'req-9',
      'req-8',
      'req-7',
      'req-6',
      'req-5',
      'req-4',
      'req-3',
    ]);
  });

  it('pages further back with before_id; the total counts what is older', async () => {
    const batches = await read({ beforeId: server.auditLog[3]?.id ?? '' });
    expect(batches.flatMap((b) => b.entries.map((e) => e.requestId))).toEqual([
      'req-2',
      'req-1',
      'req-0',
    ]);
    expect(batches.at(-1)?.totalSize).toBe(3);
  });

  it('filters by actor, outcome, resource and request id', async () => {
    const byActor = await read({ actor: 'bob' });
    expect(byActor.flatMap((b) => b.entries).every((e) => e.actor === 'bob')).toBe(true);
    expect(byActor.at(-1)?.totalSize).toBe(5);
    const failed = await read({ outcome: AuditOutcome.FAILURE });
    expect(failed.flatMap((b) => b.entries.map((e) => e.requestId))).toEqual(['req-4']);
    const byResource = await read({ resource: 'namespaces/ns-1' });
    expect(byResource.at(-1)?.totalSize).toBe(3);
    const one = await read({ requestId: 'req-7' });
    expect(one.flatMap((b) => b.entries.map((e) => e.reason))).toEqual(['reason 7']);
  });

  it('sends one empty batch with total_size 0 when nothing matches', async () => {
    expect(await read({ actor: 'nobody' })).toEqual([
      expect.objectContaining({ entries: [], totalSize: 0 }),
    ]);
  });

  it('refuses an unknown before_id with a field violation', async () => {
    try {
      await read({ beforeId: 'audit-nope' });
      expect.unreachable();
    } catch (err) {
      const error = ConnectError.from(err);
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.findDetails(BadRequestSchema)[0]?.fieldViolations[0]?.field).toBe('before_id');
    }
  });

  it('an error after two batches arrives in trailers after them, as grpc-go sends it', async () => {
    server.scriptStream('GetAuditLog', {
      after: 2,
      error: {
        code: status.UNAVAILABLE,
        message: 'audit store unavailable',
        details: [
          { type: 'ErrorInfo', value: { reason: 'STORE_DOWN', domain: 'admin.prism.dev' } },
        ],
      },
    });
    const session = http2.connect(server.url);
    try {
      const result = await new Promise<{
        headers: http2.IncomingHttpHeaders;
        trailers: http2.IncomingHttpHeaders | undefined;
        bytes: number;
      }>((resolve, reject) => {
        const stream = session.request({
          ':method': 'POST',
          ':path': '/prism.admin.v1.AdminService/GetAuditLog',
          'content-type': 'application/grpc',
          te: 'trailers',
          authorization: headers.authorization,
        });
        let responseHeaders: http2.IncomingHttpHeaders = {};
        let trailers: http2.IncomingHttpHeaders | undefined;
        let bytes = 0;
        stream.on('response', (h) => {
          responseHeaders = h;
        });
        stream.on('trailers', (t) => {
          trailers = t;
        });
        stream.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        stream.on('error', reject);
        stream.on('end', () => resolve({ headers: responseHeaders, trailers, bytes }));
        stream.end(Buffer.alloc(5));
      });
      expect(result.headers['grpc-status']).toBeUndefined();
      expect(result.bytes).toBeGreaterThan(0);
      expect(result.trailers?.['grpc-status']).toBe(String(status.UNAVAILABLE));
      const details = fromBinary(
        StatusSchema,
        Buffer.from(String(result.trailers?.['grpc-status-details-bin']), 'base64'),
      );
      expect(details.message).toBe('audit store unavailable');
    } finally {
      session.close();
    }
  });

  it('the console’s client sees the two batches, then the error', async () => {
    server.scriptStream('GetAuditLog', {
      after: 2,
      error: { code: status.UNAVAILABLE, message: 'audit store unavailable' },
    });
    const received: number[] = [];
    try {
      for await (const batch of client.getAuditLog({}, { headers })) {
        received.push(batch.entries.length);
      }
      expect.unreachable();
    } catch (err) {
      expect(ConnectError.from(err).rawMessage).toBe('audit store unavailable');
    }
    expect(received).toEqual([3, 3]);
  });
});
