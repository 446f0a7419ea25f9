import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { directClient } from '../grpc.js';
import { startDrainDirect } from '../routes/operations/support.js';
import { type BrowserStack, openPage, startBrowserStack } from './browser.js';
import { seedNamespace, uniqueName } from './namespaces-support.js';

/*
 * Live updates over the one event stream of each tab (issue 10): a change made at the control
 * plane — another operator's edit, straight through its gRPC API — reaches open pages without a
 * reload, and what the operator was doing (focus, typed text) stays as it was. The read cache
 * keeps answers as in production (keepReads), so these also show that nothing older than the
 * live view is served, and that an operator's own write is on the page the form redirects to.
 */

let e2e: BrowserStack;
let direct: ReturnType<typeof directClient>;
beforeAll(async () => {
  e2e = await startBrowserStack({ signedIn: ['admin'], keepReads: true });
  direct = directClient(e2e.stack.controlPlane.url, e2e.stack.admin.accessToken);
});
afterAll(() => e2e?.close());
// Closed even when a test fails: a tab left open would keep its stream, and the next test's count.
const contexts: BrowserContext[] = [];
afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
});

/** Issue 10: a change appears within 2 s. */
const LIVE = { timeout: 2_000, interval: 50 } as const;
const WAIT = { timeout: 15_000, interval: 100 } as const;

async function openLive(path: string) {
  const watched = await openPage(e2e.browser, { storageState: await e2e.state('admin') });
  contexts.push(watched.context);
  await watched.page.goto(`${e2e.base}${path}`);
  await waitUntilLive(watched.page);
  return watched;
}

/** The indicator says live once the stream is open (and its first status has come). */
async function waitUntilLive(page: Page) {
  const state = page.getByTestId('live-indicator').locator('[data-live-state]');
  await expect.poll(() => state.textContent(), WAIT).toBe('live');
}

async function describeNamespace(name: string, description: string) {
  const { namespace } = await direct.getNamespace({ name });
  if (!namespace) throw new Error(`${name} is missing`);
  await direct.updateNamespace({
    namespace: { ...namespace, description },
    updateMask: { paths: ['description'] },
    requestId: randomUUID(),
    reason: 'another operator, at the control plane',
  });
}

describe('live pages in Chromium', () => {
  it('a list: another operator’s change appears within 2 s; the search box keeps focus and text', async () => {
    const name = uniqueName('live-list');
    await seedNamespace(direct, { name, description: 'before' });
    const encodings: (string | undefined)[] = [];
    const watched = await openPage(e2e.browser, { storageState: await e2e.state('admin') });
    contexts.push(watched.context);
    const { page, context, pageErrors } = watched;
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/live') {
        encodings.push(response.headers()['content-encoding']);
      }
    });
    await page.goto(`${e2e.base}/namespaces?size=200`);
    await waitUntilLive(page);
    // The stream is deflated, each region's push decoded by the browser as it comes.
    expect(encodings).toEqual(['deflate']);

    // The operator is typing a search: it narrows the list (and the address) as they type.
    const search = page.locator('#namespace-search');
    await search.click();
    await search.pressSequentially('live-list', { delay: 20 });
    await expect.poll(() => new URL(page.url()).searchParams.get('q'), WAIT).toBe('live-list');
    await waitUntilLive(page);

    const row = page.locator(`[data-testid="namespace-row"][data-name="${name}"]`);
    await describeNamespace(name, 'changed behind the page');
    await expect.poll(() => row.textContent(), LIVE).toContain('changed behind the page');

    // The stream followed the address the search gave the page, and the typing is untouched.
    expect(await search.inputValue()).toBe('live-list');
    expect(await search.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 60_000);

  it('screen readers hear a change of state, not the reconnect each keystroke of a search makes', async () => {
    const { page, context, pageErrors } = await openLive('/namespaces?size=200');
    // Everything the indicator's announcer says from now on, and every state it shows.
    await page.evaluate(() => {
      const seen = { heard: [] as string[], shown: [] as string[] };
      (window as unknown as { seen: typeof seen }).seen = seen;
      const record = (selector: string, into: string[]) => {
        const element = document.querySelector(`#live-indicator ${selector}`);
        if (!element) throw new Error(`the indicator has no ${selector}`);
        new MutationObserver(() => {
          if (element.textContent) into.push(element.textContent);
        }).observe(element, { childList: true, characterData: true, subtree: true });
      };
      record('[aria-live]', seen.heard);
      record('[data-live-state]', seen.shown);
    });
    type Seen = { heard: string[]; shown: string[] };
    const seen = () => page.evaluate(() => (window as unknown as { seen: Seen }).seen);
    const heard = async () => (await seen()).heard;

    // Each narrowing of the list points the stream at the new address: connecting, then live.
    const search = page.locator('#namespace-search');
    await search.click();
    await search.pressSequentially('ord', { delay: 400 });
    await expect.poll(() => new URL(page.url()).searchParams.get('q'), WAIT).toBe('ord');
    await waitUntilLive(page);
    // The indicator is rendered again every second: give it two.
    await page.waitForTimeout(2_000);
    expect((await seen()).shown).toContain('connecting');
    expect(await heard()).toEqual([]);

    const indicator = page.getByTestId('live-indicator');
    await indicator.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(heard, WAIT).toEqual(['Live updates paused']);
    await indicator.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(heard, WAIT).toEqual(['Live updates paused', 'Live updates on']);
    // Said once, then cleared: reading the indicator later does not say it again.
    await expect.poll(() => indicator.locator('[aria-live]').textContent(), WAIT).toBe('');
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 60_000);

  it('a link focused in a region a push replaces has the focus back at once, and Enter follows it', async () => {
    const name = uniqueName('live-focus');
    await seedNamespace(direct, { name, description: 'before' });
    const { page, context, pageErrors } = await openLive(`/namespaces?q=${name}`);
    const link = page.getByRole('link', { name, exact: true });
    await link.focus();
    // What has the focus the moment the swap is done — not after the settle delay, when a key
    // pressed meanwhile would already have gone to the body.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { focusAtSwap: string[] }).focusAtSwap = seen;
      document.addEventListener('htmx:afterSwap', () => {
        const at = document.activeElement;
        seen.push(at?.tagName === 'A' ? `A ${at.textContent?.trim()}` : (at?.tagName ?? ''));
      });
    });
    await describeNamespace(name, 'changed under the focused link');
    const row = page.locator(`[data-testid="namespace-row"][data-name="${name}"]`);
    await expect.poll(() => row.textContent(), LIVE).toContain('changed under the focused link');
    const seen = await page.evaluate(
      () => (window as unknown as { focusAtSwap: string[] }).focusAtSwap,
    );
    expect(seen).toContain(`A ${name}`);
    expect(seen).not.toContain('BODY');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${e2e.base}/namespaces/${name}`, WAIT);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 60_000);

  it('on a phone, a push keeps the table scrolled sideways and the page scrolled down', async () => {
    const name = uniqueName('live-scroll');
    await seedNamespace(direct, { name, description: 'before' });
    // Newest first: the namespace just made is on the first page, with 49 others below it.
    const { page, context, pageErrors } = await openLive('/namespaces?size=50&sort=-created');
    await page.setViewportSize({ width: 390, height: 640 });
    const scroller = page.locator('#namespace-results .overflow-x-auto');
    await scroller.evaluate((el) => {
      el.scrollLeft = el.scrollWidth;
      Object.assign(el, { beforePush: true });
    });
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const where = () =>
      scroller.evaluate((el) => ({
        replaced: !('beforePush' in el),
        left: el.scrollLeft,
        y: window.scrollY,
      }));
    const before = await where();
    expect(before.left).toBeGreaterThan(50);
    expect(before.y).toBeGreaterThan(500);

    await describeNamespace(name, 'changed while scrolled');
    const row = page.locator(`[data-testid="namespace-row"][data-name="${name}"]`);
    await expect.poll(() => row.textContent(), LIVE).toContain('changed while scrolled');
    // The region was replaced, and the new one is where the operator had the old.
    expect(await where()).toEqual({ replaced: true, left: before.left, y: before.y });
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 60_000);

  it('a detail page follows its namespace', async () => {
    const name = uniqueName('live-detail');
    await seedNamespace(direct, { name, description: 'first words' });
    const { page, context, pageErrors } = await openLive(`/namespaces/${name}`);
    const description = page.getByTestId('namespace-description');
    await expect(description.textContent()).resolves.toBe('first words');

    await describeNamespace(name, 'second words');
    await expect.poll(() => description.textContent(), LIVE).toBe('second words');
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 60_000);

  it('the dashboard counts a namespace created elsewhere', async () => {
    const { page, context, pageErrors } = await openLive('/');
    const card = page.getByTestId('namespaces');
    const count = async () =>
      Number(/([\d,]+)/.exec((await card.textContent()) ?? '')?.[1]?.replace(/,/g, ''));
    const before = await count();
    await seedNamespace(direct, { name: uniqueName('live-dash'), description: 'new' });
    await expect.poll(count, LIVE).toBe(before + 1);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 60_000);

  it('the operations list shows a drain another client started', async () => {
    const { page, context, pageErrors } = await openLive('/operations');
    const id = await startDrainDirect(e2e.stack, { deadlineMs: 1_000 });
    const row = page.locator(`[data-testid="operation-row"][data-id="${id}"]`);
    await expect.poll(() => row.count(), LIVE).toBe(1);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 60_000);

  it('the console sessions page shows a sign-in within 2 s, and still marks the viewer’s own row', async () => {
    const { page, context, pageErrors } = await openLive('/console-sessions');
    const rows = page.getByTestId('console-session-row');
    const before = await rows.count();
    const ownBefore = await page.locator('[data-current="true"]').getAttribute('data-session');
    await e2e.stack.signIn('operator');
    await expect.poll(() => rows.count(), LIVE).toBe(before + 1);
    // The pushed table was rendered once for every admin; the page marks whose row is whose.
    const own = page.locator('[data-current="true"]');
    await expect(own.count()).resolves.toBe(1);
    await expect(own.getAttribute('data-session')).resolves.toBe(ownBefore);
    await expect(own.getByTestId('this-session').isVisible()).resolves.toBe(true);
    await expect(page.getByTestId('this-session').filter({ visible: true }).count()).resolves.toBe(
      1,
    );
    await expect(
      own.getByRole('button', { name: 'Revoke your own session' }).count(),
    ).resolves.toBe(1);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 60_000);

  it('a write is on the page the form redirects to, though the page was read a moment before', async () => {
    const name = uniqueName('live-rw');
    await seedNamespace(direct, { name, description: 'as read' });
    const { page, context } = await openLive(`/namespaces/${name}`);
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await page.waitForURL(`${e2e.base}/namespaces/${name}/edit`, WAIT);
    await page.getByLabel('Description').fill('my own write');
    await page.getByLabel('Reason').fill('read your writes');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(new RegExp(`/namespaces/${name}(\\?|$)`), WAIT);
    await expect(page.getByTestId('namespace-description').textContent()).resolves.toBe(
      'my own write',
    );
    await context.close();
  }, 60_000);
});

describe('a stream and its session', () => {
  it('ends when the session is revoked, and does not come back', async () => {
    const hub = e2e.stack.app.liveHub;
    // The other tests' tabs are closed: their streams end as their connections do.
    await expect.poll(() => hub.subscriberCount(), WAIT).toBe(0);
    const before = 0;
    // A session of its own, so revoking it leaves the other tests' alone.
    const viewer = await openPage(e2e.browser);
    contexts.push(viewer.context);
    const { page, context } = viewer;
    await page.goto(`${e2e.base}/`);
    await page.getByLabel('Username').fill('viewer');
    await page.getByLabel('Password').fill('viewer-pass');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${e2e.base}/`, WAIT);
    await waitUntilLive(page);
    await expect.poll(() => hub.subscriberCount(), WAIT).toBe(before + 1);

    const sessions = await e2e.stack.app.sessions.list();
    const session = sessions.find((s) => s.username === 'viewer');
    if (!session) throw new Error('no viewer session');
    await e2e.stack.app.sessions.delete(session.id);

    await expect.poll(() => hub.subscriberCount(), WAIT).toBe(before);
    // The browser's reconnections find no session: no stream opens again.
    await page.waitForTimeout(3_000);
    expect(hub.subscriberCount()).toBe(before);
    await context.close();
  }, 60_000);
});
