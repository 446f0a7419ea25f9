import { Code } from '@connectrpc/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessPattern } from '../../../src/gen/prism/admin/v1/client_configuration_pb.js';
import { failure, type Harness, startHarness, violatedFields } from './harness.js';

/* ListClientConfigurations: filters by namespace, pattern, backend and text; order_by; paging. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const names = (r: { clientConfigurations: { name: string }[] }) =>
  r.clientConfigurations.map((c) => c.name);

describe('ListClientConfigurations', () => {
  it('answers every configuration by name by default, 50 a page at most', async () => {
    const all = [...h.cp.state.clientConfigurations.keys()].sort();
    const response = await h.client.listClientConfigurations({ pageSize: 500 });
    expect(names(response)).toEqual(all);
    expect(response.totalSize).toBe(all.length);
    const byDefault = await h.client.listClientConfigurations({});
    expect(byDefault.clientConfigurations.length).toBe(Math.min(50, all.length));
    // Above 500 is lowered to 500 (AIP-158, as every list of this control plane); below 0 refused.
    const huge = await h.client.listClientConfigurations({ pageSize: 100_000 });
    expect(huge.clientConfigurations.length).toBe(Math.min(500, all.length));
    expect(
      violatedFields(await failure(h.client.listClientConfigurations({ pageSize: -1 }))),
    ).toEqual(['page_size']);
  });

  it('filters by namespace, pattern, backend and text, together', async () => {
    const configs = [...h.cp.state.clientConfigurations.values()];
    const kv = await h.client.listClientConfigurations({
      pattern: AccessPattern.KEYVALUE,
      pageSize: 500,
    });
    expect(names(kv)).toEqual(
      configs
        .filter((c) => c.pattern === AccessPattern.KEYVALUE)
        .map((c) => c.name)
        .sort(),
    );
    const redis = await h.client.listClientConfigurations({
      backend: 'redis-cache',
      pageSize: 500,
    });
    expect(redis.clientConfigurations.every((c) => c.backend === 'redis-cache')).toBe(true);
    expect(redis.totalSize).toBe(configs.filter((c) => c.backend === 'redis-cache').length);
    const both = await h.client.listClientConfigurations({
      namespace: 'orders-prod',
      pattern: AccessPattern.PUBSUB,
    });
    expect(names(both)).toEqual(['orders-events']);
    const text = await h.client.listClientConfigurations({ filter: 'WEBHOOKS' });
    expect(names(text)).toEqual(['payment-callbacks']);
  });

  it('orders by each field, " desc" reversing it, ties by name', async () => {
    const byNamespace = await h.client.listClientConfigurations({
      orderBy: 'namespace desc',
      pageSize: 500,
    });
    const ns = byNamespace.clientConfigurations.map((c) => c.namespace);
    expect(ns).toEqual([...ns].sort().reverse());
    const byUpdate = await h.client.listClientConfigurations({
      orderBy: 'update_time desc',
      pageSize: 500,
    });
    const times = byUpdate.clientConfigurations.map((c) => Number(c.updateTime?.seconds ?? 0n));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const field of ['name', 'pattern', 'backend']) {
      const r = await h.client.listClientConfigurations({ orderBy: field });
      expect(r.clientConfigurations.length).toBeGreaterThan(0);
    }
  });

  it('refuses a bad order_by and an unknown pattern with INVALID_ARGUMENT', async () => {
    const bad = await failure(h.client.listClientConfigurations({ orderBy: 'colour' }));
    expect(bad.code).toBe(Code.InvalidArgument);
    expect(violatedFields(bad)).toEqual(['order_by']);
    const asc = await failure(h.client.listClientConfigurations({ orderBy: 'name asc' }));
    expect(asc.code).toBe(Code.InvalidArgument);
    const pattern = await failure(
      h.client.listClientConfigurations({ pattern: 42 as AccessPattern }),
    );
    expect(violatedFields(pattern)).toEqual(['pattern']);
  });

  it('pages with tokens that belong to one query', async () => {
    const first = await h.client.listClientConfigurations({ pageSize: 3 });
    expect(first.clientConfigurations).toHaveLength(3);
    expect(first.nextPageToken).not.toBe('');
    const second = await h.client.listClientConfigurations({
      pageSize: 3,
      pageToken: first.nextPageToken,
    });
    expect(names(second)).not.toContain(names(first)[0]);
    expect(second.previousPageToken).not.toBe('');
    const other = await failure(
      h.client.listClientConfigurations({
        pageSize: 3,
        pageToken: first.nextPageToken,
        orderBy: 'backend',
      }),
    );
    expect(other.code).toBe(Code.InvalidArgument);
  });
});
