import { create } from '@bufbuild/protobuf';
import {
  Code,
  ConnectError,
  createClient,
  createContextValues,
  createRouterTransport,
  type HandlerContext,
} from '@connectrpc/connect';
import { describe, expect, it } from 'vitest';
import {
  type EtagCollector,
  kAccessToken,
  kBypassCache,
  kEtagParts,
  kMinVersion,
} from '../../src/control-plane/context.js';
import { identityInterceptor } from '../../src/control-plane/interceptors.js';
import { ReadCache, type ReadCacheOptions } from '../../src/control-plane/read-cache.js';
import { AdminService } from '../../src/gen/prism/admin/v1/admin_service_pb.js';
import { NamespaceSchema } from '../../src/gen/prism/admin/v1/namespace_pb.js';
import { ResourceKind, WatchEventSchema } from '../../src/gen/prism/admin/v1/watch_pb.js';
import type { Change, ChangeFeed, ChangeListener } from '../../src/live/changes.js';

/*
 * The read cache as an interceptor in front of an in-memory AdminService that counts its calls
 * and the token each came with. The change feed is a small in-process one the test drives.
 */

class TestFeed implements ChangeFeed {
  live = true;
  resourceVersion = 1n;
  lagMs = 0;
  readonly #listeners = new Set<ChangeListener>();
  subscribe(listener: ChangeListener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  emit(change: Change) {
    for (const listener of this.#listeners) listener(change);
  }
  /** One event of this kind, at the next version. */
  change(kind: ResourceKind) {
    this.resourceVersion += 1n;
    const event = create(WatchEventSchema, { kind, resourceVersion: this.resourceVersion });
    this.emit({ type: 'events', events: [event], resourceVersion: this.resourceVersion });
  }
}

function setUp(options: ReadCacheOptions & { feed?: boolean; serviceToken?: string } = {}) {
  let clock = 0;
  const cache = new ReadCache({ now: () => clock, ...options });
  const feed = new TestFeed();
  const tokens: string[] = [];
  const state = { description: 'first', gate: undefined as Promise<void> | undefined };
  const refuse = new Set<string>();
  let failNext = 0;
  const authorise = (context: HandlerContext) => {
    const token = context.requestHeader.get('authorization')?.replace('Bearer ', '') ?? '';
    tokens.push(token);
    if (refuse.has(token)) throw new ConnectError('not for you', Code.PermissionDenied);
  };
  const transport = createRouterTransport(
    (router) =>
      router.service(AdminService, {
        async listNamespaces(request, context) {
          authorise(context);
          await state.gate;
          if (failNext > 0) {
            failNext--;
            throw new ConnectError('leader changing', Code.Unavailable);
          }
          const names = Array.from({ length: request.pageSize || 3 }, (_, i) => `ns-${i}`);
          return {
            namespaces: names.map((name) =>
              create(NamespaceSchema, { name, description: state.description }),
            ),
          };
        },
        async updateNamespace(request, context) {
          authorise(context);
          state.description = request.namespace?.description ?? '';
          return { namespace: create(NamespaceSchema, request.namespace) };
        },
      }),
    { transport: { interceptors: [cache.interceptor, identityInterceptor] } },
  );
  if (options.feed !== false) cache.attach(feed, async () => options.serviceToken ?? 'service');
  const client = createClient(AdminService, transport);
  const as = (
    token: string,
    extra: (v: ReturnType<typeof createContextValues>) => void = () => {},
  ) => {
    const contextValues = createContextValues().set(kAccessToken, token);
    extra(contextValues);
    return { contextValues };
  };
  return {
    cache,
    feed,
    tokens,
    state,
    refuse,
    client,
    as,
    failNext: (n: number) => {
      failNext = n;
    },
    tick: (ms: number) => {
      clock += ms;
    },
    list: (token = 'op-a', pageSize = 3, extra?: Parameters<typeof as>[1]) =>
      client.listNamespaces({ pageSize }, as(token, extra)),
  };
}

describe('read cache', () => {
  it('makes one call for identical reads in flight at once', async () => {
    const t = setUp({ feed: false });
    let open = () => {};
    t.state.gate = new Promise((resolve) => {
      open = resolve;
    });
    const reads = Array.from({ length: 10 }, (_, i) => t.list(i % 2 ? 'op-a' : 'op-b'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    open();
    const answers = await Promise.all(reads);
    expect(t.tokens).toHaveLength(1);
    expect(answers.every((a) => a.namespaces.length === 3)).toBe(true);
    expect(t.cache.stats()).toMatchObject({ calls: 1, coalesced: 9 });
  });

  it('makes separate calls for different requests', async () => {
    const t = setUp({ feed: false });
    const [three, five] = await Promise.all([t.list('op-a', 3), t.list('op-a', 5)]);
    expect(t.tokens).toHaveLength(2);
    expect([three.namespaces.length, five.namespaces.length]).toEqual([3, 5]);
  });

  it('keeps nothing without a live feed', async () => {
    const t = setUp();
    t.feed.live = false;
    await t.list();
    await t.list();
    expect(t.tokens).toHaveLength(2);
  });

  it('keeps nothing when told not to', async () => {
    const t = setUp();
    t.cache.keepAnswers = false;
    await t.list();
    await t.list();
    expect(t.tokens).toHaveLength(2);
  });

  it('keeps an answer until a change of a kind it depends on', async () => {
    const t = setUp();
    await t.list('op-a');
    await t.list('op-b');
    t.feed.change(ResourceKind.BACKEND);
    t.tick(5000);
    await t.list('op-a');
    expect(t.tokens).toEqual(['service']);
    t.feed.change(ResourceKind.NAMESPACE);
    await t.list('op-a');
    expect(t.tokens).toEqual(['service', 'service']);
    expect(t.cache.stats().hits).toBe(2);
  });

  it('reads at most about once a second under a change every 100 ms', async () => {
    const t = setUp();
    for (let elapsed = 0; elapsed < 3000; elapsed += 100) {
      t.feed.change(ResourceKind.NAMESPACE);
      await Promise.all([t.list('op-a'), t.list('op-b')]);
      t.tick(100);
    }
    expect(t.tokens.length).toBeGreaterThanOrEqual(3);
    expect(t.tokens.length).toBeLessThanOrEqual(4);
  });

  it('stops keeping answers after a resync or when the feed breaks', async () => {
    const t = setUp();
    await t.list();
    t.tick(2000);
    t.feed.emit({ type: 'resync', resourceVersion: 9n });
    await t.list();
    t.feed.live = false;
    t.feed.emit({ type: 'status', live: false });
    await t.list();
    expect(t.tokens).toHaveLength(3);
  });

  it('serves a read asking for a newer version only from an answer at least that new', async () => {
    const t = setUp();
    t.feed.resourceVersion = 5n;
    await t.list();
    await t.list('op-a', 3, (v) => v.set(kMinVersion, 5n));
    expect(t.tokens).toHaveLength(1);
    await t.list('op-a', 3, (v) => v.set(kMinVersion, 6n));
    expect(t.tokens).toHaveLength(2);
  });

  it('goes straight through with the operator token when bypassing, and keeps the answer', async () => {
    const t = setUp();
    await t.list();
    t.state.description = 'written';
    const fresh = await t.list('op-a', 3, (v) => v.set(kBypassCache, true));
    expect(fresh.namespaces[0]?.description).toBe('written');
    expect(t.tokens).toEqual(['service', 'op-a']);
    const later = await t.list('op-b');
    expect(later.namespaces[0]?.description).toBe('written');
    expect(t.tokens).toHaveLength(2);
  });

  it('drops what a write of this replica changes, at once', async () => {
    const t = setUp();
    await t.list();
    await t.client.updateNamespace(
      { namespace: { name: 'ns-0', description: 'changed' } },
      t.as('op-a'),
    );
    const after = await t.list();
    expect(after.namespaces[0]?.description).toBe('changed');
  });

  it('never keeps an error', async () => {
    const t = setUp();
    t.failNext(1);
    await expect(t.list()).rejects.toMatchObject({ code: Code.Unavailable });
    const answer = await t.list();
    expect(answer.namespaces).toHaveLength(3);
    expect(t.tokens).toHaveLength(2);
  });

  it('retries with each caller’s own token when the shared call is refused', async () => {
    const t = setUp();
    t.refuse.add('service');
    const [a, b] = await Promise.all([t.list('op-a'), t.list('op-b')]);
    expect([a.namespaces.length, b.namespaces.length]).toEqual([3, 3]);
    expect(t.tokens.toSorted()).toEqual(['op-a', 'op-b', 'service']);
    // The callers' own answers are not kept for others.
    await t.list('op-c');
    expect(t.tokens).toContain('op-c');
  });

  it('never lets one caller change what another is shown', async () => {
    const t = setUp();
    const first = await t.list();
    expect(() => first.namespaces.reverse()).toThrow(TypeError);
    expect(() => {
      (first.namespaces[0] as { name: string }).name = 'mine';
    }).toThrow(TypeError);
    const second = await t.list('op-b');
    expect(second.namespaces.map((n) => n.name)).toEqual(['ns-0', 'ns-1', 'ns-2']);
    expect(t.tokens).toHaveLength(1);
  });

  it('leaves an answer only its caller saw as it is', async () => {
    const t = setUp({ feed: false });
    const mine = await t.list();
    mine.namespaces.pop();
    expect(mine.namespaces).toHaveLength(2);
  });

  it('keeps a shared call going for the others when one caller gives up', async () => {
    const t = setUp({ feed: false });
    let open = () => {};
    t.state.gate = new Promise((resolve) => {
      open = resolve;
    });
    const leaving = new AbortController();
    const first = t.client.listNamespaces(
      { pageSize: 3 },
      { ...t.as('op-a'), signal: leaving.signal },
    );
    const second = t.list('op-b');
    await new Promise((resolve) => setTimeout(resolve, 10));
    leaving.abort();
    open();
    await expect(first).rejects.toMatchObject({ code: Code.Canceled });
    expect((await second).namespaces).toHaveLength(3);
    expect(t.tokens).toHaveLength(1);
  });

  it('holds at most maxEntries answers, dropping the least recently used', async () => {
    const t = setUp({ maxEntries: 3 });
    for (const size of [1, 2, 3]) await t.list('op-a', size);
    await t.list('op-a', 1); // 1 is now the most recently used
    await t.list('op-a', 4); // drops 2
    expect(t.cache.stats().entries).toBe(3);
    const before = t.tokens.length;
    await t.list('op-a', 1);
    expect(t.tokens.length).toBe(before);
    await t.list('op-a', 2);
    expect(t.tokens.length).toBe(before + 1);
  });

  it('records a fingerprint per answer, the same for the same answer', async () => {
    const t = setUp();
    const collect = (): EtagCollector => ({ parts: [], complete: true });
    const [one, two, three] = [collect(), collect(), collect()];
    await t.list('op-a', 3, (v) => v.set(kEtagParts, one));
    await t.list('op-b', 3, (v) => v.set(kEtagParts, two));
    t.state.description = 'changed';
    t.feed.change(ResourceKind.NAMESPACE);
    t.tick(1000);
    await t.list('op-a', 3, (v) => v.set(kEtagParts, three));
    expect(one.parts).toHaveLength(1);
    expect(two.parts).toEqual(one.parts);
    expect(three.parts[0]).not.toBe(one.parts[0]);
    t.feed.change(ResourceKind.NAMESPACE);
    t.tick(1000);
    t.failNext(1);
    await expect(t.list('op-a', 3, (v) => v.set(kEtagParts, one))).rejects.toThrow();
    expect(one.complete).toBe(false);
  });
});
