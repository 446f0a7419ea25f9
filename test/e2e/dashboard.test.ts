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

  it('says when the control plane stops mid-session, and the open page recovers when it is back', async () => {
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
    // The same console process, no restart, no reload: the live stream brings the cards back
    // once the console's watch is up again.
    await page.getByTestId('raft').filter({ hasText: 'Leader' }).waitFor({ timeout: 10_000 });
    await expect(page.getByTestId('error').count()).resolves.toBe(0);
    await context.close();
  });

  it('offers "Try again" on the error, which brings the page back while the stream is paused', async () => {
    const { page, context } = await openPage(e2e.browser, {
      storageState: await e2e.state('admin'),
    });
    await e2e.stack.controlPlane.stop();
    try {
      await page.goto(`${e2e.base}/`);
      await expect(page.getByTestId('error').textContent()).resolves.toContain(
        'Control plane unreachable',
      );
      // Paused, the page stays as it is whatever the stream says: only the link brings it back.
      await page.getByTestId('live-indicator').getByRole('button', { name: 'Pause' }).click();
    } finally {
      await e2e.stack.controlPlane.start();
    }
    await page.getByRole('link', { name: 'Try again' }).click();
    await page.waitForLoadState('load');
    await expect(page.getByTestId('raft').textContent()).resolves.toMatch(/Leader/);
    await expect(page.getByTestId('error').count()).resolves.toBe(0);
    await context.close();
  });
});
