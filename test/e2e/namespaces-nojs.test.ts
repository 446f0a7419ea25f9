import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditEntries,
  currentPath,
  exists,
  field,
  type NamespacesStack,
  rowNames,
  seedNamespace,
  startNamespacesStack,
  uniqueName,
  WAIT,
} from './namespaces-support.js';

let e2e: NamespacesStack;

beforeAll(async () => {
  e2e = await startNamespacesStack();
});
afterAll(() => e2e?.close());

const openWithoutJs = () => e2e.openAsAdmin({ javaScriptEnabled: false });

/** Clicks a submit button; returns the form post it caused once the answer's page has loaded. */
async function submit(page: Page, button: string, action: string): Promise<Request> {
  const posted = page.waitForRequest(
    (request) => request.method() === 'POST' && new URL(request.url()).pathname === action,
    WAIT,
  );
  // The next 'load' is the answer's document (after a redirect: the page it leads to).
  const loaded = page.waitForEvent('load', WAIT);
  await page.getByRole('button', { name: button }).click();
  const request = await posted;
  await loaded;
  // A real navigation, not htmx: no htmx header, the whole document is replaced.
  expect(request.isNavigationRequest()).toBe(true);
  expect(request.headers()['hx-request']).toBeUndefined();
  return request;
}

/** The post was answered with a 303 to `location`, and the browser followed it with a GET. */
async function expectSeeOther(request: Request, location: string | RegExp): Promise<void> {
  const response = await request.response();
  expect(response?.status()).toBe(303);
  if (typeof location === 'string') expect(response?.headers().location).toBe(location);
  else expect(response?.headers().location).toMatch(location);
  const followed = request.redirectedTo();
  expect(followed?.method()).toBe('GET');
  expect((await followed?.response())?.status()).toBe(200);
}

describe('namespaces in Chromium without JavaScript', () => {
  it('creates a namespace with a plain form post (POST → 303 → GET)', async () => {
    const { page, dialogs, context } = await openWithoutJs();
    const name = uniqueName('nojs-create');
    await page.goto(`${e2e.base}/namespaces`);
    await page.getByRole('link', { name: 'New namespace' }).click();
    await page.waitForURL(`${e2e.base}/namespaces/new`);

    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Description').fill('Created without JavaScript');
    await page.getByLabel('Max sessions').fill('25');
    await page.getByLabel('Max storage').fill('2GiB');
    await page.getByLabel('Configuration').fill('ttl_seconds=3600');
    await page.getByLabel('Reason').fill('plain form post');
    const request = await submit(page, 'Create namespace', '/namespaces');
    const created = new RegExp(`^/namespaces/${name}\\?notice=created&request=[\\w.:-]+$`);
    await expectSeeOther(request, created);

    expect(currentPath(page)).toMatch(created);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(name);
    expect(await page.getByTestId('notice').textContent()).toContain('Namespace created.');
    const { namespace } = await e2e.direct.getNamespace({ name });
    expect(namespace?.description).toBe('Created without JavaScript');
    expect(namespace?.quota).toMatchObject({ maxSessions: 25, maxStorageBytes: 2n * 1024n ** 3n });
    expect(namespace?.config).toEqual({ ttl_seconds: '3600' });
    expect((await auditEntries(e2e.direct, name)).map((entry) => entry.reason)).toContain(
      'plain form post',
    );
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it('answers an invalid create with the whole page again: messages beside fields, input kept', async () => {
    const { page, context } = await openWithoutJs();
    await page.goto(`${e2e.base}/namespaces/new`);
    await page.getByLabel('Name', { exact: true }).fill('-nope');
    await page.getByLabel('Description').fill('still here');
    await page.getByLabel('Max sessions').fill('lots');
    await page.getByLabel('Reason').fill('checking the messages');
    const request = await submit(page, 'Create namespace', '/namespaces');
    expect((await request.response())?.status()).toBe(422);

    expect(await field(page, 'name').getByTestId('field-error').textContent()).toContain(
      'lower-case letters',
    );
    expect(await field(page, 'max_sessions').getByTestId('field-error').textContent()).toContain(
      'whole number',
    );
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('-nope');
    expect(await page.getByLabel('Description').inputValue()).toBe('still here');
    expect(await page.getByLabel('Max sessions').inputValue()).toBe('lots');
    expect(await page.getByLabel('Reason').inputValue()).toBe('checking the messages');
    expect(await page.title()).toBe('New namespace · Prism Console');
    expect(await exists(e2e.direct, '-nope')).toBe(false);
    await context.close();
  });

  it('deletes with plain form posts: a wrong name is refused, the right one deletes', async () => {
    const { page, context } = await openWithoutJs();
    const name = uniqueName('nojs-delete');
    await seedNamespace(e2e.direct, { name, description: 'goes away without JavaScript' });

    await page.goto(`${e2e.base}/namespaces/${name}`);
    await page.getByRole('link', { name: 'Delete', exact: true }).click();
    await page.waitForURL(`${e2e.base}/namespaces/${name}/delete`);

    await page.getByLabel('Reason').fill('offboarded, no JS');
    await page.getByLabel('Namespace name').fill('not-the-name');
    const refused = await submit(page, 'Delete namespace', `/namespaces/${name}/delete`);
    expect((await refused.response())?.status()).toBe(422);
    expect(await field(page, 'confirm').getByTestId('field-error').textContent()).toContain(
      'does not match',
    );
    expect(await page.getByLabel('Reason').inputValue()).toBe('offboarded, no JS');
    expect(await exists(e2e.direct, name)).toBe(true);

    await page.getByLabel('Namespace name').fill(name);
    const request = await submit(page, 'Delete namespace', `/namespaces/${name}/delete`);
    await expectSeeOther(request, /^\/namespaces\?notice=deleted&request=[\w.:-]+$/);
    expect(currentPath(page)).toMatch(/^\/namespaces\?notice=deleted&request=[\w.:-]+$/);
    expect(await page.getByTestId('notice').textContent()).toContain('Namespace deleted.');
    expect(await rowNames(page)).not.toContain(name);
    expect(await exists(e2e.direct, name)).toBe(false);
    await context.close();
  });

  it('searches with the GET form and its Search button', async () => {
    const { page, context } = await openWithoutJs();
    await page.goto(`${e2e.base}/namespaces`);
    const everything = await rowNames(page);
    const { namespaces } = await e2e.direct.listNamespaces({
      filter: 'orders',
      orderBy: 'name',
      pageSize: 50,
    });
    const matching = namespaces.map((ns) => ns.name);
    expect(matching.length).toBeGreaterThan(0);
    expect(matching.length).toBeLessThan(everything.length);

    await page.getByLabel('Search').fill('orders');
    const navigated = page.waitForURL((url) => url.searchParams.get('q') === 'orders');
    await page.getByRole('button', { name: 'Search' }).click();
    await navigated;
    expect(await rowNames(page)).toEqual(matching);
    expect(await page.getByLabel('Search').inputValue()).toBe('orders');
    expect(await page.getByTestId('namespace-total').textContent()).toContain(
      'match these filters',
    );
    await context.close();
  });
});
