import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeType, ResourceKind } from '../../src/gen/prism/admin/v1/watch_pb.js';
import type { Change } from '../../src/live/changes.js';
import { directClient } from '../grpc.js';
import { type Stack, startStack } from '../helper.js';

/*
 * The replica's one Watch (app.changes) against the real demo control plane over HTTP/2, with
 * the real service token from the demo identity provider: changes arrive; a break (the control
 * plane stopped and started again) loses nothing made during it; a resume the control plane
 * cannot serve becomes a resync.
 */

let stack: Stack;
const seen: Change[] = [];
beforeAll(async () => {
  stack = await startStack();
  stack.app.changes?.subscribe((change) => seen.push(change));
});
afterAll(() => stack?.close());

async function waitFor(what: string, ok: () => boolean, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The ids of namespace changes delivered since `from` (an index into `seen`). */
function namespaceIds(from = 0): string[] {
  return seen
    .slice(from)
    .flatMap((change) => (change.type === 'events' ? change.events : []))
    .filter((event) => event.kind === ResourceKind.NAMESPACE)
    .map((event) => event.id);
}

describe('the replica’s watch', () => {
  it('opens with the service token and delivers a change made through the control plane', async () => {
    const feed = stack.app.changes;
    expect(feed).toBeDefined();
    await waitFor('the watch to be live', () => feed?.live === true);
    const start = seen.length;
    const client = directClient(stack.controlPlane.url, stack.admin.accessToken);
    await client.createNamespace({
      namespace: { name: 'watched-create' },
      requestId: `watch-${Date.now()}`,
      reason: 'a change the watch must see',
    });
    await waitFor('the change', () => namespaceIds(start).includes('watched-create'));
    expect(feed?.resourceVersion).toBe(stack.controlPlane.state.currentResourceVersion);
    expect(feed?.lagMs).toBeGreaterThanOrEqual(0);
    const metrics = await stack.app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(/^prism_console_watch_up 1$/m);
  });

  it('resumes after the control plane restarts, without losing a change made meanwhile', async () => {
    const feed = stack.app.changes;
    await waitFor('the watch to be live', () => feed?.live === true);
    const start = seen.length;
    await stack.controlPlane.stop();
    await waitFor('the watch to notice', () => feed?.live === false);
    // Made while no stream is open: the resume must replay it.
    stack.controlPlane.state.emit(ResourceKind.NAMESPACE, 'made-during-break', ChangeType.UPDATED);
    await stack.controlPlane.start();
    await waitFor('the change made during the break', () =>
      namespaceIds(start).includes('made-during-break'),
    );
    expect(feed?.live).toBe(true);
    const kinds = seen.slice(start).map((change) => change.type);
    // Down, then up again, with no resync: nothing was missed.
    expect(kinds).toContain('status');
    expect(kinds).not.toContain('resync');
    const metrics = await stack.app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(/^prism_console_watch_reconnects_total [1-9]\d*$/m);
  });

  it('says resync and watches from now when the changes it missed are no longer held', async () => {
    const feed = stack.app.changes;
    await waitFor('the watch to be live', () => feed?.live === true);
    const start = seen.length;
    await stack.controlPlane.stop();
    await waitFor('the watch to notice', () => feed?.live === false);
    // More changes than the control plane keeps for resuming: the oldest missed one is gone.
    for (let i = 0; i <= 10_000; i++) {
      stack.controlPlane.state.emit(ResourceKind.CLIENT_SESSION, `s-${i}`, ChangeType.UPDATED);
    }
    await stack.controlPlane.start();
    await waitFor('a resync', () => seen.slice(start).some((change) => change.type === 'resync'));
    const resync = seen.slice(start).find((change) => change.type === 'resync');
    expect(resync?.type === 'resync' && resync.resourceVersion).toBe(
      stack.controlPlane.state.currentResourceVersion,
    );
    // And live from there: a new change arrives.
    await waitFor('the watch to be live', () => feed?.live === true);
    const after = seen.length;
    stack.controlPlane.state.emit(ResourceKind.NAMESPACE, 'after-resync', ChangeType.UPDATED);
    await waitFor('a change after the resync', () => namespaceIds(after).includes('after-resync'));
  });
});
