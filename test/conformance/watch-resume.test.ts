import type { MessageInitShape } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestSchema } from '../../src/gen/google/rpc/error_details_pb.js';
import {
  ChangeType,
  ResourceKind,
  type WatchRequestSchema,
  type WatchResponse,
} from '../../src/gen/prism/admin/v1/watch_pb.js';
import { bearer, grpcClient, seedNamespace } from './fixtures.js';
import { type ConformanceServer, startConformanceServer } from './server.js';

/*
 * The conformance server's Watch, called with the console's own generated client over gRPC:
 * the resume contract the console's watcher relies on (first batch at the start point, replay
 * after after_resource_version, then live; OUT_OF_RANGE when it cannot), answered the way a
 * grpc-go control plane answers it.
 */

const RETAINED = 50;
let server: ConformanceServer;
let client: ReturnType<typeof grpcClient>;
const headers = { authorization: bearer('wanda') };
const reason = 'watch resume';
let requests = 0;

beforeAll(async () => {
  server = await startConformanceServer({ retainedChanges: RETAINED });
  client = grpcClient(server);
  seedNamespace(server, 'orders');
});
afterAll(async () => {
  await server?.stop();
});

function openWatch(request: MessageInitShape<typeof WatchRequestSchema>) {
  const abort = new AbortController();
  const it = client.watch(request, { headers, signal: abort.signal })[Symbol.asyncIterator]();
  return {
    async next(): Promise<WatchResponse> {
      const result = await it.next();
      if (result.done) throw new Error('the watch ended');
      return result.value;
    },
    close: () => abort.abort(),
  };
}

async function refusal(request: MessageInitShape<typeof WatchRequestSchema>) {
  const watch = openWatch(request);
  try {
    await watch.next();
  } catch (err) {
    return ConnectError.from(err);
  } finally {
    watch.close();
  }
  throw new Error('expected the watch to be refused');
}

async function createNamespace(name: string): Promise<void> {
  requests += 1;
  await client.createNamespace(
    { namespace: { name }, requestId: `watch-${requests}`, reason },
    { headers },
  );
}

describe('Watch on the conformance server', () => {
  it('starts at the current version and announces the mutations it acts on', async () => {
    await createNamespace('before');
    const watch = openWatch({});
    const first = await watch.next();
    expect(first.events).toEqual([]);
    expect(first.resourceVersion).toBe(server.watch.resourceVersion);

    await createNamespace('after');
    await client.setMaintenanceMode(
      { enabled: true, message: 'upgrade', requestId: 'watch-maintenance', reason },
      { headers },
    );
    const batches: WatchResponse[] = [];
    while (batches.flatMap((b) => b.events).length < 2) batches.push(await watch.next());
    watch.close();
    const events = batches.flatMap((b) => b.events);
    expect(events.map((e) => [e.kind, e.id, e.change])).toEqual([
      [ResourceKind.NAMESPACE, 'after', ChangeType.CREATED],
      [ResourceKind.MAINTENANCE, 'maintenance', ChangeType.UPDATED],
    ]);
    expect(events.map((e) => e.resourceVersion)).toEqual([
      first.resourceVersion + 1n,
      first.resourceVersion + 2n,
    ]);
    for (const batch of batches) {
      expect(batch.resourceVersion).toBe(batch.events.at(-1)?.resourceVersion);
    }
  });

  it('replays what a broken stream missed, of its kinds and namespace, then goes on live', async () => {
    const from = server.watch.resourceVersion;
    await createNamespace('missed');
    server.watch.emit('RESOURCE_KIND_CLIENT_SESSION', 's-1', 'CHANGE_TYPE_UPDATED', 'orders');
    server.watch.emit('RESOURCE_KIND_CLIENT_SESSION', 's-2', 'CHANGE_TYPE_UPDATED', 'billing');

    const watch = openWatch({
      kinds: [ResourceKind.CLIENT_SESSION],
      namespace: 'orders',
      afterResourceVersion: from,
    });
    expect(await watch.next()).toMatchObject({ events: [], resourceVersion: from });
    const replay = await watch.next();
    expect(replay.events.map((e) => e.id)).toEqual(['s-1']);
    expect(replay.resourceVersion).toBe(from + 2n);

    server.watch.emit('RESOURCE_KIND_CLIENT_SESSION', 's-3', 'CHANGE_TYPE_UPDATED', 'orders');
    const live = await watch.next();
    watch.close();
    expect(live.events.map((e) => e.id)).toEqual(['s-3']);
  });

  it('answers OUT_OF_RANGE once the changes after the version are no longer held', async () => {
    const from = server.watch.resourceVersion;
    for (let i = 0; i <= RETAINED; i++) {
      server.watch.emit('RESOURCE_KIND_BACKEND', `b-${i}`, 'CHANGE_TYPE_UPDATED');
    }
    const err = await refusal({ afterResourceVersion: from });
    expect(err.code).toBe(Code.OutOfRange);
    expect(err.rawMessage).toMatch(/is older than the oldest change still held/);

    // One later, and every change after it is still there.
    const watch = openWatch({ afterResourceVersion: from + 1n });
    await watch.next();
    const replay = await watch.next();
    watch.close();
    expect(replay.events).toHaveLength(RETAINED);
  });

  it('answers OUT_OF_RANGE to a version from before a restart that reset the counter', async () => {
    const before = server.watch.resourceVersion;
    server.watch.reset();
    await createNamespace('after-restart');
    const err = await refusal({ afterResourceVersion: before });
    expect(err.code).toBe(Code.OutOfRange);
    expect(err.rawMessage).toMatch(/is ahead of the current resource version 1;/);
  });

  it('refuses a negative version or an unspecified kind as invalid arguments', async () => {
    const err = await refusal({ afterResourceVersion: -5n, kinds: [ResourceKind.UNSPECIFIED] });
    expect(err.code).toBe(Code.InvalidArgument);
    const fields = err
      .findDetails(BadRequestSchema)
      .flatMap((d) => d.fieldViolations.map((v) => v.field));
    expect(fields).toEqual(['kinds', 'after_resource_version']);
  });
});
