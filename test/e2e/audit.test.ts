import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditOutcome } from '../../src/gen/prism/admin/v1/audit_pb.js';
import { seedAudit } from '../routes/audit/support.js';
import { type BrowserStack, openPage, startBrowserStack } from './browser.js';

let e2e: BrowserStack;
beforeAll(async () => {
  e2e = await startBrowserStack({ signedIn: ['admin'] });
  seedAudit(e2e.stack.controlPlane, 'erin', 30);
  seedAudit(e2e.stack.controlPlane, 'erin', 3, {
    outcome: AuditOutcome.DENIED,
    operation: 'DeleteNamespace',
    reason: '=HYPERLINK("evil")',
    requestId: 'erin-denied',
  });
});
afterAll(() => e2e?.close());

const WAIT = { timeout: 15_000 } as const;
const path = (page: Page) => {
  const url = new URL(page.url());
  return `${url.pathname}${url.search}`;
};
const requestIds = (page: Page) =>
  page
    .getByTestId('audit-row')
    .evaluateAll((rows) => rows.map((row) => row.querySelectorAll('td')[7]?.textContent?.trim()));

async function open(javaScriptEnabled = true) {
  return openPage(e2e.browser, { javaScriptEnabled, storageState: await e2e.state('admin') });
}

describe('the audit log in Chromium', () => {
  it('filters with htmx, pages back, and exports what is shown', async () => {
    const { page, pageErrors, context } = await open();
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(`${e2e.base}/audit?actor=erin`);
    await expect(page.title()).resolves.toBe('Audit log · Prism Console');
    await expect.poll(() => requestIds(page), WAIT).toHaveLength(33);

    // A choice swaps only the results and pushes a clean URL.
    await page.getByLabel('Outcome').selectOption({ label: 'Denied' });
    await page.waitForURL((url) => url.searchParams.get('outcome') === 'denied', WAIT);
    expect(path(page)).toBe('/audit?actor=erin&outcome=denied');
    await expect
      .poll(() => requestIds(page), WAIT)
      .toEqual(['erin-denied', 'erin-denied', 'erin-denied']);
    await expect(page.getByTestId('audit-summary').textContent()).resolves.toContain('3 of 3');

    // The export link carries the filters; the download is the CSV of those entries.
    const exportHref = await page.getByTestId('export-csv').getAttribute('href');
    expect(exportHref).toBe('/audit/export?actor=erin&outcome=denied&format=csv');
    const [download] = await Promise.all([
      page.waitForEvent('download', WAIT),
      page.getByTestId('export-csv').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^audit-log-.*\.csv$/);
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain(`"'=HYPERLINK(""evil"")"`);

    // Back to all outcomes, 25 per page, then further back and to the newest again.
    await page.getByLabel('Outcome').selectOption({ label: 'Any outcome' });
    // One choice after the other (a second one made while the first is in flight waits for it:
    // hx-sync, tested with the lists' search in namespaces.test.ts).
    await page.waitForURL((url) => !url.searchParams.has('outcome'), WAIT);
    await page.getByLabel('Per page').selectOption('25');
    await page.waitForURL((url) => url.searchParams.get('size') === '25', WAIT);
    await expect.poll(() => requestIds(page), WAIT).toHaveLength(25);
    await page.getByTestId('audit-older').click();
    await page.waitForURL((url) => url.searchParams.has('before'), WAIT);
    await expect.poll(() => requestIds(page), WAIT).toHaveLength(8);
    await page.getByTestId('audit-newest').click();
    await page.waitForURL((url) => !url.searchParams.has('before'), WAIT);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('works without JavaScript: the filter form is a GET, its URL the view', async () => {
    const { page, context } = await open(false);
    await page.goto(`${e2e.base}/audit`);
    await page.getByLabel('Actor').fill('erin');
    await page.getByLabel('Request id').fill('erin-00004');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('request') === 'erin-00004', WAIT);
    expect(path(page)).toBe('/audit?actor=erin&request=erin-00004');
    await expect(page.getByTestId('audit-row').count()).resolves.toBe(1);
    await context.close();
  });
});
