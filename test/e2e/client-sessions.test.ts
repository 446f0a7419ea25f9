import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDLE_PRONE_NAMESPACE } from '../../src/dev/control-plane/seed.js';
import { SessionStatus } from '../../src/gen/prism/admin/v1/client_session_pb.js';
import { type BrowserStack, openPage, startBrowserStack } from './browser.js';

let e2e: BrowserStack;

beforeAll(async () => {
  e2e = await startBrowserStack({ signedIn: ['operator'] });
});
afterAll(() => e2e?.close());

const WAIT = { timeout: 15_000 } as const;
const state = () => e2e.stack.controlPlane.state;
const path = (page: Page) => {
  const url = new URL(page.url());
  return `${url.pathname}${url.search}`;
};
const rowIds = (page: Page) =>
  page
    .getByTestId('session-row')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id') ?? ''));
const openSessions = (namespace: string, status: SessionStatus) =>
  [...state().clientSessions.values()].filter(
    (s) => s.namespace === namespace && s.status === status,
  );

async function open(javaScriptEnabled = true) {
  return openPage(e2e.browser, {
    javaScriptEnabled,
    storageState: await e2e.state('operator'),
  });
}

describe('client sessions in Chromium', () => {
  it('filters, sorts, pages and opens a session with htmx', async () => {
    const { page, pageErrors, context } = await open();
    await page.goto(`${e2e.base}/sessions`);
    await expect(page.title()).resolves.toBe('Client sessions · Prism Console');

    // Typing searches (debounced) and replaces the URL; only the results are swapped.
    const target = openSessions(IDLE_PRONE_NAMESPACE, SessionStatus.IDLE)[0];
    if (!target) throw new Error('the seed has idle sessions');
    const historyBefore = await page.evaluate(() => history.length);
    await page.getByLabel('Client id or address').fill(target.clientId);
    await page.waitForURL((url) => url.searchParams.get('q') === target.clientId, WAIT);
    await expect.poll(() => rowIds(page), WAIT).toEqual([target.id]);
    // No empty parameters, and typing replaced the history entry instead of adding one.
    expect(path(page)).toBe(`/sessions?q=${target.clientId}`);
    await expect(page.evaluate(() => history.length)).resolves.toBe(historyBefore);
    await page.getByLabel('Client id or address').fill('');
    await page.waitForURL((url) => !url.searchParams.has('q'), WAIT);

    await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Idle' });
    await page.waitForURL((url) => url.searchParams.get('status') === 'idle', WAIT);
    await expect
      .poll(
        () =>
          page
            .getByTestId('session-status')
            .evaluateAll((els) => [...new Set(els.map((el) => el.getAttribute('data-status')))]),
        WAIT,
      )
      .toEqual(['idle']);

    await page.getByLabel('Per page').selectOption('25');
    await page.waitForURL((url) => url.searchParams.get('size') === '25', WAIT);
    await page.getByRole('link', { name: 'Requests' }).click();
    await page.waitForURL((url) => url.searchParams.get('sort') === '-requests', WAIT);
    await expect(
      page.locator('[data-sort-key="requests"]').getAttribute('aria-sort'),
    ).resolves.toBe('descending');
    const firstPage = await rowIds(page);
    await page.getByRole('link', { name: 'Next →' }).click();
    await page.waitForURL((url) => url.searchParams.has('page'), WAIT);
    await expect.poll(async () => (await rowIds(page))[0], WAIT).not.toBe(firstPage[0]);
    expect(path(page)).toContain('status=idle');

    const first = (await rowIds(page))[0] ?? '';
    await page.locator(`[data-testid="session-row"][data-id="${first}"] a`).first().click();
    await page.waitForURL(`${e2e.base}/sessions/${first}`, WAIT);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      state().clientSessions.get(first)?.clientId,
    );
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('fits a 1280 px laptop without scrolling sideways, and a phone', async () => {
    const { page, context } = await open();
    await page.setViewportSize({ width: 1280, height: 800 });
    const session = openSessions('orders-prod', SessionStatus.ACTIVE)[0]?.id ?? '';
    const urls = [
      '/sessions',
      `/namespaces/${IDLE_PRONE_NAMESPACE}`,
      `/sessions/${session}`,
      `/sessions/${session}/terminate`,
      `/sessions/bulk-terminate?namespace=${IDLE_PRONE_NAMESPACE}&status=idle`,
    ];
    for (const url of urls) {
      await page.goto(`${e2e.base}${url}`);
      const overflow = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        tables: [...document.querySelectorAll('table')].map(
          (table) =>
            (table.parentElement?.scrollWidth ?? 0) - (table.parentElement?.clientWidth ?? 0),
        ),
      }));
      expect(overflow.page, url).toBeLessThanOrEqual(0);
      for (const extra of overflow.tables) expect(extra, url).toBeLessThanOrEqual(0);
    }
    // On a phone the table scrolls inside its box; the page itself does not.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const url of urls) {
      await page.goto(`${e2e.base}${url}`);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, `${url} at 390 px`).toBeLessThanOrEqual(0);
    }
    await context.close();
  });

  it('terminates one session with JavaScript on', async () => {
    const { page, pageErrors, context } = await open();
    const session = openSessions('orders-prod', SessionStatus.ACTIVE)[0];
    if (!session) throw new Error('the seed has active sessions');
    await page.goto(`${e2e.base}/sessions/${session.id}`);
    await page.getByTestId('terminate').click();
    await page.waitForURL(`${e2e.base}/sessions/${session.id}/terminate`, WAIT);
    await page.getByLabel('Reason').fill('Chromium test');
    await page.getByLabel('Close it now, even with requests in flight').check();
    await page.getByLabel('Session id').fill(session.id);
    await page.getByRole('button', { name: 'Terminate session' }).click();
    await page.waitForURL(
      (url) =>
        url.pathname === `/sessions/${session.id}` &&
        url.search.startsWith('?notice=terminated&request='),
      WAIT,
    );
    await expect(page.getByTestId('notice').textContent()).resolves.toContain(
      'Session terminated.',
    );
    expect(state().clientSessions.get(session.id)?.status).toBe(SessionStatus.TERMINATED);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`terminates several, a partial failure shown (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const { page, pageErrors, context } = await open(javaScriptEnabled);
      await page.goto(`${e2e.base}/sessions?namespace=orders-prod&status=active&size=25`);
      const ids = (await rowIds(page)).slice(0, 3);
      expect(ids).toHaveLength(3);
      for (const id of ids) await page.getByLabel(`Select ${id}`).check();
      await page.getByRole('button', { name: 'Terminate selected…' }).click();
      await page.waitForURL(`${e2e.base}/sessions/bulk-terminate`, WAIT);
      await expect(page.getByTestId('bulk-item').count()).resolves.toBe(3);

      // One of them ends (and is forgotten) while the operator reads the confirmation.
      state().clientSessions.delete(ids[0] ?? '');
      await page.getByLabel('Reason').fill('Bulk from Chromium');
      await page.getByLabel('Close them now, even with requests in flight').check();
      await page.getByLabel('Number of sessions').fill('3');
      await page.getByRole('button', { name: 'Terminate 3 sessions' }).click();
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).textContent(), WAIT)
        .toBe('2 of 3 terminated, 1 failed');
      await expect(
        page.locator(`[data-testid="bulk-outcome"][data-id="${ids[0]}"]`).textContent(),
      ).resolves.toContain('no session with this id');
      for (const id of ids.slice(1)) {
        expect(state().clientSessions.get(id)?.status).toBe(SessionStatus.TERMINATED);
      }
      expect(pageErrors).toEqual([]);
      await context.close();
    });
  }
});
