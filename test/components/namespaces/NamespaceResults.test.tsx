import { describe, expect, it } from 'vitest';
import { NamespaceFilters } from '../../../components/namespaces/NamespaceFilters.js';
import { NamespaceResults } from '../../../components/namespaces/NamespaceResults.js';
import { NamespaceStatus } from '../../../src/gen/prism/admin/v1/namespace_pb.js';
import type { Role } from '../../../src/plugins/operator.js';
import {
  listQueryInput,
  parseListQuery as parseQuery,
  refusedListView,
} from '../../../src/views/namespaces/list.js';

const parseListQuery = (raw: Record<string, unknown>) => parseQuery(listQueryInput.parse(raw));

import { permissionsFor } from '../../../src/views/permissions.js';
import { IMG_PAYLOAD, listView, namespace, SCRIPT_PAYLOAD } from './fixtures.js';
import { byLabel, byTestId, parse, textOf } from './html.js';

const three = [
  namespace({ name: 'alpha', status: NamespaceStatus.ACTIVE }),
  namespace({ name: 'beta', status: NamespaceStatus.READ_ONLY, quota: { maxSessions: 0 } }),
  namespace({ name: 'gamma', status: NamespaceStatus.SUSPENDED, assignedProxy: '' }),
];

async function render(view = listView({}, three), role: Role = 'admin') {
  return parse(await (<NamespaceResults view={view} can={permissionsFor(role)} />));
}

describe('NamespaceResults', () => {
  it('shows one row per namespace with its name linked to the detail page', async () => {
    const doc = await render();
    const rows = byTestId(doc, 'namespace-row');
    expect(rows.map((row) => textOf(row.querySelector('td a')))).toEqual([
      'alpha',
      'beta',
      'gamma',
    ]);
    expect(rows[0]?.querySelector('td a')?.getAttribute('href')).toBe('/namespaces/alpha');
    const cells = [...(rows[0]?.querySelectorAll('td') ?? [])].map((td) => textOf(td));
    expect(cells).toEqual([
      'alpha',
      'Order lifecycle state',
      'Active',
      '12 / 100',
      '2.0 GiB / 10 GiB',
      '4.5/s',
      'proxy-1',
      expect.stringMatching(/^[\d,]+d ago$/),
    ]);
    // A short relative time, the exact one on hover.
    expect(rows[0]?.querySelector('time')?.getAttribute('title')).toBe('2026-01-02 03:04:05 UTC');
    expect(textOf(rows[1]?.querySelectorAll('td')[3])).toBe('12 / unlimited');
    expect(textOf(rows[2]?.querySelectorAll('td')[6])).toBe('—');
    expect(textOf(byTestId(doc, 'namespace-total')[0])).toBe('3 namespaces in the cluster');
  });

  it('gives every column header a scope and colours status badges by status', async () => {
    const doc = await render();
    const headers = [...doc.querySelectorAll('thead th')];
    expect(headers).toHaveLength(8);
    expect(headers.every((th) => th.getAttribute('scope') === 'col')).toBe(true);
    const badges = byTestId(doc, 'status-badge').map((b) => [
      b.getAttribute('data-status'),
      textOf(b),
      b.querySelector('span')?.className.match(/bg-(\w+)-100/)?.[1],
    ]);
    expect(badges).toEqual([
      ['active', 'Active', 'emerald'],
      ['read-only', 'Read-only', 'amber'],
      ['suspended', 'Suspended', 'red'],
    ]);
  });

  it('marks the sorted column with aria-sort and links each header to its order', async () => {
    const doc = await render(listView({ sort: '-sessions', q: 'a' }, three));
    const header = (key: string) => doc.querySelector(`th[data-sort-key="${key}"]`);
    expect(header('sessions')?.getAttribute('aria-sort')).toBe('descending');
    expect(header('name')?.hasAttribute('aria-sort')).toBe(false);
    expect(header('sessions')?.querySelector('a')?.getAttribute('href')).toBe(
      '/namespaces?q=a&sort=sessions',
    );
    expect(header('name')?.querySelector('a')?.getAttribute('href')).toBe('/namespaces?q=a');
    expect(header('created')?.querySelector('a')?.getAttribute('href')).toBe(
      '/namespaces?q=a&sort=-created',
    );
    // With htmx the header swaps only the results and pushes the same URL.
    const link = header('status')?.querySelector('a');
    expect(link?.getAttribute('hx-get')).toBe(link?.getAttribute('href'));
    expect(link?.getAttribute('hx-target')).toBe('#namespace-results');
    expect(link?.getAttribute('hx-push-url')).toBe('true');

    const byName = await render(listView({}, three));
    expect(byName.querySelector('th[data-sort-key="name"]')?.getAttribute('aria-sort')).toBe(
      'ascending',
    );
  });

  it('links to the previous and next pages with their tokens, keeping the filters', async () => {
    const doc = await render(
      listView({ q: 'o', status: 'active', sort: '-created', size: '2', page: 'p2' }, three, {
        next: 'p3',
        previous: 'p1',
        total: 9,
      }),
    );
    const nav = doc.querySelector('nav[aria-label="Namespace pages"]');
    expect(nav?.querySelector('a[rel="next"]')?.getAttribute('href')).toBe(
      '/namespaces?q=o&status=active&sort=-created&page=p3&size=2',
    );
    expect(nav?.querySelector('a[rel="prev"]')?.getAttribute('href')).toBe(
      '/namespaces?q=o&status=active&sort=-created&page=p1&size=2',
    );
    expect(textOf(byTestId(doc, 'namespace-total')[0])).toBe(
      '9 namespaces match these filters · showing 3 on this page',
    );
    // The order rides along with the next search (form="namespace-filters").
    const hidden = [...doc.querySelectorAll('input[type="hidden"][form="namespace-filters"]')];
    expect(hidden.map((i) => [i.getAttribute('name'), i.getAttribute('value')])).toEqual([
      ['sort', '-created'],
    ]);
  });

  it('has no page links when everything fits, and a disabled "previous" on the first page', async () => {
    expect(byTestId(await render(), 'pagination')).toHaveLength(0);
    const first = await render(listView({}, three, { next: 'p2' }));
    expect(first.querySelector('a[rel="prev"]')).toBeNull();
    expect(first.querySelector('[aria-disabled="true"]')?.textContent).toContain('Previous');
  });

  it('says so when nothing matches, and when there is nothing at all', async () => {
    const filtered = await render(listView({ q: 'zzz' }, []));
    expect(byTestId(filtered, 'namespace-row')).toHaveLength(0);
    expect(textOf(byTestId(filtered, 'namespaces-empty')[0])).toContain(
      'No namespaces match these filters.',
    );
    expect(filtered.querySelector('table')).toBeNull();
    const none = await render(listView({}, []));
    expect(textOf(byTestId(none, 'namespaces-empty')[0])).toContain('There are no namespaces yet.');
  });

  it('offers an admin to create the first namespace, and shows others the role it needs', async () => {
    const admin = byTestId(await render(listView({}, []), 'admin'), 'create-first-namespace')[0];
    expect(admin?.tagName).toBe('A');
    expect(admin?.getAttribute('href')).toBe('/namespaces/new');
    for (const role of ['viewer', 'operator'] as const) {
      const doc = await render(listView({}, []), role);
      const button = byTestId(doc, 'create-first-namespace')[0];
      expect(button?.tagName, role).toBe('BUTTON');
      expect(button?.hasAttribute('disabled')).toBe(true);
      expect(button?.getAttribute('title')).toBe('Needs the admin role');
      expect(textOf(byTestId(doc, 'namespaces-empty')[0])).toContain('needs admin');
      expect(doc.querySelector('a[href="/namespaces/new"]')).toBeNull();
    }
  });

  it('explains a refused query instead of a table', async () => {
    const { query } = parseListQuery({ sort: 'bogus' });
    const doc = await render(refusedListView(query, ['Unknown sort order.']));
    const alert = doc.querySelector('[role="alert"]');
    expect(textOf(alert)).toContain('Unknown sort order.');
    expect(alert?.querySelector('a')?.getAttribute('href')).toBe('/namespaces');
  });

  it('shows names, descriptions and searches with markup as text', async () => {
    const doc = await render(
      listView({ q: SCRIPT_PAYLOAD }, [
        namespace({ name: IMG_PAYLOAD, description: SCRIPT_PAYLOAD, assignedProxy: IMG_PAYLOAD }),
      ]),
    );
    expect(doc.querySelector('img')).toBeNull();
    expect(doc.querySelector('script')).toBeNull();
    const row = byTestId(doc, 'namespace-row')[0];
    expect(textOf(row?.querySelector('td a'))).toBe(IMG_PAYLOAD);
    expect(row?.textContent).toContain(SCRIPT_PAYLOAD);
    // Long values are cut, with the full text (as text) on hover.
    const titles = [...(row?.querySelectorAll('[title]') ?? [])].map((el) =>
      el.getAttribute('title'),
    );
    expect(titles).toContain(SCRIPT_PAYLOAD);
    expect(titles).toContain(IMG_PAYLOAD);
    const empty = await render(listView({ q: IMG_PAYLOAD }, []));
    expect(empty.querySelector('img')).toBeNull();
    expect(empty.body.textContent).toContain(IMG_PAYLOAD);
  });
});

describe('NamespaceFilters', () => {
  it('is a GET form with labelled search and status that htmx runs as you type', async () => {
    const { query } = parseListQuery({ q: IMG_PAYLOAD, status: 'suspended' });
    const doc = parse(await (<NamespaceFilters query={query} />));
    const form = doc.querySelector('form');
    expect(form?.getAttribute('method')).toBe('get');
    expect(form?.getAttribute('action')).toBe('/namespaces');
    expect(form?.querySelector('button[type="submit"]')).not.toBeNull();
    const search = byLabel(doc, 'Search');
    expect(search.getAttribute('name')).toBe('q');
    expect(search.getAttribute('value')).toBe(IMG_PAYLOAD);
    expect(search.getAttribute('hx-trigger')).toBe('input changed delay:300ms, search');
    expect(search.getAttribute('hx-get')).toBe('/namespaces');
    expect(search.getAttribute('hx-target')).toBe('#namespace-results');
    expect(search.getAttribute('hx-push-url')).toBe('true');
    const status = byLabel(doc, 'Status');
    expect(status.querySelector('option[selected]')?.getAttribute('value')).toBe('suspended');
    const size = byLabel(doc, 'Per page');
    expect(size.getAttribute('name')).toBe('size');
    expect(size.querySelector('option[selected]')?.getAttribute('value')).toBe('50');
    expect(doc.querySelector('img')).toBeNull();
  });
});
