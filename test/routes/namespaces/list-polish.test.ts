import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byTestId, textOf } from '../../components/namespaces/html.js';
import { type SignedIn, type Stack, startStack } from '../../helper.js';
import { getPage, htmx } from './support.js';

/*
 * The namespace list: sorting on every numeric column, over-quota rows highlighted in words,
 * and canonical URLs (no empty parameters; typing replaces the address, choices push it).
 */

let stack: Stack;
let viewer: SignedIn;
let operator: SignedIn;
beforeAll(async () => {
  stack = await startStack();
  [viewer, operator] = await Promise.all([stack.signIn('viewer'), stack.signIn('operator')]);
});
const roles = [
  ['admin', () => stack.admin],
  ['operator', () => operator],
  ['viewer', () => viewer],
] as const;
afterAll(async () => {
  await stack?.close();
});

const rowNames = (doc: Parameters<typeof byTestId>[0]) =>
  byTestId(doc, 'namespace-row').map((row) => row.getAttribute('data-name') ?? '');
const namespaces = () => [...stack.controlPlane.state.namespaces.values()];

describe('sorting on numeric columns', () => {
  it.each([
    [
      'storage',
      (ns: ReturnType<typeof namespaces>[number]) => Number(ns.metrics?.storageUsedBytes ?? 0n),
    ],
    ['rps', (ns: ReturnType<typeof namespaces>[number]) => ns.metrics?.rps ?? 0],
  ] as const)('sorts by %s, largest first, then the other way', async (key, value) => {
    const { doc } = await getPage(viewer, `/namespaces?sort=-${key}&size=500`);
    const byName = new Map(namespaces().map((ns) => [ns.name, value(ns)]));
    const shown = rowNames(doc).map((name) => byName.get(name) ?? Number.NaN);
    expect(shown).toHaveLength(namespaces().length);
    expect(shown).toEqual([...shown].sort((a, b) => b - a));
    const header = doc.querySelector(`th[data-sort-key="${key}"]`);
    expect(header?.getAttribute('aria-sort')).toBe('descending');
    // Clicking the header again reverses it.
    const reverse = header?.querySelector('a')?.getAttribute('href') ?? '';
    expect(reverse).toBe(`/namespaces?sort=${key}&size=500`);
    const ascending = rowNames((await getPage(viewer, reverse)).doc).map(
      (name) => byName.get(name) ?? Number.NaN,
    );
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
  });

  it.each(roles)(
    'offers a sort link on sessions, storage and requests/s, largest first (%s)',
    async (_role, who) => {
      const { doc } = await getPage(who(), '/namespaces');
      for (const key of ['sessions', 'storage', 'rps']) {
        expect(doc.querySelector(`th[data-sort-key="${key}"] a`)?.getAttribute('href'), key).toBe(
          `/namespaces?sort=-${key}`,
        );
      }
    },
  );
});

describe('over-quota rows', () => {
  it('are tinted and say which quota is exceeded, in words', async () => {
    const target = namespaces().find((ns) => ns.quota && ns.metrics);
    if (!target?.quota || !target.metrics) throw new Error('no namespace with quota and metrics');
    const saved = { ...target.metrics };
    const limit = target.quota.maxStorageBytes;
    target.quota.maxStorageBytes = 1000n;
    target.metrics.storageUsedBytes = 5000n;
    try {
      const { doc } = await getPage(viewer, `/namespaces?q=${encodeURIComponent(target.name)}`);
      const row = byTestId(doc, 'namespace-row').find(
        (r) => r.getAttribute('data-name') === target.name,
      );
      expect(row?.getAttribute('data-over-quota')).toContain('storage');
      expect(row?.getAttribute('class')).toContain('bg-red-50');
      expect(textOf(row?.querySelector('[data-testid="over-quota"]'))).toContain(
        'over quota: storage',
      );
      // Rows within their quotas say nothing.
      const others = byTestId(doc, 'namespace-row').filter(
        (r) => r.getAttribute('data-name') !== target.name && !r.hasAttribute('data-over-quota'),
      );
      for (const other of others)
        expect(other.querySelector('[data-testid="over-quota"]')).toBeNull();
    } finally {
      target.quota.maxStorageBytes = limit;
      Object.assign(target.metrics, saved);
    }
  });

  it('show long values cut with the full text on hover, and the exact creation time', async () => {
    const { doc } = await getPage(viewer, '/namespaces?size=5');
    const row = byTestId(doc, 'namespace-row')[0];
    const name = row?.getAttribute('data-name') ?? '';
    const ns = stack.controlPlane.state.namespaces.get(name);
    const cells = row?.querySelectorAll('td') ?? [];
    expect(cells[1]?.querySelector('[title]')?.getAttribute('title')).toBe(ns?.description);
    const time = row?.querySelector('time');
    expect(textOf(time)).toMatch(/ago$|^just now$/);
    expect(time?.getAttribute('title')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  });
});

describe('canonical URLs', () => {
  it.each(roles)(
    'redirects a no-JS form submission with empty fields to the URL without them (%s)',
    async (_role, who) => {
      const res = await who().inject({ url: '/namespaces?q=&status=&sort=&size=50' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/namespaces?size=50');
      const search = await viewer.inject({ url: '/namespaces?q=orders&status=' });
      expect(search.statusCode).toBe(303);
      expect(search.headers.location).toBe('/namespaces?q=orders');
      // Already canonical: the page itself.
      expect((await viewer.inject({ url: '/namespaces?q=orders' })).statusCode).toBe(200);
    },
  );

  it('replaces the address for a search typed in the box, canonical', async () => {
    const res = await viewer.inject({
      url: '/namespaces?q=ord&status=&size=50',
      headers: { ...htmx('namespace-results'), 'hx-trigger': 'namespace-search' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body.startsWith('<section id="namespace-results"')).toBe(true);
    expect(res.headers['hx-replace-url']).toBe('/namespaces?q=ord&size=50');
    expect(res.headers['hx-push-url']).toBeUndefined();
  });

  it('pushes the canonical address for a chosen filter or sort', async () => {
    const res = await viewer.inject({
      url: '/namespaces?q=&status=suspended&size=50',
      headers: { ...htmx('namespace-results'), 'hx-trigger': 'namespace-status' },
    });
    expect(res.headers['hx-push-url']).toBe('/namespaces?status=suspended&size=50');
    expect(res.headers['hx-replace-url']).toBeUndefined();
  });

  it('leaves the history alone for a request aimed elsewhere (a redirect’s HX-Location)', async () => {
    const res = await viewer.inject({ url: '/namespaces?notice=deleted', headers: htmx('main') });
    expect(res.statusCode).toBe(200);
    expect(res.headers['hx-push-url']).toBeUndefined();
    expect(res.headers['hx-replace-url']).toBeUndefined();
  });

  it('shows the loading state for every filter request, typing included', async () => {
    const { doc } = await getPage(viewer, '/namespaces');
    const indicator = doc.querySelector('[data-testid="namespace-loading"]');
    expect(indicator?.getAttribute('class')).toContain('htmx-indicator');
    const id = indicator?.getAttribute('id');
    for (const control of ['namespace-search', 'namespace-status', 'namespace-size']) {
      expect(doc.getElementById(control)?.getAttribute('hx-indicator'), control).toBe(`#${id}`);
    }
  });
});
