import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AXE_PATH } from '../helper.js';
import { maintenanceOff, maintenanceOn } from '../plugins/maintenance-support.js';
import { type BrowserStack, openPage, startBrowserStack } from './browser.js';
import { VIEWPORTS } from './pages.js';

// Maintenance mode in Chromium: turned on through the form with htmx, the banner then on every
// page (swapped in out of band at once, and on the next page), ended without JavaScript.

let e2e: BrowserStack;
beforeAll(async () => {
  e2e = await startBrowserStack({ signedIn: ['operator', 'viewer'], serveAxe: true });
});
afterAll(() => e2e?.close());

const WAIT = { timeout: 15_000 } as const;
const state = () => e2e.stack.controlPlane.state;

describe('maintenance mode in Chromium', () => {
  it('an operator turns it on with htmx; the banner shows at once and on other pages, also at 390 px', async () => {
    const { page, pageErrors, context } = await openPage(e2e.browser, {
      storageState: await e2e.state('operator'),
    });
    await page.goto(`${e2e.base}/operations/maintenance`);
    await expect(page.getByTestId('maintenance-mode-banner').count()).resolves.toBe(0);
    const form = page.locator('#maintenance-enable-form');
    await form.getByLabel('Message').fill('Storage upgrade until 18:00');
    const end = new Date(Date.now() + 3 * 3600_000).toISOString().slice(0, 16);
    await form.getByLabel('Scheduled end (UTC)').fill(end);
    await form.getByLabel('Reason').fill('Planned storage work');
    await form.getByRole('button', { name: 'Preview' }).click();
    await expect
      .poll(() => form.getByTestId('maintenance-impact').textContent(), WAIT)
      .toMatch(/open client sessions? in \d+ namespaces? will be told/);
    await form.getByLabel('Confirmation').fill('maintenance');
    await form.getByRole('button', { name: 'Turn on maintenance mode' }).click();
    await page.waitForURL((url) => url.searchParams.get('notice') === 'enabled', WAIT);
    await expect(page.getByTestId('notice').textContent()).resolves.toContain(
      'Maintenance mode is on.',
    );
    // The banner came with the htmx answer (out of band), without a reload.
    const banner = page.getByTestId('maintenance-mode-banner');
    await expect(banner.textContent()).resolves.toContain('Storage upgrade until 18:00');
    expect(state().maintenance.enabled).toBe(true);

    // Another page, another person: the banner is there.
    const other = await openPage(e2e.browser, { storageState: await e2e.state('viewer') });
    await other.page.setViewportSize({ width: 390, height: 844 });
    await other.page.goto(`${e2e.base}/namespaces`);
    const otherBanner = other.page.getByTestId('maintenance-mode-banner');
    await expect(otherBanner.textContent()).resolves.toContain('Turned on by operator');
    await expect(
      otherBanner.getByRole('link', { name: 'Maintenance mode' }).isVisible(),
    ).resolves.toBe(true);
    // It fits a phone: nothing scrolls sideways.
    const overflow = await other.page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    expect(pageErrors).toEqual([]);
    expect(other.pageErrors).toEqual([]);
    await other.context.close();
    await context.close();
  });

  it('an operator ends it without JavaScript; the banner is gone', async () => {
    if (!state().maintenance.enabled) throw new Error('the previous test turns it on');
    const { page, context } = await openPage(e2e.browser, {
      javaScriptEnabled: false,
      storageState: await e2e.state('operator'),
    });
    await page.goto(`${e2e.base}/operations/maintenance`);
    const form = page.locator('#maintenance-end-form');
    await form.getByLabel('Reason').fill('Upgrade done');
    await form.getByRole('button', { name: 'Preview' }).click();
    await page.locator('#maintenance-end-form').getByLabel('Confirmation').fill('end');
    await page.getByRole('button', { name: 'End maintenance' }).click();
    await page.waitForURL((url) => url.searchParams.get('notice') === 'ended', WAIT);
    expect(state().maintenance.enabled).toBe(false);
    await expect(page.getByTestId('maintenance-mode-banner').count()).resolves.toBe(0);
    await page.goto(`${e2e.base}/backends`);
    await expect(page.getByTestId('maintenance-mode-banner').count()).resolves.toBe(0);
    await context.close();
  });
});

/** axe-core's violations on the page in light and dark (as accessibility.test.ts runs it). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ url: `${e2e.base}${AXE_PATH}` });
  const problems: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const found = (await page.evaluate(async () => {
      // biome-ignore lint/suspicious/noExplicitAny: axe is a global the script tag added.
      const axe = (globalThis as any).axe;
      const result = await axe.run(document, { resultTypes: ['violations'] });
      return JSON.parse(JSON.stringify(result.violations));
    })) as { id: string; nodes: { target: unknown[] }[] }[];
    for (const v of found) {
      for (const node of v.nodes)
        problems.push(`${colorScheme}: ${v.id} ${JSON.stringify(node.target)}`);
    }
  }
  return problems;
}

describe('accessibility of the banner, the page and its preview', () => {
  it('has no axe violations for the viewer and the operator, at 1280 and 390 px, light and dark', async () => {
    maintenanceOn(e2e.stack, {
      message: 'A long maintenance message that has to wrap on a phone without scrolling sideways',
      endMs: Date.now() - 20 * 60_000,
    });
    try {
      const problems: string[] = [];
      for (const role of ['viewer', 'operator'] as const) {
        for (const viewport of ['laptop', 'phone'] as const) {
          const { page, context } = await openPage(e2e.browser, {
            storageState: await e2e.state(role),
          });
          await page.setViewportSize(VIEWPORTS[viewport]);
          await page.goto(`${e2e.base}/operations/maintenance`);
          for (const line of await axeViolations(page))
            problems.push(`${role} ${viewport} page ${line}`);
          const width = await page.evaluate(
            () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
          );
          if (width > 0) problems.push(`${role} ${viewport}: scrolls sideways by ${width} px`);
          if (role === 'operator') {
            const form = page.locator('#maintenance-end-form');
            await form.getByLabel('Reason').fill('Checking the preview');
            await form.getByRole('button', { name: 'Preview' }).click();
            await form.getByLabel('Confirmation').waitFor(WAIT);
            // The busy text fades out after the swap: check the settled page.
            await page.waitForTimeout(500);
            for (const line of await axeViolations(page)) {
              problems.push(`${role} ${viewport} preview ${line}`);
            }
          }
          await context.close();
        }
      }
      expect(problems).toEqual([]);
    } finally {
      maintenanceOff(e2e.stack);
    }
  });
});
