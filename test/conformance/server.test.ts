import * as http2 from 'node:http2';
import { fromBinary } from '@bufbuild/protobuf';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestSchema } from '../../src/gen/google/rpc/error_details_pb.js';
import { StatusSchema } from '../../src/gen/google/rpc/status_pb.js';
import { type ConformanceServer, startConformanceServer } from './server.js';

/*
 * The conformance server itself, checked on the wire with a bare HTTP/2 client: it answers
 * errors and enforces keepalive the way grpc-go does, or the console tests prove nothing.
 */

let server: ConformanceServer;
beforeAll(async () => {
  server = await startConformanceServer();
});
afterAll(async () => {
  await server?.stop();
});

/** An empty gRPC message: no compression, length 0. */
const EMPTY_MESSAGE = Buffer.alloc(5);

function call(
  session: http2.ClientHttp2Session,
  method: string,
  authorization = 'Bearer abc.def.ghi',
): Promise<{
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders | undefined;
}> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ':method': 'POST',
      ':path': `/prism.admin.v1.AdminService/${method}`,
      'content-type': 'application/grpc',
      te: 'trailers',
      authorization,
    });
    let headers: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders | undefined;
    stream.on('response', (h) => {
      headers = h;
    });
    stream.on('trailers', (t) => {
      trailers = t;
    });
    stream.on('error', reject);
    stream.on('data', () => {});
    stream.on('end', () => resolve({ headers, trailers }));
    stream.end(EMPTY_MESSAGE);
  });
}

describe('the conformance server', () => {
  it('answers an error trailers-only, with grpc-status, grpc-message and grpc-status-details-bin', async () => {
    server.failNext('CreateNamespace', {
      code: status.INVALID_ARGUMENT,
      message: 'invalid request: 1 problem',
      details: [
        {
          type: 'BadRequest',
          value: { field_violations: [{ field: 'namespace.name', description: 'is reserved' }] },
        },
      ],
    });
    const session = http2.connect(server.url);
    try {
      const { headers, trailers } = await call(session, 'CreateNamespace');
      // Trailers-only: everything in the one HEADERS frame, no separate trailers.
      expect(trailers).toBeUndefined();
      expect(headers[':status']).toBe(200);
      expect(headers['grpc-status']).toBe(String(status.INVALID_ARGUMENT));
      expect(decodeURIComponent(String(headers['grpc-message']))).toBe(
        'invalid request: 1 problem',
      );
      const bin = Buffer.from(String(headers['grpc-status-details-bin']), 'base64');
      const decoded = fromBinary(StatusSchema, bin);
      expect(decoded.code).toBe(status.INVALID_ARGUMENT);
      expect(decoded.details[0]?.typeUrl).toBe('type.googleapis.com/google.rpc.BadRequest');
      const badRequest = fromBinary(
        BadRequestSchema,
        decoded.details[0]?.value ?? new Uint8Array(),
      );
      expect(badRequest.fieldViolations[0]).toMatchObject({
        field: 'namespace.name',
        description: 'is reserved',
      });
    } finally {
      session.close();
    }
  });

  it('refuses a call without a well-formed bearer token', async () => {
    const session = http2.connect(server.url);
    try {
      const { headers } = await call(session, 'ListNamespaces', 'Basic abc');
      expect(headers['grpc-status']).toBe(String(status.UNAUTHENTICATED));
    } finally {
      session.close();
    }
  });

  it('answers pings without calls with GOAWAY ENHANCE_YOUR_CALM "too_many_pings", as grpc-go', async () => {
    const session = http2.connect(server.url);
    const goaway = new Promise<{ code: number; data: string }>((resolve) =>
      session.once('goaway', (code, _last, data) =>
        resolve({ code, data: data?.toString() ?? '' }),
      ),
    );
    session.on('error', () => {});
    await new Promise<void>((resolve) => session.once('connect', () => resolve()));
    // The first ping is allowed; the next three within 2 hours are strikes, the third too many.
    for (let i = 0; i < 4; i++) {
      await new Promise<void>((resolve) => session.ping(() => resolve()));
    }
    expect(await goaway).toEqual({
      code: http2.constants.NGHTTP2_ENHANCE_YOUR_CALM,
      data: 'too_many_pings',
    });
    expect(server.goaways).toContain('ENHANCE_YOUR_CALM');
    session.destroy();
  });
});
