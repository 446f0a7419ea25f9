import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { AdminService } from '../../src/gen/prism/admin/v1/admin_service_pb.js';
import { parseTraceparent } from '../../src/plugins/control-plane.js';

// W3C Trace Context on control-plane calls: a console (buildApp, its real HTTP/2 transport)
// in front of a gRPC server that records the headers of every call it gets. A test route makes
// one call (GetClusterStatus) with the request's call options, as every handler does.

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const INCOMING = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

let server: http2.Http2Server;
let app: FastifyInstance;
const seen: Headers[] = [];

beforeAll(async () => {
  server = http2.createServer(
    connectNodeAdapter({
      routes: (router) =>
        router.service(AdminService, {
          getClusterStatus(_req, ctx) {
            seen.push(ctx.requestHeader);
            return { leaderId: 'node-1' };
          },
        }),
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  app = await buildApp({
    config: loadConfig({
      CONTROL_PLANE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      PUBLIC_URL: 'http://127.0.0.1:8000',
      // Nobody there: no sign-in in this test.
      OIDC_ISSUER: 'http://127.0.0.1:9/',
      OIDC_CLIENT_ID: 'prism-console',
      OIDC_CLIENT_SECRET: 's3cret',
      SESSION_KEY: Buffer.alloc(32, 7).toString('base64'),
      LOG_LEVEL: 'silent',
    }),
  });
  app.get('/test/cluster', { config: { public: true } }, async (request) => {
    await app.controlPlane.getClusterStatus({}, request.rpc());
    return 'ok';
  });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** The trace headers of the control-plane call made for one console request. */
async function callWith(headers: Record<string, string | string[]>) {
  const before = seen.length;
  const res = await app.inject({ url: '/test/cluster', headers });
  expect(res.body).toBe('ok');
  expect(seen.length).toBe(before + 1);
  const header = seen[before] as Headers;
  return { traceparent: header.get('traceparent'), tracestate: header.get('tracestate') };
}

describe('traceparent on control-plane calls', () => {
  it("continues the request's trace with a span of its own, flags and tracestate kept", async () => {
    const sent = await callWith({ traceparent: INCOMING, tracestate: 'vendor=abc,other=1' });
    const [, traceId, spanId, flags] = TRACEPARENT.exec(sent.traceparent ?? '') ?? [];
    expect(traceId).toBe(TRACE_ID);
    expect(spanId).not.toBe('00f067aa0ba902b7');
    expect(flags).toBe('01');
    expect(sent.tracestate).toBe('vendor=abc,other=1');

    // Not sampled stays not sampled; each call has its own span.
    const again = await callWith({ traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-00` });
    expect(again.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-00$`));
    expect(again.traceparent?.split('-')[2]).not.toBe(spanId);
    expect(again.tracestate).toBeNull();
  });

  it('starts a new trace without one, or with an invalid one (and then drops tracestate)', async () => {
    const fresh = await callWith({});
    const other = await callWith({});
    expect(fresh.traceparent).toMatch(TRACEPARENT);
    expect(other.traceparent).toMatch(TRACEPARENT);
    expect(fresh.traceparent?.split('-')[1]).not.toBe(other.traceparent?.split('-')[1]);

    for (const invalid of [
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
      `00-${TRACE_ID}-${'0'.repeat(16)}-01`,
      `ff-${TRACE_ID}-00f067aa0ba902b7-01`,
      `00-${TRACE_ID.toUpperCase()}-00f067aa0ba902b7-01`,
      `00-${TRACE_ID}-00f067aa0ba902b7-01-extra`,
      'garbage',
    ]) {
      const sent = await callWith({ traceparent: invalid, tracestate: 'vendor=abc' });
      expect(sent.traceparent, invalid).toMatch(TRACEPARENT);
      expect(sent.traceparent?.split('-')[1], invalid).not.toBe(TRACE_ID);
      expect(sent.tracestate, invalid).toBeNull();
    }
  });

  it('reads a later version of traceparent and sends version 00', async () => {
    expect(parseTraceparent(`01-${TRACE_ID}-00f067aa0ba902b7-01-future`)).toEqual({
      traceId: TRACE_ID,
      flags: '01',
    });
    const sent = await callWith({ traceparent: `01-${TRACE_ID}-00f067aa0ba902b7-01-future` });
    expect(sent.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
  });
});
