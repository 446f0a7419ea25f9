import { create } from '@bufbuild/protobuf';
import {
  Code,
  ConnectError,
  createClient,
  createContextValues,
  createRouterTransport,
} from '@connectrpc/connect';
import { describe, expect, it } from 'vitest';
import { kAccessTokenSource } from '../../src/control-plane/context.js';
import { AdminService } from '../../src/gen/prism/admin/v1/admin_service_pb.js';
import { MaintenanceStatusSchema } from '../../src/gen/prism/admin/v1/operations_pb.js';
import {
  identityInterceptor,
  kAccessToken,
  kRequestId,
  retryReadsInterceptor,
} from '../../src/plugins/control-plane.js';

// Narrow unit tests of the interceptors, over an in-memory router transport. Everything
// end to end goes through the real HTTP/2 demo control plane instead (test/routes, test/e2e).

function flakyService(failures: number) {
  const calls = { reads: 0, writes: 0, headers: [] as Headers[] };
  const transport = createRouterTransport(
    ({ service }) => {
      service(AdminService, {
        getMaintenanceStatus(_req, ctx) {
          calls.reads++;
          calls.headers.push(ctx.requestHeader);
          if (calls.reads <= failures) throw new ConnectError('leader changing', Code.Unavailable);
          return { status: create(MaintenanceStatusSchema, { enabled: true, message: 'upgrade' }) };
        },
        setMaintenanceMode() {
          calls.writes++;
          throw new ConnectError('leader changing', Code.Unavailable);
        },
      });
    },
    { transport: { interceptors: [identityInterceptor, retryReadsInterceptor(2, 1)] } },
  );
  return { client: createClient(AdminService, transport), calls };
}

describe('retryReadsInterceptor', () => {
  it('retries a read the contract marks side-effect free until it succeeds', async () => {
    const { client, calls } = flakyService(2);
    const res = await client.getMaintenanceStatus({});
    expect(res.status?.message).toBe('upgrade');
    expect(calls.reads).toBe(3);
  });

  it('gives up after the configured retries with the control plane error', async () => {
    const { client, calls } = flakyService(10);
    await expect(client.getMaintenanceStatus({})).rejects.toMatchObject({ code: Code.Unavailable });
    expect(calls.reads).toBe(3);
  });

  it('never repeats a write', async () => {
    const { client, calls } = flakyService(10);
    await expect(
      client.setMaintenanceMode({ enabled: true, requestId: 'r1', reason: 'test' }),
    ).rejects.toMatchObject({ code: Code.Unavailable });
    expect(calls.writes).toBe(1);
  });
});

describe('identityInterceptor', () => {
  it("forwards the console request id and the operator's bearer token", async () => {
    const { client, calls } = flakyService(0);
    await client.getMaintenanceStatus(
      {},
      {
        contextValues: createContextValues()
          .set(kRequestId, 'req-123')
          .set(kAccessToken, 'token-abc'),
      },
    );
    expect(calls.headers[0]?.get('x-request-id')).toBe('req-123');
    expect(calls.headers[0]?.get('authorization')).toBe('Bearer token-abc');
  });

  it('tells the token source when the control plane refuses its token, on a call or a stream', async () => {
    const refusedTokens: string[] = [];
    let served = 0;
    const transport = createRouterTransport(
      ({ service }) => {
        service(AdminService, {
          getMaintenanceStatus(_req, ctx) {
            const auth = ctx.requestHeader.get('authorization');
            if (auth === 'Bearer revoked') throw new ConnectError('revoked', Code.Unauthenticated);
            if (auth === 'Bearer no-rights') throw new ConnectError('no', Code.PermissionDenied);
            return { status: create(MaintenanceStatusSchema, { enabled: false }) };
          },
          async *watch() {
            served++;
            yield { resourceVersion: 1n };
            throw new ConnectError('token revoked', Code.Unauthenticated);
          },
        });
      },
      { transport: { interceptors: [identityInterceptor] } },
    );
    const client = createClient(AdminService, transport);
    const withToken = (token: string) => {
      const source = Object.assign(async () => token, {
        rejected: (refused: string) => refusedTokens.push(refused),
      });
      return { contextValues: createContextValues().set(kAccessTokenSource, source) };
    };
    await client.getMaintenanceStatus({}, withToken('good'));
    await expect(client.getMaintenanceStatus({}, withToken('no-rights'))).rejects.toThrow();
    expect(refusedTokens).toEqual([]);
    await expect(client.getMaintenanceStatus({}, withToken('revoked'))).rejects.toThrow();
    expect(refusedTokens).toEqual(['revoked']);
    // A stream refused after its first message.
    const versions: bigint[] = [];
    await expect(
      (async () => {
        for await (const batch of client.watch({}, withToken('expired-mid-stream'))) {
          versions.push(batch.resourceVersion);
        }
      })(),
    ).rejects.toMatchObject({ code: Code.Unauthenticated });
    expect(served).toBe(1);
    expect(versions).toEqual([1n]);
    expect(refusedTokens).toEqual(['revoked', 'expired-mid-stream']);
    // An operator's source has no `rejected`: the refusal is only the call's error.
    const operator = createContextValues().set(kAccessTokenSource, async () => 'revoked');
    await expect(
      client.getMaintenanceStatus({}, { contextValues: operator }),
    ).rejects.toMatchObject({ code: Code.Unauthenticated });
  });

  it('sends no authorization header when nobody is signed in', async () => {
    const { client, calls } = flakyService(0);
    await client.getMaintenanceStatus({});
    expect(calls.headers[0]?.has('authorization')).toBe(false);
  });
});
