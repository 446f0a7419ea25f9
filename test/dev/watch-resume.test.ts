// Watch resumes on the demo control plane, over HTTP/2 as the console's watcher sees them: a
// stream opened with after_resource_version first replays the retained changes after it, then
// goes on live, with nothing missed and nothing twice; a version it can no longer serve (too
// old, or ahead of it) is refused with OUT_OF_RANGE, so the watcher knows to re-read.

import type { MessageInitShape } from '@bufbuild/protobuf';
import { Code } from '@connectrpc/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETAINED_CHANGES } from '../../src/dev/control-plane/state.js';
import {
  ChangeType,
  ResourceKind,
  type WatchEvent,
  type WatchRequestSchema,
  type WatchResponse,
} from '../../src/gen/prism/admin/v1/watch_pb.js';
import {
  collect,
  expectCode,
  failure,
  type Harness,
  rid,
  startHarness,
  violatedFields,
} from './control-plane/harness.js';

const reason = 'watch resume tests';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** A watch stream read batch by batch; `close()` cancels it. */
function openWatch(request: MessageInitShape<typeof WatchRequestSchema>) {
  const abort = new AbortController();
  const it = h.client.watch(request, { signal: abort.signal })[Symbol.asyncIterator]();
  return {
    async next(): Promise<WatchResponse> {
      const result = await it.next();
      if (result.done) throw new Error('the watch ended');
      return result.value;
    },
    /** Batches until one ends at `version` (or later). */
    async until(version: bigint): Promise<WatchResponse[]> {
      const batches: WatchResponse[] = [];
      for (;;) {
        const batch = await this.next();
        batches.push(batch);
        if (batch.resourceVersion >= version) return batches;
      }
    },
    close: () => abort.abort(),
  };
}

/** Where a new watch starts: its first batch's resource_version. */
async function currentVersion(): Promise<bigint> {
  const watch = openWatch({});
  const first = await watch.next();
  watch.close();
  return first.resourceVersion;
}

const events = (batches: WatchResponse[]) => batches.flatMap((batch) => batch.events);
const summary = (list: WatchEvent[]) => list.map((e) => [e.kind, e.id, e.change]);

async function createNamespace(name: string): Promise<void> {
  await h.client.createNamespace({ namespace: { name }, requestId: rid(), reason });
}

describe('a new watch', () => {
  it('starts with an empty batch at the current version, then one per change', async () => {
    await createNamespace('before-the-watch');
    const watch = openWatch({ kinds: [ResourceKind.NAMESPACE] });
    const first = await watch.next();
    expect(first.events).toEqual([]);
    expect(first.resourceVersion).toBe(h.cp.state.currentResourceVersion);
    expect(first.resourceVersion).toBeGreaterThan(0n);

    await createNamespace('after-the-first-batch');
    const next = await watch.next();
    watch.close();
    expect(summary(next.events)).toEqual([
      [ResourceKind.NAMESPACE, 'after-the-first-batch', ChangeType.CREATED],
    ]);
    expect(next.resourceVersion).toBe(next.events.at(-1)?.resourceVersion);
    expect(next.resourceVersion).toBe(first.resourceVersion + 1n);
  });
});

describe('a resumed watch', () => {
  it('replays exactly the changes it missed, of its kinds, then goes on live', async () => {
    const from = await currentVersion();
    await createNamespace('missed-1');
    await h.client.setMaintenanceMode({ enabled: true, message: 'm', requestId: rid(), reason });
    await createNamespace('missed-2');
    await h.client.setMaintenanceMode({ enabled: false, requestId: rid(), reason });
    await createNamespace('missed-3');

    const watch = openWatch({ kinds: [ResourceKind.NAMESPACE], afterResourceVersion: from });
    const first = await watch.next();
    // The point it resumes after: a stream that breaks now resumes from here again.
    expect(first).toMatchObject({ events: [], resourceVersion: from });
    const replay = await watch.next();
    expect(summary(replay.events)).toEqual([
      [ResourceKind.NAMESPACE, 'missed-1', ChangeType.CREATED],
      [ResourceKind.NAMESPACE, 'missed-2', ChangeType.CREATED],
      [ResourceKind.NAMESPACE, 'missed-3', ChangeType.CREATED],
    ]);
    expect(replay.resourceVersion).toBe(replay.events.at(-1)?.resourceVersion);

    await createNamespace('live-after-replay');
    const live = await watch.next();
    watch.close();
    expect(summary(live.events)).toEqual([
      [ResourceKind.NAMESPACE, 'live-after-replay', ChangeType.CREATED],
    ]);
  });

  it('keeps a namespace filter in the replay', async () => {
    const from = await currentVersion();
    await createNamespace('filtered-out');
    const version = h.cp.state.namespaces.get('user-profiles')?.version ?? 0n;
    await h.client.updateNamespace({
      namespace: { name: 'user-profiles', version, description: 'resumed' },
      updateMask: { paths: ['description'] },
      requestId: rid(),
      reason,
    });
    const watch = openWatch({ namespace: 'user-profiles', afterResourceVersion: from });
    await watch.next();
    const replay = await watch.next();
    watch.close();
    expect(replay.events.map((e) => [e.id, e.change])).toEqual([
      ['user-profiles', ChangeType.UPDATED],
    ]);
  });

  it('replays in batches and loses nothing to changes made during the replay', async () => {
    const state = h.cp.state;
    const from = await currentVersion();
    for (let i = 0; i < 2_500; i++)
      state.emit(ResourceKind.CLIENT_SESSION, `s-${i}`, ChangeType.UPDATED);
    const watch = openWatch({ afterResourceVersion: from });
    const first = await watch.next();
    // Changes keep coming while the replay is on its way.
    for (let i = 0; i < 50; i++) state.emit(ResourceKind.BACKEND, `b-${i}`, ChangeType.UPDATED);
    const end = state.currentResourceVersion;
    const batches = [first, ...(await watch.until(end))];
    watch.close();

    expect(first).toMatchObject({ events: [], resourceVersion: from });
    expect(batches.slice(1, 4).map((b) => b.events.length)).toEqual([1_000, 1_000, 500]);
    const versions = events(batches).map((e) => e.resourceVersion);
    const expected = Array.from({ length: Number(end - from) }, (_, i) => from + BigInt(i + 1));
    expect(versions).toEqual(expected);
    for (const batch of batches.slice(1)) {
      expect(batch.resourceVersion).toBe(batch.events.at(-1)?.resourceVersion);
    }
  });

  it('resumes from the middle of a replay it lost', async () => {
    const state = h.cp.state;
    const from = await currentVersion();
    for (let i = 0; i < 1_500; i++) state.emit(ResourceKind.PROXY, `p-${i}`, ChangeType.UPDATED);
    const broken = openWatch({ afterResourceVersion: from });
    await broken.next();
    const part = await broken.next();
    broken.close();

    const resumed = openWatch({ afterResourceVersion: part.resourceVersion });
    const batches = await resumed.until(state.currentResourceVersion);
    resumed.close();
    expect([...part.events, ...events(batches)].map((e) => e.id)).toEqual(
      Array.from({ length: 1_500 }, (_, i) => `p-${i}`),
    );
  });

  it('is refused with OUT_OF_RANGE once the changes after its version are dropped', async () => {
    const state = h.cp.state;
    const from = await currentVersion();
    for (let i = 0; i <= RETAINED_CHANGES; i++) {
      state.emit(ResourceKind.CLIENT_SESSION, `old-${i}`, ChangeType.UPDATED);
    }
    const err = await failure(collect(h.client.watch({ afterResourceVersion: from })));
    expectCode(err, Code.OutOfRange);
    expect(err.rawMessage).toMatch(
      /^cannot resume the watch: after_resource_version \d+ is older than the changes still held \(the oldest is \d+\); re-read the resources and watch from 0$/,
    );

    // The oldest version it can still resume after replays every change held.
    const oldest = state.oldestRetainedVersion;
    expect(oldest).toBe(from + 2n);
    const watch = openWatch({ afterResourceVersion: oldest - 1n });
    const batches = await watch.until(state.currentResourceVersion);
    watch.close();
    expect(events(batches)).toHaveLength(RETAINED_CHANGES);
  });

  it('is refused with OUT_OF_RANGE from a version ahead of the control plane', async () => {
    const ahead = h.cp.state.currentResourceVersion + 1n;
    const err = await failure(collect(h.client.watch({ afterResourceVersion: ahead })));
    expectCode(err, Code.OutOfRange);
    expect(err.rawMessage).toMatch(
      /after_resource_version \d+ is ahead of this control plane's resource version \d+ .*watch from 0$/,
    );
  });

  it('refuses a negative version as an invalid argument', async () => {
    const err = await failure(collect(h.client.watch({ afterResourceVersion: -1n })));
    expect(violatedFields(err)).toEqual(['after_resource_version']);
  });
});
