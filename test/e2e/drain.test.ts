import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDrainDirect } from '../routes/operations/support.js';
import { type BrowserStack, openPage, startBrowserStack } from './browser.js';

/*
 * Draining in Chromium: started from the form and followed live to the end (the htmx SSE
 * extension), re-attached after a reload and from a second console process, cancelled, and
 * without JavaScript the page that reloads itself until the drain is done.
 */

let e2e: BrowserStack;
beforeAll(async () => {
  e2e = await startBrowserStack({ signedIn: ['operator'] });
});
afterAll(() => e2e?.close());

const WAIT = { timeout: 20_000 };

async function openAsOperator(javaScriptEnabled = true) {
  return openPage(e2e.browser, { javaScriptEnabled, storageState: await e2e.state('operator') });
}

/** How many sessions the bar says are closed, and of how many. */
async function meter(page: Page): Promise<{ closed: number; total: number }> {
  const bar = page.getByTestId('drain-progress');
  return {
    closed: Number(await bar.getAttribute('data-closed')),
    total: Number(await bar.getAttribute('data-total')),
  };
}

/** Reads the bar until the live region says done; returns every reading. */
async function followToDone(page: Page, timeoutMs = WAIT.timeout): Promise<number[]> {
  const readings: number[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    readings.push((await meter(page)).closed);
    if ((await page.locator('[data-live="done"]').count()) > 0) return readings;
    await page.waitForTimeout(150);
  }
  throw new Error(`not done in time; read ${readings.join(', ')}`);
}

/** Event-stream requests the page makes for this operation. */
function countEventStreams(page: Page, id: string): () => number {
  let count = 0;
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === `/operations/${id}/events`) count += 1;
  });
  return () => count;
}

describe('a drain in Chromium', () => {
  it('started from the form, followed live until done; a reload and a second console re-attach', {
    timeout: 90_000,
  }, async () => {
    const { page, pageErrors } = await openAsOperator();
    await page.goto(`${e2e.base}/operations/drain?namespace=orders-prod`);
    // Long enough that the bar is seen moving on a loaded machine (a replica starts meanwhile);
    // busy sessions close a few at a time, the rest by force at the deadline.
    await page.getByLabel('Deadline', { exact: true }).fill('15');
    await page.getByLabel('Unit', { exact: true }).selectOption('seconds');
    await page.getByLabel('Close sessions still open at the deadline').check();
    await page.getByLabel('Reason', { exact: true }).fill('Browser drain');
    await page.getByRole('button', { name: 'Preview the drain' }).click();
    const total = Number(await page.getByTestId('impact-total').textContent(WAIT));
    expect(total).toBeGreaterThan(0);
    await page.getByLabel('Confirm the target').fill('orders-prod');
    await page.getByRole('button', { name: 'Start the drain' }).click();
    await page.waitForURL(/\/operations\/op-[0-9a-f]+\?notice=started/, WAIT);
    const id = /\/operations\/(op-[0-9a-f]+)/.exec(page.url())?.[1] ?? '';
    await expect(page.getByTestId('notice').textContent()).resolves.toContain('Drain started');
    // One event stream in the tab: the operation's own (the form's page stream is closed).
    await expect.poll(() => page.locator('[sse-connect]').count(), WAIT).toBe(1);
    await expect(page.evaluate(() => document.body.hasAttribute('sse-connect'))).resolves.toBe(
      false,
    );

    // A reload while it runs: the page reads the operation again and follows it from there.
    const streams = countEventStreams(page, id);
    await page.reload();
    const afterReload = await meter(page);
    expect(afterReload.total).toBe(total);

    // A second console process (same session store, its own port) shows the same drain live.
    const replica = await e2e.stack.replica({ sessionStore: e2e.stack.app.sessions });
    const replicaUrl = await replica.listen({ host: '127.0.0.1', port: 0 });
    const other = await openAsOperator();
    await other.page.goto(`${replicaUrl}/operations/${id}`);
    expect(await other.page.locator('[sse-connect]').count()).toBe(1);

    const readings = [afterReload.closed, ...(await followToDone(page, 40_000))];
    // The bar moved while the drain ran, and ends with every session closed (force at the end).
    expect(new Set(readings).size).toBeGreaterThan(1);
    expect(readings).toEqual([...readings].sort((a, b) => a - b));
    expect(await meter(page)).toEqual({ closed: total, total });
    expect(await page.getByTestId('operation-done').isVisible()).toBe(true);
    expect(await page.locator('[sse-connect]').count()).toBe(0);
    await followToDone(other.page);
    expect((await meter(other.page)).closed).toBe(total);

    // Done: the browser does not open the stream again.
    const opened = streams();
    expect(opened).toBeGreaterThanOrEqual(1);
    await page.waitForTimeout(4000);
    expect(streams()).toBe(opened);
    expect(pageErrors).toEqual([]);
    await other.context.close();
    await page.context().close();
  });

  it('cancelled from its page: the drain stops where it stands', async () => {
    const id = await startDrainDirect(e2e.stack, {
      namespace: 'user-sessions',
      deadlineMs: 60_000,
    });
    const { page, context, pageErrors } = await openAsOperator();
    await page.goto(`${e2e.base}/operations/${id}`);
    await page.getByTestId('cancel-operation').click();
    await page.waitForURL(`${e2e.base}/operations/${id}/cancel`);
    await page.getByLabel('Reason').fill('Wrong namespace');
    await page.getByLabel('Operation id').fill(id);
    await page.getByRole('button', { name: 'Cancel the drain' }).click();
    await page.waitForURL(new RegExp(`/operations/${id}\\?notice=cancelled`), WAIT);
    await expect(page.getByTestId('operation-state').textContent()).resolves.toBe('Cancelled');
    await expect(page.getByTestId('cancelled-by').textContent()).resolves.toContain(
      'Wrong namespace',
    );
    // The operation's own stream is gone (the layout's, for the banner, may stay).
    expect(await page.locator('main [sse-connect]').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('without JavaScript the page reloads itself until the drain is done, then stays', async () => {
    const id = await startDrainDirect(e2e.stack, {
      namespace: 'payments-gateway',
      deadlineMs: 3000,
      force: true,
    });
    const { page, context } = await openAsOperator(false);
    let loads = 0;
    page.on('load', () => {
      loads += 1;
    });
    await page.goto(`${e2e.base}/operations/${id}`);
    expect(await page.locator('[data-live="running"]').count()).toBe(1);
    await page.locator('[data-live="done"]').waitFor(WAIT);
    expect(loads).toBeGreaterThan(1);
    const after = loads;
    await page.waitForTimeout(3000);
    expect(loads).toBe(after);
    await context.close();
  });
});
