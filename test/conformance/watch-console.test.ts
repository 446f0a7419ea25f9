import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourceKind } from '../../src/gen/prism/admin/v1/watch_pb.js';
import type { Change } from '../../src/live/changes.js';
import { type ConsoleOnConformance, consoleOnConformance } from './console-stack.js';

/*
 * The replica's one Watch (app.changes) against the conformance server (grpc-js, answering the
 * way a grpc-go control plane does), through what production control planes do to a stream
 * that stays open for days: its connection retired at the maximum age (GOAWAY, then cut once
 * the grace period is over), and the replica's token revoked while the stream is open.
 */

async function waitFor(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What the replica's feed delivers, from the moment this is called. */
function record(c: ConsoleOnConformance) {
  const seen: Change[] = [];
  c.app.changes?.subscribe((change) => seen.push(change));
  return {
    seen,
    /** The ids of namespace changes delivered since `from` (an index into `seen`). */
    namespaceIds: (from = 0) =>
      seen
        .slice(from)
        .flatMap((change) => (change.type === 'events' ? change.events : []))
        .filter((event) => event.kind === ResourceKind.NAMESPACE)
        .map((event) => event.id),
  };
}

const watchCalls = (c: ConsoleOnConformance) => c.server.calls.filter((m) => m === 'Watch').length;
const live = (c: ConsoleOnConformance) => c.app.changes?.live === true;

describe('the replica’s watch, connections retired at their maximum age', () => {
  let c: ConsoleOnConformance;
  beforeAll(async () => {
    c = await consoleOnConformance({ maxConnectionAgeMs: 1_500, maxConnectionAgeGraceMs: 300 });
  });
  afterAll(() => c?.close());

  it('goes on across each GOAWAY and cut: every change once, in order, and no resync', {
    timeout: 60_000,
  }, async () => {
    const feed = record(c);
    await waitFor('the watch to be live', () => live(c));
    // A first change, so that the feed has a version to resume from (0 would be a resync).
    c.server.watch.emit('RESOURCE_KIND_NAMESPACE', 'aged-first', 'CHANGE_TYPE_UPDATED');
    await waitFor('the first change', () => feed.namespaceIds().includes('aged-first'));
    const from = feed.seen.length;
    const watches = watchCalls(c);
    // A change every 100 ms until the stream has been retired three times (a cycle is ~1.8 s;
    // longer on a loaded machine): some land while it is cut and being reopened.
    const made: string[] = [];
    for (const deadline = Date.now() + 40_000; watchCalls(c) - watches < 3; ) {
      if (Date.now() > deadline) throw new Error('the stream was not retired three times');
      const id = `aged-${made.length}`;
      c.server.watch.emit('RESOURCE_KIND_NAMESPACE', id, 'CHANGE_TYPE_UPDATED');
      made.push(id);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // And a last one on the stream opened after the third retirement.
    c.server.watch.emit('RESOURCE_KIND_NAMESPACE', 'aged-last', 'CHANGE_TYPE_UPDATED');
    made.push('aged-last');
    await waitFor('every change', () => feed.namespaceIds(from).length >= made.length);
    expect(feed.namespaceIds(from)).toEqual(made);
    expect(feed.seen.slice(from).map((change) => change.type)).not.toContain('resync');
    // Retired by GOAWAY at the maximum age, not refused.
    expect(c.server.goaways).toContain('NO_ERROR');
    await waitFor('the watch to be live', () => live(c));
    expect(c.app.changes?.resourceVersion).toBe(c.server.watch.resourceVersion);
  });
});

describe('the replica’s watch, its token revoked', () => {
  let c: ConsoleOnConformance;
  beforeAll(async () => {
    c = await consoleOnConformance();
  });
  afterAll(() => c?.close());

  it('is reopened with a new token, not the refused one until it expires; nothing is lost', async () => {
    const feed = record(c);
    await waitFor('the watch to be live', () => live(c));
    c.server.watch.emit('RESOURCE_KIND_NAMESPACE', 'before', 'CHANGE_TYPE_UPDATED');
    await waitFor('a first change', () => feed.namespaceIds().includes('before'));
    // From here: the stream's first opening (a resync) may have come before or after record().
    const from = feed.seen.length;
    const watches = watchCalls(c);
    const revoked = c.server.lastToken('Watch');
    expect(revoked).toBeTruthy();
    c.server.revoke(revoked as string);
    // Made while the stream is down: the resume replays it.
    c.server.watch.emit('RESOURCE_KIND_NAMESPACE', 'during-revocation', 'CHANGE_TYPE_UPDATED');
    await waitFor(
      'the watch open again with another token',
      () => live(c) && c.server.lastToken('Watch') !== revoked,
    );
    c.server.watch.emit('RESOURCE_KIND_NAMESPACE', 'after-revocation', 'CHANGE_TYPE_UPDATED');
    await waitFor('the change after it', () => feed.namespaceIds().includes('after-revocation'));
    expect(feed.namespaceIds(from)).toEqual(['during-revocation', 'after-revocation']);
    expect(feed.seen.slice(from).map((change) => change.type)).not.toContain('resync');
    // The next opening had the new token: the revoked one was not tried again.
    expect(watchCalls(c) - watches).toBe(1);
  });
});

describe('the replica’s watch, broken while the cluster has had no change yet', () => {
  let c: ConsoleOnConformance;
  beforeAll(async () => {
    c = await consoleOnConformance();
  });
  afterAll(() => c?.close());

  it('says resync when it is open again: resuming after version 0 would mean "from now"', async () => {
    const feed = record(c);
    await waitFor('the watch to be live', () => live(c));
    expect(c.app.changes?.resourceVersion).toBe(0n);
    const from = feed.seen.length;
    c.server.revoke(c.server.lastToken('Watch') as string);
    c.server.watch.emit('RESOURCE_KIND_NAMESPACE', 'during-break', 'CHANGE_TYPE_CREATED');
    const since = () => feed.seen.slice(from);
    await waitFor('a resync', () => since().some((change) => change.type === 'resync'));
    const resync = since().find((change) => change.type === 'resync');
    expect(resync?.type === 'resync' && resync.resourceVersion).toBe(1n);
    c.server.watch.emit('RESOURCE_KIND_NAMESPACE', 'after-break', 'CHANGE_TYPE_CREATED');
    await waitFor('the change after it', () => feed.namespaceIds().includes('after-break'));
  });
});
