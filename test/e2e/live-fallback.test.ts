import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserStack, openPage, startBrowserStack } from './browser.js';

/*
 * Live regions without server-sent events (issue 10: a proxy that blocks them, an old browser):
 * the page polls its regions every 10 s with the same fragments, says so, and keeps what the
 * operator was doing across each refresh. EventSource is removed before any script runs.
 */

let e2e: BrowserStack;
beforeAll(async () => {
  e2e = await startBrowserStack({ signedIn: ['admin'] });
});
afterAll(() => e2e?.close());

/** One poll period and some: the page polls every 10 s. */
const WAIT = { timeout: 15_000, interval: 250 };

async function withoutEventSource() {
  const watched = await openPage(e2e.browser, { storageState: await e2e.state('admin') });
  await watched.page.addInitScript(() => {
    delete (window as { EventSource?: unknown }).EventSource;
  });
  return watched;
}

describe('live regions without EventSource', () => {
  it('polls: a namespace created at the control plane appears, and the indicator says polling', async () => {
    const { page, context, pageErrors } = await withoutEventSource();
    await page.goto(`${e2e.base}/namespaces?size=200`);
    const indicator = page.getByTestId('live-indicator');
    await expect
      .poll(() => indicator.locator('[data-live-shown]').textContent(), WAIT)
      .toMatch(/polling every 10 s · updated (just now|\d+ s ago)/);
    await expect(indicator.getByRole('button', { name: 'Pause' }).isVisible()).resolves.toBe(true);

    const entries = await page.evaluate(() => history.length);
    const name = `live-poll-${Date.now().toString(36)}`;
    await e2e.stack.app.controlPlane.createNamespace(
      {
        namespace: {
          name,
          description: 'Made behind the page’s back',
          quota: { maxSessions: 10, maxStorageBytes: 1n << 30n, maxRps: 10 },
        },
        requestId: randomUUID(),
        reason: 'live fallback test',
      },
      { headers: { authorization: `Bearer ${e2e.stack.admin.accessToken}` } },
    );
    const row = page.locator(`[data-testid="namespace-row"][data-name="${name}"]`);
    await expect.poll(() => row.count(), WAIT).toBe(1);
    // Still the same page: no reload, no history entry per refresh.
    expect(await page.evaluate(() => history.length)).toBe(entries);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 60_000);

  it('keeps a ticked box and the focus in the region across a refresh', async () => {
    const { page, context } = await withoutEventSource();
    await page.goto(`${e2e.base}/sessions?status=active`);
    const results = page.locator('#session-results');
    const box = results.locator('input[type="checkbox"]').first();
    await box.check();
    await box.focus();
    // Marked: a refresh replaces the region, so an unmarked element means it was swapped.
    await results.evaluate((element) => element.setAttribute('data-before-refresh', ''));
    await expect
      .poll(() => page.locator('#session-results[data-before-refresh]').count(), WAIT)
      .toBe(0);
    const after = page.locator('#session-results input[type="checkbox"]').first();
    await expect(after.isChecked()).resolves.toBe(true);
    expect(await after.evaluate((element) => element === document.activeElement)).toBe(true);
    await context.close();
  }, 60_000);
});
