import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserStack, openPage, startBrowserStack } from './browser.js';

let e2e: BrowserStack;

beforeAll(async () => {
  e2e = await startBrowserStack({ signedIn: ['admin'] });
});
afterAll(() => e2e?.close());

describe('dashboard in Chromium', () => {
  it('shows the cluster at a glance, styled, with htmx loaded and no errors', async () => {
    const { page, pageErrors, context } = await openPage(e2e.browser, {
      storageState: await e2e.state('admin'),
    });
    await page.goto(`${e2e.base}/`);
    await expect(page.title()).resolves.toBe('Dashboard · Prism Console');
    await expect(page.getByTestId('raft').textContent()).resolves.toMatch(/Leader \S+, term \d+/);
    expect(await page.evaluate(() => typeof (window as { htmx?: unknown }).htmx)).toBe('object');
    // Tailwind is applied: the navigation has its dark background.
    const navColor = await page
      .locator('nav[aria-label="Console"]')
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(navColor).not.toBe('rgba(0, 0, 0, 0)');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('says when the control plane stops mid-session, and recovers when it is back', async () => {
    const { page, context } = await openPage(e2e.browser, {
      storageState: await e2e.state('admin'),
    });
    await page.goto(`${e2e.base}/`);
    await expect(page.getByTestId('error').count()).resolves.toBe(0);

    await e2e.stack.controlPlane.stop();
    try {
      await page.reload();
      await expect(page.getByTestId('error').textContent()).resolves.toContain(
        'Control plane unreachable',
      );
      await expect(page.getByTestId('proxies').textContent()).resolves.toContain('unreachable');
    } finally {
      await e2e.stack.controlPlane.start();
    }
    // The same console process, no restart: "Try again" brings the page back.
    await page.getByRole('link', { name: 'Try again' }).click();
    await page.waitForLoadState('load');
    await expect(page.getByTestId('raft').textContent()).resolves.toMatch(/Leader/);
    await expect(page.getByTestId('error').count()).resolves.toBe(0);
    await context.close();
  });
});
