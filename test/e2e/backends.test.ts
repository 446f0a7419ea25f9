import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserStack, openPage, startBrowserStack } from './browser.js';

let e2e: BrowserStack;

beforeAll(async () => {
  e2e = await startBrowserStack({ signedIn: ['viewer'] });
});
afterAll(() => e2e?.close());

describe('backends in Chromium', () => {
  it('goes from the list to a backend and shows its charts, with no errors', async () => {
    const { page, pageErrors, context } = await openPage(e2e.browser, {
      storageState: await e2e.state('viewer'),
    });
    await page.goto(`${e2e.base}/backends`);
    await expect(page.title()).resolves.toBe('Backends · Prism Console');
    await expect(page.getByTestId('backend-row').count()).resolves.toBe(6);

    await page
      .locator('[data-testid="backend-row"][data-name="postgres-main"]')
      .getByRole('link', { name: 'postgres-main' })
      .click();
    await page.waitForURL(`${e2e.base}/backends/postgres-main`);
    await expect(page.title()).resolves.toBe('postgres-main · Prism Console');
    await expect(page.getByTestId('instance-row').count()).resolves.toBe(3);

    const chart = page.locator('[data-testid="metric-card"][data-series="cpu_percent"]');
    const svg = chart.locator('svg[role="img"]');
    await expect(svg.count()).resolves.toBe(1);
    await expect(svg.getAttribute('aria-label')).resolves.toMatch(
      /^CPU: min [\d.,]+% · max [\d.,]+% · last [\d.,]+%$/,
    );
    await expect(chart.locator('figcaption').textContent()).resolves.toMatch(
      /min [\d.,]+% · max [\d.,]+% · last [\d.,]+%/,
    );
    // Drawn, and styled by the compiled CSS (not a zero-size box).
    const box = await svg.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(100);
    expect(box?.height ?? 0).toBeGreaterThan(100);
    // The line runs from one side of the chart to the other, inside its top and bottom edges,
    // and goes up and down (the demo's CPU moves).
    const line = await svg.locator('path').boundingBox();
    if (!box || !line) throw new Error('the chart or its line has no box');
    expect(Math.abs(line.x - box.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(line.x + line.width - (box.x + box.width))).toBeLessThanOrEqual(1);
    expect(line.y).toBeGreaterThanOrEqual(box.y);
    expect(line.y + line.height).toBeLessThanOrEqual(box.y + box.height);
    expect(line.height).toBeGreaterThan(box.height / 2);
    // Each instance row has its own small chart under each figure, sized to the column.
    const trend = page
      .getByTestId('instance-row')
      .first()
      .locator('[data-testid="instance-trend"][data-series="cpu_percent"] svg');
    await expect(trend.getAttribute('aria-label')).resolves.toMatch(
      /^\S+ CPU: min [\d.,]+% · max [\d.,]+% · last [\d.,]+%$/,
    );
    const small = await trend.boundingBox();
    expect(small?.width ?? 0).toBe(80);
    expect(small?.height ?? 0).toBe(24);
    await expect(page.getByTestId('instance-trend').count()).resolves.toBe(15);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
