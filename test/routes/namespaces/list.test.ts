import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NamespaceStatus } from '../../../src/gen/prism/admin/v1/namespace_pb.js';
import { byTestId, textOf } from '../../components/namespaces/html.js';
import { type Stack, startStack } from '../../helper.js';
import { getPage, htmx } from './support.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const rowNames = (doc: Parameters<typeof byTestId>[0]) =>
  byTestId(doc, 'namespace-row').map((row) => row.getAttribute('data-name') ?? '');

describe('GET /namespaces', () => {
  it('lists the first page of namespaces by name, with the total', async () => {
    const { response, doc } = await getPage(stack.admin, '/namespaces');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers.vary).toMatch(/HX-Request/);
    const all = [...stack.controlPlane.state.namespaces.keys()].sort();
    const names = rowNames(doc);
    expect(names).toEqual(all.slice(0, 50));
    expect(textOf(byTestId(doc, 'namespace-total')[0])).toContain(String(all.length));
    expect(doc.querySelector('th[data-sort-key="name"]')?.getAttribute('aria-sort')).toBe(
      'ascending',
    );
    expect(doc.querySelector('title')?.textContent).toContain('Namespaces');
  });

  it('pages with the size and the control plane’s page tokens', async () => {
    const all = [...stack.controlPlane.state.namespaces.keys()].sort();
    const first = await getPage(stack.admin, '/namespaces?size=10');
    expect(rowNames(first.doc)).toEqual(all.slice(0, 10));
    expect(first.doc.querySelector('a[rel="prev"]')).toBeNull();
    const next = first.doc.querySelector('a[rel="next"]')?.getAttribute('href');
    expect(next).toMatch(/^\/namespaces\?page=[^&]+&size=10$/);

    const second = await getPage(stack.admin, next ?? '');
    expect(second.response.statusCode).toBe(200);
    expect(rowNames(second.doc)).toEqual(all.slice(10, 20));
    const back = second.doc.querySelector('a[rel="prev"]')?.getAttribute('href') ?? '';
    expect(rowNames((await getPage(stack.admin, back)).doc)).toEqual(all.slice(0, 10));
  });

  it('searches names and descriptions', async () => {
    const { doc } = await getPage(stack.admin, '/namespaces?q=ORDERS');
    const expected = [...stack.controlPlane.state.namespaces.values()]
      .filter((ns) => `${ns.name} ${ns.description}`.toLowerCase().includes('orders'))
      .map((ns) => ns.name)
      .sort();
    expect(expected.length).toBeGreaterThan(1);
    expect(rowNames(doc)).toEqual(expected);
    expect((doc.getElementById('namespace-search') as unknown as { value: string }).value).toBe(
      'ORDERS',
    );
  });

  it('filters by status', async () => {
    const { doc } = await getPage(stack.admin, '/namespaces?status=suspended');
    const expected = [...stack.controlPlane.state.namespaces.values()]
      .filter((ns) => ns.status === NamespaceStatus.SUSPENDED)
      .map((ns) => ns.name)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(rowNames(doc)).toEqual(expected);
    expect(
      byTestId(doc, 'status-badge').every((b) => b.getAttribute('data-status') === 'suspended'),
    ).toBe(true);
  });

  it('sorts by the column in the URL, either way', async () => {
    const all = [...stack.controlPlane.state.namespaces.keys()].sort();
    const desc = await getPage(stack.admin, '/namespaces?sort=-name&size=5');
    expect(rowNames(desc.doc)).toEqual(all.slice(-5).reverse());
    expect(desc.doc.querySelector('th[data-sort-key="name"]')?.getAttribute('aria-sort')).toBe(
      'descending',
    );
    const busiest = await getPage(stack.admin, '/namespaces?sort=-sessions&size=10');
    const sessions = rowNames(busiest.doc).map(
      (name) => stack.controlPlane.state.namespaces.get(name)?.metrics?.activeSessions ?? -1,
    );
    expect(sessions).toEqual([...sessions].sort((a, b) => b - a));
    expect(
      busiest.doc.querySelector('th[data-sort-key="sessions"]')?.getAttribute('aria-sort'),
    ).toBe('descending');
  });

  it('answers htmx with only the results region, and everything else with the page', async () => {
    const fragment = await stack.admin.inject({
      url: '/namespaces?q=orders',
      headers: htmx('namespace-results'),
    });
    expect(fragment.statusCode).toBe(200);
    expect(fragment.body.startsWith('<section id="namespace-results"')).toBe(true);
    expect(fragment.body).not.toContain('<html');
    expect(fragment.body).toContain('data-testid="namespace-row"');
    expect(fragment.headers.vary).toMatch(/HX-Request/);
    expect(fragment.headers.vary).toMatch(/HX-Target/);

    for (const headers of [
      {},
      { 'hx-request': 'true', 'hx-target': 'main' },
      { ...htmx('namespace-results'), 'hx-history-restore-request': 'true' },
    ]) {
      const page = await stack.admin.inject({ url: '/namespaces?q=orders', headers });
      expect(page.body).toMatch(/^<!doctype html>/i);
      expect(page.body).toContain('id="namespace-filters"');
    }
  });

  it('explains a bad sort, size or status instead of failing', async () => {
    for (const [query, words] of [
      ['sort=password', /sort order/],
      ['size=0', /page size/],
      ['size=100000', /page size/],
      ['status=deleted', /status/],
    ] as const) {
      const { response, doc } = await getPage(stack.admin, `/namespaces?${query}`);
      expect(response.statusCode).toBe(400);
      const problems = byTestId(doc, 'list-problems')[0];
      expect(textOf(problems)).toMatch(words);
      // The filters are still there to fix it.
      expect(doc.getElementById('namespace-filters')).not.toBeNull();
    }
  });

  it('explains a page token the control plane refuses, in the page or the fragment', async () => {
    const { response, doc } = await getPage(stack.admin, '/namespaces?page=not-a-token');
    expect(response.statusCode).toBe(400);
    expect(textOf(byTestId(doc, 'list-problems')[0])).toMatch(/page token/);

    // A token from one search does not fit another.
    const first = await getPage(stack.admin, '/namespaces?size=5');
    const next = first.doc.querySelector('a[rel="next"]')?.getAttribute('href') ?? '';
    const token = new URL(next, 'http://x').searchParams.get('page') ?? '';
    const fragment = await stack.admin.inject({
      url: `/namespaces?q=orders&page=${encodeURIComponent(token)}`,
      headers: htmx('namespace-results'),
    });
    expect(fragment.statusCode).toBe(400);
    expect(fragment.body.startsWith('<section id="namespace-results"')).toBe(true);
    expect(fragment.body).toMatch(/different query/);
  });

  it('says so when nothing matches', async () => {
    const { response, doc } = await getPage(stack.admin, '/namespaces?q=no-such-thing-anywhere');
    expect(response.statusCode).toBe(200);
    expect(byTestId(doc, 'namespace-row')).toHaveLength(0);
    expect(textOf(byTestId(doc, 'namespaces-empty')[0])).toContain('No namespaces match');
  });

  it('shows a fixed confirmation for a known notice, and nothing for anything else', async () => {
    const deleted = await getPage(stack.admin, '/namespaces?notice=deleted');
    expect(textOf(byTestId(deleted.doc, 'notice')[0])).toBe('Namespace deleted.');
    const crafted = await getPage(
      stack.admin,
      `/namespaces?notice=${encodeURIComponent('Your account is locked, call 555')}`,
    );
    expect(byTestId(crafted.doc, 'notice')).toHaveLength(0);
    expect(crafted.response.body).not.toContain('555');
  });
});

describe('GET /namespaces/:name', () => {
  it('shows quota against usage, config, placement and provenance', async () => {
    const ns = stack.controlPlane.state.namespaces.get('orders-prod');
    expect(ns).toBeDefined();
    const { response, doc } = await getPage(stack.admin, '/namespaces/orders-prod');
    expect(response.statusCode).toBe(200);
    expect(textOf(doc.querySelector('h1'))).toBe('orders-prod');
    expect(byTestId(doc, 'quota-usage').map((c) => c.getAttribute('data-quota'))).toEqual([
      'Sessions',
      'Storage',
      'Requests per second',
    ]);
    expect(textOf(byTestId(doc, 'assigned-proxy')[0])).toBe(ns?.assignedProxy);
    expect(textOf(byTestId(doc, 'version')[0])).toBe(String(ns?.version));
    expect(byTestId(doc, 'config-entry')).toHaveLength(Object.keys(ns?.config ?? {}).length);
    expect(byTestId(doc, 'edit-namespace')[0]?.getAttribute('href')).toBe(
      '/namespaces/orders-prod/edit',
    );
    expect(byTestId(doc, 'delete-namespace')[0]?.getAttribute('href')).toBe(
      '/namespaces/orders-prod/delete',
    );
  });

  it('shows a description with markup as text', async () => {
    const { doc } = await getPage(stack.admin, '/namespaces/legacy-import');
    expect(textOf(byTestId(doc, 'namespace-description')[0])).toContain(
      'the old <Shop v1> system & its "CSV" files',
    );
    expect(doc.querySelector('shop')).toBeNull();
  });

  it('is a 404 page for a namespace that does not exist', async () => {
    for (const url of ['/namespaces/no-such-namespace', '/namespaces/no-such-namespace/edit']) {
      const { response, doc } = await getPage(stack.admin, url);
      expect(response.statusCode).toBe(404);
      expect(textOf(byTestId(doc, 'error')[0])).toMatch(/not found/i);
    }
  });
});
