import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessPattern } from '../../src/gen/prism/admin/v1/client_configuration_pb.js';
import {
  currentPath,
  type NamespacesStack,
  startNamespacesStack,
  uniqueName,
  WAIT,
} from './namespaces-support.js';

/*
 * Client configurations in Chromium: create with two options (the second row added by "Add
 * option"), edit, delete — with htmx (no page load for the editor buttons), and the same create
 * with JavaScript disabled (every button a plain form post).
 */

let e2e: NamespacesStack;
beforeAll(async () => {
  e2e = await startNamespacesStack();
});
afterAll(() => e2e?.close());

const state = () => e2e.stack.controlPlane.state;

/** A marker on `window` that only survives while no full page load happens. */
const markWindow = (page: Page) =>
  page.evaluate(() => {
    (window as { __marker?: number }).__marker = 1;
  });
const marker = (page: Page) => page.evaluate(() => (window as { __marker?: number }).__marker);

/** The next POST to `path`, started by `act`. */
async function posting(page: Page, path: string, act: () => Promise<void>): Promise<Request> {
  const posted = page.waitForRequest(
    (r) => r.method() === 'POST' && new URL(r.url()).pathname === path,
    WAIT,
  );
  await act();
  return posted;
}

async function fillNew(page: Page, name: string): Promise<void> {
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Namespace').fill('orders-prod');
  await page.getByLabel('Access pattern').selectOption({ value: 'keyvalue' });
  await page.getByLabel('Backend').selectOption({ value: 'redis-cache' });
  await page.getByLabel('Description').fill('Made in Chromium');
  await page.getByLabel('Option 1 key').fill('ttl_seconds');
  await page.getByLabel('Option 1 value').fill('60');
}

describe('client configurations in Chromium, with htmx', () => {
  it('creates with two options via "Add option", edits, and deletes', async () => {
    const { page, dialogs, context } = await e2e.openAsAdmin();
    const name = uniqueName('e2e-cc');
    await page.goto(`${e2e.base}/client-configurations`);
    await page.getByRole('link', { name: 'New configuration' }).click();
    await page.waitForURL(`${e2e.base}/client-configurations/new`, WAIT);
    await fillNew(page, name);
    await markWindow(page);

    const added = await posting(page, '/client-configurations', () =>
      page.getByRole('button', { name: 'Add option' }).click(),
    );
    expect(added.headers()['hx-request']).toBe('true');
    await page.getByLabel('Option 2 key').waitFor(WAIT);
    // The form was swapped in place: no page load, everything typed still there, focus on the new key.
    expect(await marker(page)).toBe(1);
    expect(await page.getByLabel('Description').inputValue()).toBe('Made in Chromium');
    expect(await page.getByLabel('Option 1 value').inputValue()).toBe('60');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe(
      'option_key',
    );
    await page.getByLabel('Option 2 key').fill('max_value_bytes');
    await page.getByLabel('Option 2 value').fill('65536');
    await page.getByLabel('Reason').fill('Browser test create');
    await page.getByRole('button', { name: 'Create configuration' }).click();
    await page.waitForURL(`${e2e.base}/client-configurations/${name}?**`, WAIT);
    expect(await page.getByTestId('notice').textContent()).toContain(
      'Client configuration created.',
    );
    expect(await page.getByTestId('request-receipt').textContent()).toContain('Request id');
    expect(state().clientConfigurations.get(name)).toMatchObject({
      pattern: AccessPattern.KEYVALUE,
      backend: 'redis-cache',
      options: { ttl_seconds: '60', max_value_bytes: '65536' },
    });

    // Edit: remove the first option (htmx), change the description, save with Enter.
    await page.getByTestId('edit-configuration').click();
    await page.waitForURL(`${e2e.base}/client-configurations/${name}/edit`, WAIT);
    await markWindow(page);
    await page.getByRole('button', { name: 'Remove option 1' }).click();
    await page.getByLabel('Option 2 key').waitFor({ state: 'detached', timeout: WAIT.timeout });
    expect(await marker(page)).toBe(1);
    expect(await page.getByLabel('Option 1 key').inputValue()).toBe('ttl_seconds');
    await page.getByLabel('Description').fill('Edited in Chromium');
    await page.getByLabel('Reason').fill('Browser test edit');
    // Enter in a field saves (the form's first submit button saves, not "Remove option 1").
    await page.getByLabel('Description').press('Enter');
    await page.waitForURL(`${e2e.base}/client-configurations/${name}?notice=updated**`, WAIT);
    expect(state().clientConfigurations.get(name)).toMatchObject({
      description: 'Edited in Chromium',
      options: { ttl_seconds: '60' },
    });

    // Delete: reason and the name typed out.
    await page.getByTestId('delete-configuration').click();
    await page.waitForURL(`${e2e.base}/client-configurations/${name}/delete`, WAIT);
    await page.getByLabel('Reason').fill('Browser test delete');
    await page.getByLabel('Configuration name').fill(name);
    await page.getByRole('button', { name: 'Delete configuration' }).click();
    await page.waitForURL(`${e2e.base}/client-configurations?notice=deleted**`, WAIT);
    expect(await page.getByTestId('notice').textContent()).toContain(
      'Client configuration deleted.',
    );
    expect(state().clientConfigurations.has(name)).toBe(false);
    expect(dialogs).toEqual([]);
    await context.close();
  });
});

describe('client configurations in Chromium without JavaScript', () => {
  it('creates with two options: "Add option" is a plain post that keeps the input', async () => {
    const { page, context } = await e2e.openAsAdmin({ javaScriptEnabled: false });
    const name = uniqueName('nojs-cc');
    await page.goto(`${e2e.base}/client-configurations/new`);
    await fillNew(page, name);

    const loaded = page.waitForEvent('load', WAIT);
    const added = await posting(page, '/client-configurations', () =>
      page.getByRole('button', { name: 'Add option' }).click(),
    );
    await loaded;
    expect(added.isNavigationRequest()).toBe(true);
    expect(added.headers()['hx-request']).toBeUndefined();
    expect((await added.response())?.status()).toBe(200);
    expect(await page.getByLabel('Description').inputValue()).toBe('Made in Chromium');
    expect(await page.getByLabel('Option 1 key').inputValue()).toBe('ttl_seconds');
    await page.getByLabel('Option 2 key').fill('max_value_bytes');
    await page.getByLabel('Option 2 value').fill('65536');
    await page.getByLabel('Reason').fill('Browser test without JavaScript');

    const saved = await posting(page, '/client-configurations', () =>
      page.getByRole('button', { name: 'Create configuration' }).click(),
    );
    const response = await saved.response();
    expect(response?.status()).toBe(303);
    await page.waitForURL(`${e2e.base}/client-configurations/${name}?**`, WAIT);
    expect(currentPath(page)).toMatch(
      new RegExp(`^/client-configurations/${name}\\?notice=created&request=`),
    );
    expect(state().clientConfigurations.get(name)?.options).toEqual({
      ttl_seconds: '60',
      max_value_bytes: '65536',
    });
    await context.close();
  });
});
