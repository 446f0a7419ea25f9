import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, rid, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const reason = 'testing the proxies list';

/** Each proxy's namespaces by the namespaces' own assigned_proxy, sorted. */
async function assignedByNamespaces(): Promise<Map<string, string[]>> {
  const { namespaces } = await h.client.listNamespaces({ pageSize: 500 });
  const byProxy = new Map<string, string[]>();
  for (const ns of namespaces) {
    byProxy.set(ns.assignedProxy, [...(byProxy.get(ns.assignedProxy) ?? []), ns.name]);
  }
  for (const names of byProxy.values()) names.sort((a, b) => a.localeCompare(b));
  return byProxy;
}

describe('ListProxies namespaces', () => {
  it('lists the namespaces assigned to each proxy, sorted, namespace_count of them', async () => {
    const { proxies } = await h.client.listProxies({});
    const expected = await assignedByNamespaces();
    expect(proxies.some((p) => p.namespaces.length > 1)).toBe(true);
    for (const proxy of proxies) {
      expect(proxy.namespaces).toEqual(expected.get(proxy.id) ?? []);
      expect(proxy.namespaceCount).toBe(proxy.namespaces.length);
    }
  });

  it('follows a namespace created and deleted', async () => {
    const created = await h.client.createNamespace({
      namespace: { name: 'proxy-list-check' },
      requestId: rid(),
      reason,
    });
    const proxyId = created.namespace?.assignedProxy ?? '';
    expect(proxyId).not.toBe('');
    const holder = (await h.client.listProxies({})).proxies.find((p) => p.id === proxyId);
    expect(holder?.namespaces).toContain('proxy-list-check');
    expect(holder?.namespaceCount).toBe(holder?.namespaces.length);

    await h.client.deleteNamespace({
      name: 'proxy-list-check',
      version: created.namespace?.version ?? 0n,
      requestId: rid(),
      reason,
    });
    const after = (await h.client.listProxies({})).proxies;
    expect(after.flatMap((p) => p.namespaces)).not.toContain('proxy-list-check');
  });
});
