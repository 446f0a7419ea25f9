import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserStack, openPage, startBrowserStack } from './browser.js';

let e2e: BrowserStack;

beforeAll(async () => {
  e2e = await startBrowserStack({ signedIn: ['viewer'] });
});
afterAll(() => e2e?.close());

describe('cluster page in Chromium', () => {
  it('opens from the navigation, shows the leader and every section, and links namespaces', async () => {
    const { page, pageErrors, context } = await openPage(e2e.browser, {
      storageState: await e2e.state('viewer'),
    });
    await page.goto(`${e2e.base}/`);
    await page.locator('nav[aria-label="Console"]').getByRole('link', { name: 'Cluster' }).click();
    await page.waitForURL(`${e2e.base}/cluster`);
    await expect(page.title()).resolves.toBe('Cluster · Prism Console');

    const leader = e2e.stack.controlPlane.state.raft.leaderId;
    await expect(page.getByTestId('leader').textContent()).resolves.toContain(leader);
    for (const name of ['Raft', 'Proxies', 'Launchers', 'Pattern assignments']) {
      await expect(page.getByRole('region', { name }).isVisible()).resolves.toBe(true);
    }
    await expect(page.getByTestId('unavailable').count()).resolves.toBe(0);

    const link = page.getByTestId('patterns').getByRole('link').first();
    const namespace = (await link.textContent())?.trim() ?? '';
    expect(namespace).not.toBe('');
    await link.click();
    await page.waitForURL(`${e2e.base}/namespaces/${encodeURIComponent(namespace)}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(namespace);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("opens a namespace from its proxy's row", async () => {
    const { page, pageErrors, context } = await openPage(e2e.browser, {
      storageState: await e2e.state('viewer'),
    });
    await page.goto(`${e2e.base}/cluster`);
    const state = e2e.stack.controlPlane.state;
    const namespace = [...state.namespaces.values()].find((ns) => ns.assignedProxy !== '');
    if (!namespace) throw new Error('the demo assigns namespaces to proxies');
    const row = page
      .getByTestId('proxy')
      .filter({ has: page.getByText(namespace.assignedProxy, { exact: true }) });
    const names = [...state.namespaces.values()]
      .filter((ns) => ns.assignedProxy === namespace.assignedProxy)
      .map((ns) => ns.name)
      .sort((a, b) => a.localeCompare(b));
    const first = names[0] ?? '';
    await row.getByRole('link', { name: first, exact: true }).click();
    await page.waitForURL(`${e2e.base}/namespaces/${encodeURIComponent(first)}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(first);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
