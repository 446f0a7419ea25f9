import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NamespaceStatus } from '../../src/gen/prism/admin/v1/namespace_pb.js';
import { holdFirst } from './browser.js';
import {
  auditEntries,
  currentPath,
  exists,
  field,
  type NamespacesStack,
  rowNames,
  seedNamespace,
  settled,
  startNamespacesStack,
  unexpectedErrors,
  uniqueName,
  WAIT,
} from './namespaces-support.js';

let e2e: NamespacesStack;

beforeAll(async () => {
  e2e = await startNamespacesStack();
});
afterAll(() => e2e?.close());

/** Sets a marker on `window` that only survives while no full page load happens. */
async function markWindow(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as { __marker?: number }).__marker = 1;
  });
}
async function marker(page: Page): Promise<number | undefined> {
  return page.evaluate(() => (window as { __marker?: number }).__marker);
}

/** The names the control plane lists for a query the console would send for this view. */
async function listed(query: {
  filter?: string;
  orderBy?: string;
  pageSize?: number;
  pageToken?: string;
}) {
  const response = await e2e.direct.listNamespaces({
    filter: query.filter ?? '',
    orderBy: query.orderBy ?? 'name',
    pageSize: query.pageSize ?? 50,
    pageToken: query.pageToken ?? '',
  });
  return response.namespaces.map((ns) => ns.name);
}

describe('namespaces in Chromium, with htmx', () => {
  it('creates a namespace from the form and lands on it', async () => {
    const { page, pageErrors, context } = await e2e.openAsAdmin();
    const name = uniqueName('e2e-create');
    await page.goto(`${e2e.base}/namespaces`);
    await page.getByRole('link', { name: 'New namespace' }).click();
    await page.waitForURL(`${e2e.base}/namespaces/new`, WAIT);

    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Description').fill('Created in Chromium');
    await page.getByLabel('Status').selectOption('read-only');
    await page.getByLabel('Max sessions').fill('120');
    await page.getByLabel('Max storage').fill('5GiB');
    await page.getByLabel('Max requests per second').fill('900');
    await page.getByLabel('Configuration').fill('retention=7d\nconsistency=strong');
    await page.getByLabel('Reason').fill('ticket OPS-1: new tenant');
    await page.getByRole('button', { name: 'Create namespace' }).click();

    await page.waitForURL((url) => url.pathname === `/namespaces/${name}`, WAIT);
    await page.getByRole('heading', { level: 1, name, exact: true }).waitFor(WAIT);
    expect(await page.getByTestId('notice').textContent()).toContain('Namespace created.');
    expect(await page.getByTestId('namespace-description').textContent()).toBe(
      'Created in Chromium',
    );

    const { namespace } = await e2e.direct.getNamespace({ name });
    expect(namespace?.description).toBe('Created in Chromium');
    expect(namespace?.status).toBe(NamespaceStatus.READ_ONLY);
    expect(namespace?.quota).toMatchObject({
      maxSessions: 120,
      maxStorageBytes: 5n * 1024n ** 3n,
      maxRps: 900,
    });
    expect(namespace?.config).toEqual({ retention: '7d', consistency: 'strong' });
    const audit = await auditEntries(e2e.direct, name);
    expect(audit.map((entry) => [entry.operation, entry.reason])).toContainEqual([
      expect.stringMatching(/create/i),
      'ticket OPS-1: new tenant',
    ]);

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('keeps what was typed and says why beside the field when the name is invalid', async () => {
    const { page, pageErrors, context } = await e2e.openAsAdmin();
    await page.goto(`${e2e.base}/namespaces/new`);
    await page.getByLabel('Name', { exact: true }).fill('Bad Name!');
    await page.getByLabel('Description').fill('typed before the error');
    await page.getByLabel('Max sessions').fill('42');
    await page.getByLabel('Configuration').fill('retention=30d');
    await page.getByLabel('Reason').fill('trying a bad name');
    await page.getByRole('button', { name: 'Create namespace' }).click();

    const nameError = field(page, 'name').getByTestId('field-error');
    await nameError.waitFor(WAIT);
    expect(await nameError.textContent()).toContain('lower-case letters');
    const nameInput = page.getByLabel('Name', { exact: true });
    expect(await nameInput.getAttribute('aria-invalid')).toBe('true');
    expect(await nameInput.inputValue()).toBe('Bad Name!');
    expect(await page.getByLabel('Description').inputValue()).toBe('typed before the error');
    expect(await page.getByLabel('Max sessions').inputValue()).toBe('42');
    expect(await page.getByLabel('Configuration').inputValue()).toBe('retention=30d');
    expect(await page.getByLabel('Reason').inputValue()).toBe('trying a bad name');
    expect(await page.getByTestId('error-summary').textContent()).toContain('Name:');
    // The form was swapped in place: still the create page, nothing created.
    expect(currentPath(page)).toBe('/namespaces/new');
    expect(await exists(e2e.direct, 'Bad Name!')).toBe(false);

    expect(unexpectedErrors(pageErrors, [422])).toEqual([]);
    await context.close();
  });

  it('explains a version conflict, keeps the input, shows current values, then saves on the new version', async () => {
    const { page, pageErrors, context } = await e2e.openAsAdmin();
    const name = uniqueName('e2e-edit');
    await seedNamespace(e2e.direct, {
      name,
      description: 'as first read',
      quota: { maxSessions: 10, maxStorageBytes: 0n, maxRps: 100 },
      config: { retention: '7d' },
    });

    await page.goto(`${e2e.base}/namespaces/${name}`);
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await page.waitForURL(`${e2e.base}/namespaces/${name}/edit`, WAIT);
    expect(await page.getByLabel('Description').inputValue()).toBe('as first read');
    await page.getByLabel('Description').fill('the operator’s description');
    await page.getByLabel('Max sessions').fill('77');
    await page.getByLabel('Configuration').fill('retention=30d');
    await page.getByLabel('Reason').fill('raise the session limit');

    // Meanwhile someone else saves first, on the version the form was read at.
    const { namespace: before } = await e2e.direct.getNamespace({ name });
    if (!before) throw new Error('seeded namespace missing');
    await e2e.direct.updateNamespace({
      namespace: { ...before, description: 'changed behind the console' },
      updateMask: { paths: ['description'] },
      requestId: randomUUID(),
      reason: 'another operator',
    });

    await page.getByRole('button', { name: 'Save changes' }).click();
    const conflict = page.getByTestId('conflict');
    await conflict.waitFor(WAIT);
    expect(await conflict.textContent()).toContain('Someone else changed this namespace');
    expect(await conflict.textContent()).toContain(`version ${before.version + 1n}`);
    const current = (fieldName: string) =>
      conflict
        .locator(`[data-testid="conflict-row"][data-field="${fieldName}"]`)
        .getByTestId('current-value');
    expect(await current('description').textContent()).toBe('changed behind the console');
    expect(await current('max_sessions').textContent()).toBe('10');
    // The operator's input is still in the form.
    expect(await page.getByLabel('Description').inputValue()).toBe('the operator’s description');
    expect(await page.getByLabel('Max sessions').inputValue()).toBe('77');
    expect(await page.getByLabel('Configuration').inputValue()).toBe('retention=30d');
    expect(await page.getByLabel('Reason').inputValue()).toBe('raise the session limit');
    // Nothing of theirs was applied.
    const { namespace: during } = await e2e.direct.getNamespace({ name });
    expect(during?.description).toBe('changed behind the console');
    expect(during?.quota?.maxSessions).toBe(10);

    await page.getByRole('button', { name: 'Save my values' }).click();
    await page.waitForURL((url) => url.pathname === `/namespaces/${name}`, WAIT);
    await page.getByTestId('notice').waitFor(WAIT);
    expect(await page.getByTestId('notice').textContent()).toContain('Changes saved.');
    expect(await page.getByTestId('namespace-description').textContent()).toBe(
      'the operator’s description',
    );

    const { namespace: after } = await e2e.direct.getNamespace({ name });
    expect(after?.description).toBe('the operator’s description');
    expect(after?.quota?.maxSessions).toBe(77);
    expect(after?.config).toEqual({ retention: '30d' });
    expect(after?.version).toBe(before.version + 2n);

    expect(unexpectedErrors(pageErrors, [409])).toEqual([]);
    await context.close();
  });

  it('searches as you type, without a page load, with the search in the URL; back leaves the list', async () => {
    const { page, pageErrors, context } = await e2e.openAsAdmin();
    await page.goto(`${e2e.base}/`);
    await page.goto(`${e2e.base}/namespaces`);
    const everything = await rowNames(page);
    expect(everything.length).toBeGreaterThan(10);
    const matching = await listed({ filter: 'payments' });
    expect(matching.length).toBeGreaterThan(0);
    expect(matching.length).toBeLessThan(everything.length);

    await markWindow(page);
    await page.getByLabel('Search').pressSequentially('payments');
    await expect.poll(() => rowNames(page), WAIT).toEqual(matching);
    await expect.poll(() => new URL(page.url()).searchParams.get('q'), WAIT).toBe('payments');
    expect(await marker(page)).toBe(1);

    // Typing replaced the list's address instead of adding an entry per pause: one step back
    // leaves the list for the page before it.
    await page.goBack();
    await expect
      .poll(
        settled(async () => currentPath(page)),
        WAIT,
      )
      .toBe('/');

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('runs one search at a time: a newer one waits for the one on its way, and the last wins', async () => {
    const { page, pageErrors, context } = await e2e.openAsAdmin();
    await page.goto(`${e2e.base}/namespaces`);
    const matching = await listed({ filter: 'payments' });
    expect(matching.length).toBeGreaterThan(0);

    // The answer to the first search is held until the operator has typed on (a slow control
    // plane): the second search must neither abort it nor overtake it.
    const searches = await holdFirst(page, '**/namespaces?*', (request) => {
      const headers = request.headers();
      // Searches only: not the page itself, nor a live region fetching itself (a poll).
      if (!headers['hx-request'] || headers['x-prism-background']) return undefined;
      return new URL(request.url()).searchParams.get('q') ?? '';
    });
    const search = page.getByLabel('Search');
    // One input event: typed key by key, a loaded machine can pause past the debounce after 'p'.
    await search.fill('pay');
    await searches.held;
    await search.pressSequentially('ments');
    // Past the typing pause: the newer search is waiting, not sent.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(searches.seen).toEqual(['pay']);
    searches.release();
    await expect.poll(() => rowNames(page), WAIT).toEqual(matching);
    await expect.poll(() => new URL(page.url()).searchParams.get('q'), WAIT).toBe('payments');
    expect(searches.seen).toEqual(['pay', 'payments']);
    expect(await search.inputValue()).toBe('payments');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('pages through the list with Next and Previous', async () => {
    const { page, pageErrors, context } = await e2e.openAsAdmin();
    await page.goto(`${e2e.base}/namespaces?size=10`);
    const first = await rowNames(page);
    expect(first).toEqual(await listed({ pageSize: 10 }));
    expect(first).toHaveLength(10);

    await markWindow(page);
    const pages = page.getByRole('navigation', { name: 'Namespace pages' });
    await pages.getByRole('link', { name: /Next/ }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('page'), WAIT).toBeTruthy();
    const token = new URL(page.url()).searchParams.get('page') ?? '';
    const second = await listed({ pageSize: 10, pageToken: token });
    await expect.poll(() => rowNames(page), WAIT).toEqual(second);
    expect(second).toHaveLength(10);
    expect(second.some((name) => first.includes(name))).toBe(false);
    expect(new URL(page.url()).searchParams.get('size')).toBe('10');

    await pages.getByRole('link', { name: /Previous/ }).click();
    await expect.poll(() => rowNames(page), WAIT).toEqual(first);
    // Back to the first page's URL (the control plane may name it by a token of its own).
    await expect.poll(() => new URL(page.url()).searchParams.get('page'), WAIT).not.toBe(token);
    expect(new URL(page.url()).searchParams.get('size')).toBe('10');
    expect(await marker(page)).toBe(1);

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('sorts by a column header, and says so with aria-sort', async () => {
    const { page, pageErrors, context } = await e2e.openAsAdmin();
    await page.goto(`${e2e.base}/namespaces?size=10`);
    const nameHeader = page.getByRole('columnheader', { name: /^Name/ });
    expect(await nameHeader.getAttribute('aria-sort')).toBe('ascending');

    await markWindow(page);
    await nameHeader.getByRole('link').click();
    await expect.poll(() => nameHeader.getAttribute('aria-sort'), WAIT).toBe('descending');
    const descending = await listed({ pageSize: 10, orderBy: 'name desc' });
    await expect.poll(() => rowNames(page), WAIT).toEqual(descending);
    expect([...descending].sort().reverse()).toEqual(descending);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('-name');
    expect(await marker(page)).toBe(1);

    // Another column: it takes over aria-sort, the name header lets go.
    const createdHeader = page.getByRole('columnheader', { name: /^Created/ });
    await createdHeader.getByRole('link').click();
    await expect.poll(() => createdHeader.getAttribute('aria-sort'), WAIT).toBe('descending');
    expect(await nameHeader.getAttribute('aria-sort')).toBeNull();
    await expect
      .poll(() => rowNames(page), WAIT)
      .toEqual(await listed({ pageSize: 10, orderBy: 'create_time desc' }));

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('deletes only after the name is typed right, then shows the list with a notice', async () => {
    const { page, pageErrors, context } = await e2e.openAsAdmin();
    const name = uniqueName('e2e-delete');
    await seedNamespace(e2e.direct, { name, description: 'to be deleted' });

    await page.goto(`${e2e.base}/namespaces/${name}`);
    await page.getByRole('link', { name: 'Delete', exact: true }).click();
    await page.waitForURL(`${e2e.base}/namespaces/${name}/delete`, WAIT);

    await page.getByLabel('Reason').fill('tenant offboarded');
    await page.getByLabel('Namespace name').fill(`${name}x`);
    await page.getByRole('button', { name: 'Delete namespace' }).click();
    const confirmError = field(page, 'confirm').getByTestId('field-error');
    await confirmError.waitFor(WAIT);
    expect(await confirmError.textContent()).toContain('does not match');
    expect(await page.getByLabel('Reason').inputValue()).toBe('tenant offboarded');
    expect(await exists(e2e.direct, name)).toBe(true);

    await page.getByLabel('Namespace name').fill(name);
    await page.getByRole('button', { name: 'Delete namespace' }).click();
    await page.waitForURL((url) => url.pathname === '/namespaces', WAIT);
    await page.getByTestId('notice').waitFor(WAIT);
    expect(await page.getByTestId('notice').textContent()).toContain('Namespace deleted.');
    expect(await rowNames(page)).not.toContain(name);
    expect(await exists(e2e.direct, name)).toBe(false);
    const audit = await auditEntries(e2e.direct, name);
    expect(audit.map((entry) => [entry.operation, entry.reason])).toContainEqual([
      expect.stringMatching(/delete/i),
      'tenant offboarded',
    ]);

    expect(unexpectedErrors(pageErrors, [422])).toEqual([]);
    await context.close();
  });
});
