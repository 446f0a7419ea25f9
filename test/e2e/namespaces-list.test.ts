import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  currentPath,
  type NamespacesStack,
  rowNames,
  seedNamespace,
  startNamespacesStack,
  uniqueName,
  WAIT,
} from './namespaces-support.js';

/*
 * The namespace list in Chromium: sorting on numeric columns, over-quota rows, the loading state
 * while typing, and one history entry for a whole search however many pauses it has.
 */

let e2e: NamespacesStack;
beforeAll(async () => {
  e2e = await startNamespacesStack();
});
afterAll(() => e2e?.close());

/** The names the control plane lists in this order (what the console's sort must show). */
async function listedBy(orderBy: string): Promise<string[]> {
  const { namespaces } = await e2e.direct.listNamespaces({ pageSize: 50, orderBy });
  return namespaces.map((ns) => ns.name);
}

describe('namespace list in Chromium', () => {
  it('sorts by storage and by requests/s from the column headers', async () => {
    const { page, context, pageErrors } = await e2e.openAsAdmin();
    await page.goto(`${e2e.base}/namespaces`);
    await page.getByRole('link', { name: /^Storage/ }).click();
    await expect.poll(() => currentPath(page), WAIT).toBe('/namespaces?sort=-storage');
    await expect
      .poll(() => rowNames(page), WAIT)
      .toEqual(await listedBy('storage_used_bytes desc'));
    await expect(
      page.locator('th[data-sort-key="storage"]').getAttribute('aria-sort'),
    ).resolves.toBe('descending');

    await page.getByRole('link', { name: /^Requests\/s/ }).click();
    await expect.poll(() => currentPath(page), WAIT).toBe('/namespaces?sort=-rps');
    await expect.poll(() => rowNames(page), WAIT).toEqual(await listedBy('rps desc'));
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('goes Back through the sorts htmx pushed: each step loads that page afresh, in its order', async () => {
    const { page, context, pageErrors } = await e2e.openAsAdmin();
    await page.goto(`${e2e.base}/namespaces`);
    await page.getByRole('link', { name: /^Storage/ }).click();
    await expect.poll(() => currentPath(page), WAIT).toBe('/namespaces?sort=-storage');
    await page.getByRole('link', { name: /^Requests\/s/ }).click();
    await expect.poll(() => currentPath(page), WAIT).toBe('/namespaces?sort=-rps');
    await expect.poll(() => rowNames(page), WAIT).toEqual(await listedBy('rps desc'));
    // htmx keeps no copy of pages (historyCacheSize: 0): Back reloads the address from the
    // console. A mark on the window tells a load from a swap.
    const marked = () => page.evaluate(() => 'backMark' in window);
    await page.evaluate(() => Object.assign(window, { backMark: true }));
    await page.goBack();
    await expect.poll(() => currentPath(page), WAIT).toBe('/namespaces?sort=-storage');
    await expect.poll(marked, WAIT).toBe(false);
    await expect
      .poll(() => rowNames(page), WAIT)
      .toEqual(await listedBy('storage_used_bytes desc'));
    await page.evaluate(() => Object.assign(window, { backMark: true }));
    await page.goBack();
    await expect.poll(() => currentPath(page), WAIT).toBe('/namespaces');
    await expect.poll(marked, WAIT).toBe(false);
    await expect.poll(() => rowNames(page), WAIT).toEqual(await listedBy('name'));
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('puts focus on the new results after a sort or page link, and leaves it in the search box', async () => {
    const { page, context, pageErrors } = await e2e.openAsAdmin();
    await page.goto(`${e2e.base}/namespaces?size=10`);
    const focused = () =>
      page.evaluate(() => {
        const at = document.activeElement;
        return at?.id || at?.getAttribute('aria-label') || at?.tagName || '';
      });
    // From the keyboard: the "Next" link is swapped away with the rows it belonged to.
    await page
      .getByRole('navigation', { name: 'Namespace pages' })
      .getByRole('link', { name: /Next/ })
      .focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('page'), WAIT).toBeTruthy();
    await expect.poll(focused, WAIT).toBe('namespace-results');
    await page.getByRole('link', { name: /^Storage/ }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('sort'), WAIT).toBe('-storage');
    await expect.poll(focused, WAIT).toBe('namespace-results');
    // Typing a search swaps the same region, and the cursor stays where the operator types.
    const search = page.getByRole('searchbox');
    await search.fill('a');
    await search.press('e');
    await expect.poll(() => new URL(page.url()).searchParams.get('q'), WAIT).toBe('ae');
    expect(await focused()).toBe(await search.getAttribute('id'));
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('makes a link work the moment a live update swaps it in: an htmx request, not a page load', async () => {
    const { page, context, pageErrors } = await e2e.openAsAdmin();
    await page.goto(`${e2e.base}/namespaces?size=10`);
    await page.evaluate(() => {
      (window as { loadedOnce?: boolean }).loadedOnce = true;
    });
    // The region fetches itself as a live update does; in the task right after its swap (where a
    // key press would come first), the new sort link is activated.
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const region = () => document.getElementById('namespace-results');
          const swapped = (event: Event) => {
            if (event.target !== region()) return;
            document.removeEventListener('htmx:afterSwap', swapped);
            setTimeout(() => {
              const link = region()?.querySelector<HTMLAnchorElement>(
                'th[data-sort-key="storage"] a',
              );
              if (!link)
                return reject(new Error('the swapped-in results have no Storage sort link'));
              link.click();
              resolve();
            }, 0);
          };
          document.addEventListener('htmx:afterSwap', swapped);
          const htmx = (window as { htmx?: { trigger(el: Element, name: string): void } }).htmx;
          const found = region();
          if (!htmx || !found) throw new Error('no htmx or no results region on the page');
          htmx.trigger(found, 'live-poll');
        }),
    );
    await expect.poll(() => new URL(page.url()).searchParams.get('sort'), WAIT).toBe('-storage');
    const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
    await expect.poll(focused, WAIT).toBe('namespace-results');
    // Still the same document: the link made its htmx request.
    expect(await page.evaluate(() => (window as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('fits a 1280 px laptop without scrolling sideways, and hides the proxy column below it', async () => {
    const { page, context } = await e2e.openAsAdmin();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${e2e.base}/namespaces`);
    const table = page.locator('#namespace-results table');
    const frame = await table.evaluate((el) => {
      const parent = el.parentElement as HTMLElement;
      return { table: el.scrollWidth, frame: parent.clientWidth };
    });
    expect(frame.table).toBeLessThanOrEqual(frame.frame);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    ).toBe(true);
    await expect(page.getByRole('columnheader', { name: 'Proxy' }).isVisible()).resolves.toBe(true);
    // Narrower: the less-used column goes, the rest stays.
    await page.setViewportSize({ width: 1100, height: 800 });
    await expect(page.getByRole('columnheader', { name: 'Proxy' }).isVisible()).resolves.toBe(
      false,
    );
    await expect(page.getByRole('columnheader', { name: /^Storage/ }).isVisible()).resolves.toBe(
      true,
    );
    await context.close();
  });

  it('highlights a namespace over its storage quota, in words', async () => {
    const name = uniqueName('over-quota');
    await seedNamespace(e2e.direct, {
      name,
      description: 'more stored than its quota allows',
      quota: { maxSessions: 10, maxStorageBytes: 1024n, maxRps: 100 },
    });
    const ns = e2e.stack.controlPlane.state.namespaces.get(name);
    if (!ns?.metrics) throw new Error('the control plane kept no metrics for the namespace');
    ns.metrics.storageUsedBytes = 4096n;
    const { page, context } = await e2e.openAsAdmin();
    await page.goto(`${e2e.base}/namespaces?q=${name}`);
    const row = page.locator(`[data-testid="namespace-row"][data-name="${name}"]`);
    await expect(row.getByTestId('over-quota').textContent()).resolves.toContain(
      'over quota: storage',
    );
    await expect(row.getByTestId('over-quota').isVisible()).resolves.toBe(true);
    const background = await row.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(background).not.toBe('rgba(0, 0, 0, 0)');
    expect(background).not.toBe('rgb(255, 255, 255)');
    await context.close();
  });

  it('shows the loading state while a typed search is on its way', async () => {
    const { page, context } = await e2e.openAsAdmin();
    await page.goto(`${e2e.base}/namespaces`);
    const before = await rowNames(page);
    const indicator = page.getByTestId('namespace-loading');
    // Hidden by opacity (htmx's indicator class), so it takes no layout jump when shown.
    const opacity = () => indicator.evaluate((el) => getComputedStyle(el).opacity);
    await expect(opacity()).resolves.toBe('0');
    // A slow control plane: the answer takes a while, and the page says it is coming.
    e2e.stack.controlPlane.faults.latencyMs = 1500;
    try {
      await page.getByLabel('Search').pressSequentially('orders');
      await expect.poll(opacity, { timeout: 5_000, interval: 50 }).toBe('1');
      // Shown before the answer: the rows are still the old ones.
      expect(await rowNames(page)).toEqual(before);
      await expect.poll(opacity, WAIT).toBe('0');
      expect(await rowNames(page)).not.toEqual(before);
      await expect.poll(() => new URL(page.url()).searchParams.get('q'), WAIT).toBe('orders');
    } finally {
      e2e.stack.controlPlane.faults.latencyMs = 0;
    }
    await context.close();
  });

  it('keeps one history entry for a search typed with pauses, and no empty parameters', async () => {
    const { page, context } = await e2e.openAsAdmin();
    await page.goto(`${e2e.base}/namespaces`);
    const entries = await page.evaluate(() => history.length);
    const search = page.getByLabel('Search');
    for (const part of ['pay', 'ments', '-']) {
      await search.pressSequentially(part);
      // Longer than the 300 ms pause that sends the search: each part is a request of its own.
      await expect
        .poll(() => new URL(page.url()).searchParams.get('q'), WAIT)
        .toBe(await search.inputValue());
    }
    expect(await page.evaluate(() => history.length)).toBe(entries);
    // The address is the canonical one: no `status=` or other empty field.
    expect(currentPath(page)).toBe('/namespaces?q=payments-&size=50');

    // Without JavaScript, the form's empty fields are dropped by a redirect.
    const nojs = await e2e.openAsAdmin({ javaScriptEnabled: false });
    await nojs.page.goto(`${e2e.base}/namespaces`);
    await nojs.page.getByRole('button', { name: 'Search' }).click();
    await nojs.page.waitForLoadState('load');
    expect(currentPath(nojs.page)).toBe('/namespaces?size=50');
    await nojs.context.close();
    await context.close();
  });
});
