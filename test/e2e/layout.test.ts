import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserStack, openPage, startBrowserStack } from './browser.js';
import { type ConsolePage, consolePages, resolvePaths, styled, VIEWPORTS } from './pages.js';

/*
 * Every page at a phone's and a laptop's width, as the admin (who has the most to reach): the
 * page never scrolls sideways, and every link, button and field can be seen (at 390 px the
 * navigation after opening "Menu") and tapped: at least 24×24 CSS px or spaced as WCAG 2.2's
 * target size allows, and not covered by anything else.
 */

let e2e: BrowserStack;
let paths: Awaited<ReturnType<typeof resolvePaths>>;

beforeAll(async () => {
  e2e = await startBrowserStack({ signedIn: ['admin'] });
  const { page, context } = await openPage(e2e.browser, { storageState: await e2e.state('admin') });
  paths = await resolvePaths(page, e2e.base, consolePages);
  await context.close();
}, 120_000);
afterAll(() => e2e?.close());

/** What is wrong with the layout of the page as it is now (nothing, one line per problem). */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const scroller = document.scrollingElement ?? document.documentElement;
    if (scroller.scrollWidth > window.innerWidth) {
      problems.push(
        `the page scrolls sideways: ${scroller.scrollWidth} px in ${window.innerWidth}`,
      );
    }
    const describe = (el: Element) => {
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      const name = el.getAttribute('aria-label') ?? el.getAttribute('name') ?? text;
      return `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}> "${name}"`;
    };
    // Visually hidden until focused (the skip link): reachable, by design not a tap target.
    const srOnly = (el: Element) => el.closest('.sr-only') !== null;
    // Hidden at this width on purpose (a Tailwind `hidden`, `lg:hidden`...: the sidebar's brand
    // on a phone, "Menu" on a laptop, a less-used column of a table): not a target here.
    const hiddenByDesign = (el: Element) => {
      for (let at: Element | null = el; at; at = at.parentElement) {
        if (
          getComputedStyle(at).display === 'none' &&
          /(^|\s)([a-z0-9]+:)?hidden(\s|$)/.test(at.className.toString())
        )
          return true;
      }
      return false;
    };
    const targets = [
      ...document.querySelectorAll<HTMLElement>(
        'a[href], button, input:not([type="hidden"]), select, textarea, summary',
      ),
    ].filter((el) => !srOnly(el) && !hiddenByDesign(el));
    const boxes = new Map<HTMLElement, DOMRect>();
    for (const el of targets) {
      el.scrollIntoView({ block: 'center', inline: 'center' });
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) {
        problems.push(`${describe(el)} cannot be seen`);
        continue;
      }
      // A link wrapped over two lines: the centre of its first line.
      const first = el.getClientRects()[0] ?? box;
      const x = first.left + first.width / 2;
      const y = first.top + first.height / 2;
      const hit = document.elementFromPoint(x, y);
      if (hit && hit !== el && !el.contains(hit)) {
        problems.push(`${describe(el)} is covered by ${describe(hit)}`);
      }
    }
    window.scrollTo(0, 0);
    for (const scroller of document.querySelectorAll('*')) scroller.scrollLeft = 0;
    for (const el of targets) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.height > 0) boxes.set(el, box);
    }
    // Target size (WCAG 2.2, 2.5.8): 24×24, or a 24 px circle around its centre touches no
    // other target; links inside a sentence are exempt.
    const small = [...boxes].filter(([, box]) => box.width < 24 || box.height < 24);
    const inSentence = (el: HTMLElement) =>
      getComputedStyle(el).display === 'inline' &&
      (el.parentElement?.textContent ?? '').trim().length > (el.textContent ?? '').trim().length;
    // All measured at one moment (nothing scrolls in between), so distances are right.
    const centres = new Map(
      [...boxes].map(([el, box]) => [
        el,
        { x: box.left + box.width / 2, y: box.top + box.height / 2 },
      ]),
    );
    for (const [el, box] of small) {
      if (inSentence(el)) continue;
      const c = centres.get(el);
      if (!c) continue;
      const crowded = [...boxes].find(([other, otherBox]) => {
        if (other === el || other.contains(el) || el.contains(other)) return false;
        const o = centres.get(other);
        if (!o) return false;
        if (otherBox.width < 24 || otherBox.height < 24)
          return Math.hypot(c.x - o.x, c.y - o.y) < 24;
        // Distance from this centre to the other's box.
        const dx = Math.max(Math.abs(c.x - o.x) - otherBox.width / 2, 0);
        const dy = Math.max(Math.abs(c.y - o.y) - otherBox.height / 2, 0);
        return Math.hypot(dx, dy) < 12;
      });
      if (crowded) {
        problems.push(
          `${describe(el)} is ${Math.round(box.width)}×${Math.round(box.height)} px, too close to ${describe(crowded[0])}`,
        );
      }
    }
    window.scrollTo(0, 0);
    return problems;
  });
}

/** Tables (and other sideways scrollers) that need scrolling at this width. */
function scrollingTables(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('table')]
      .map((table) => table.parentElement)
      .filter((frame): frame is HTMLElement => frame !== null)
      .filter((frame) => frame.scrollWidth > frame.clientWidth + 1)
      .map(
        (frame) =>
          `${frame.closest('[aria-label]')?.getAttribute('aria-label') ?? 'a table'} needs ${frame.scrollWidth} px in ${frame.clientWidth}`,
      ),
  );
}

async function walk(viewport: keyof typeof VIEWPORTS): Promise<string[]> {
  const { context, page } = await openPage(e2e.browser, { storageState: await e2e.state('admin') });
  try {
    await page.setViewportSize(VIEWPORTS[viewport]);
    const problems: string[] = [];
    for (const entry of consolePages) {
      const found = paths.get(entry as ConsolePage) ?? { unreachable: 'not resolved' };
      if (!('path' in found)) {
        problems.push(`${entry.name}: ${found.unreachable}`);
        continue;
      }
      await page.goto(`${e2e.base}${found.path}`, { waitUntil: 'load' });
      if (!(await styled(page))) throw new Error(`${entry.name} was shown without its stylesheet`);
      if (viewport === 'phone') {
        // The navigation is behind "Menu": it opens by tapping it (no JavaScript needed).
        const menu = page.locator('nav[aria-label="Console"] summary');
        await menu.click();
        const open = await page.locator('nav[aria-label="Console"] details').getAttribute('open');
        if (open === null) problems.push(`${entry.name}: "Menu" does not open the navigation`);
      }
      for (const line of await layoutProblems(page)) {
        problems.push(`${entry.name} ${found.path}: ${line}`);
      }
      if (viewport === 'laptop') {
        for (const line of await scrollingTables(page)) {
          problems.push(`${entry.name} ${found.path}: ${line}`);
        }
      }
    }
    return problems;
  } finally {
    await context.close();
  }
}

describe('layout in Chromium', () => {
  for (const viewport of Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[]) {
    it(`fits every page at ${viewport} width, every action reachable and tappable`, async () => {
      const problems = await walk(viewport);
      expect(problems, problems.join('\n')).toEqual([]);
    }, 180_000);
  }

  it('folds the navigation behind "Menu" on a phone and shows it as a sidebar on a laptop', async () => {
    const { context, page } = await openPage(e2e.browser, {
      storageState: await e2e.state('admin'),
      javaScriptEnabled: false,
    });
    try {
      const nav = page.locator('nav[aria-label="Console"]');
      await page.setViewportSize(VIEWPORTS.phone);
      await page.goto(`${e2e.base}/backends`);
      const link = nav.getByRole('link', { name: 'Namespaces' });
      await expect(link.isVisible()).resolves.toBe(false);
      await nav.getByText('Menu').click();
      await expect(link.isVisible()).resolves.toBe(true);
      await link.click();
      await page.waitForURL(`${e2e.base}/namespaces`);

      await page.setViewportSize(VIEWPORTS.laptop);
      await expect(nav.getByText('Menu').isVisible()).resolves.toBe(false);
      await expect(nav.getByRole('link', { name: 'Backends' }).isVisible()).resolves.toBe(true);
      const box = await nav.boundingBox();
      expect(box?.height).toBeGreaterThanOrEqual(VIEWPORTS.laptop.height);
    } finally {
      await context.close();
    }
  });

  it('runs htmx with the console settings, from the one script', async () => {
    const { context, page } = await openPage(e2e.browser, {
      storageState: await e2e.state('admin'),
    });
    try {
      await page.goto(`${e2e.base}/namespaces`);
      await page.waitForFunction(() => (window as { htmx?: unknown }).htmx !== undefined);
      const config = await page.evaluate(() => {
        const { htmx } = window as unknown as { htmx: { config: Record<string, unknown> } };
        return { ...htmx.config };
      });
      expect(config).toMatchObject({
        allowEval: false,
        allowScriptTags: false,
        selfRequestsOnly: true,
        includeIndicatorStyles: false,
        historyCacheSize: 0,
        refreshOnHistoryMiss: true,
        defaultSettleDelay: 0,
      });
      // Error answers are swapped (as readable fragments); a 204 is not.
      expect(config.responseHandling).toContainEqual({ code: '[45]..', swap: true, error: true });
      expect(config.responseHandling).toContainEqual({ code: '204', swap: false });
      // No settings in the page for anything to override, and no inline indicator styles.
      await expect(page.locator('meta[name="htmx-config"]').count()).resolves.toBe(0);
      await expect(page.locator('style').count()).resolves.toBe(0);
    } finally {
      await context.close();
    }
  });

  it('turns dark with the system, and a chosen theme wins over the system', async () => {
    const { context, page } = await openPage(e2e.browser, {
      storageState: await e2e.state('admin'),
    });
    try {
      await page.goto(`${e2e.base}/backends`);
      const colours = () =>
        page.evaluate(() => {
          const card = document.querySelector('table')?.closest('[class*="bg-white"]');
          return {
            page: getComputedStyle(document.documentElement).backgroundColor,
            card: card ? getComputedStyle(card).backgroundColor : '',
            text: getComputedStyle(document.body).color,
          };
        });
      // The switch at the foot of the page: a form post, and the page again with its stylesheet.
      const choose = async (label: string) => {
        await Promise.all([
          page.waitForEvent('load'),
          page.getByTestId('theme-switch').getByRole('button', { name: label }).click(),
        ]);
        await expect(
          page
            .getByTestId('theme-switch')
            .getByRole('button', { name: label })
            .getAttribute('aria-pressed'),
        ).resolves.toBe('true');
      };

      await page.emulateMedia({ colorScheme: 'light' });
      const light = await colours();
      await page.emulateMedia({ colorScheme: 'dark' });
      const dark = await colours();
      expect(dark.page).not.toBe(light.page);
      expect(dark.card).not.toBe(light.card);
      expect(dark.text).not.toBe(light.text);

      // Chosen light in a dark system: light; chosen dark in a light system: dark.
      await choose('Light');
      await expect(colours()).resolves.toEqual(light);
      await page.emulateMedia({ colorScheme: 'light' });
      await choose('Dark');
      await expect(colours()).resolves.toEqual(dark);
      // Each choice links its own stylesheet, and only that one.
      const stylesheets = await page
        .locator('link[rel="stylesheet"]')
        .evaluateAll((links) => links.map((link) => link.getAttribute('href')));
      expect(stylesheets).toHaveLength(1);
      expect(stylesheets[0]).toMatch(/^\/assets\/app-dark\.[0-9a-f]+\.css$/);
      // Back to the system's: dark and light follow it again.
      await choose('System');
      await expect(colours()).resolves.toEqual(light);
      await page.emulateMedia({ colorScheme: 'dark' });
      await expect(colours()).resolves.toEqual(dark);
    } finally {
      await context.close();
    }
  });

  it('switches theme from the page without JavaScript, and keeps it on the next pages', async () => {
    const { context, page } = await openPage(e2e.browser, {
      storageState: await e2e.state('admin'),
      javaScriptEnabled: false,
    });
    try {
      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(`${e2e.base}/cluster?proxies=down`);
      const background = () =>
        page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      const light = await background();
      const theSwitch = page.getByTestId('theme-switch');
      await theSwitch.getByRole('button', { name: 'Dark' }).click();
      await page.waitForURL(`${e2e.base}/cluster?proxies=down`);
      expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
      expect(await background()).not.toBe(light);
      await expect(
        theSwitch.getByRole('button', { name: 'Dark' }).getAttribute('aria-pressed'),
      ).resolves.toBe('true');
      await page.goto(`${e2e.base}/namespaces`);
      expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
      await theSwitch.getByRole('button', { name: 'System' }).click();
      await page.waitForURL(`${e2e.base}/namespaces`);
      expect(await page.getAttribute('html', 'data-theme')).toBeNull();
      expect(await background()).toBe(light);
    } finally {
      await context.close();
    }
  });

  it('shows a strong focus ring from the keyboard, a light one on the dark sidebar', async () => {
    const { context, page } = await openPage(e2e.browser, {
      storageState: await e2e.state('admin'),
    });
    try {
      await page.setViewportSize(VIEWPORTS.laptop);
      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(`${e2e.base}/backends`);
      const ring = () =>
        page.evaluate(() => {
          const focused = document.activeElement;
          if (!focused) return undefined;
          const style = getComputedStyle(focused);
          return {
            text: (focused.textContent ?? '').trim(),
            width: style.outlineWidth,
            style: style.outlineStyle,
            color: style.outlineColor,
          };
        });
      // Tab past the skip link to the first area in the sidebar.
      let inSidebar: Awaited<ReturnType<typeof ring>>;
      for (let i = 0; i < 5; i++) {
        await page.keyboard.press('Tab');
        inSidebar = await ring();
        if (inSidebar?.text === 'Dashboard') break;
      }
      expect(inSidebar).toMatchObject({ text: 'Dashboard', width: '3px', style: 'solid' });
      await page.locator('main a').first().focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      const inPage = await ring();
      expect(inPage).toMatchObject({ width: '3px', style: 'solid' });
      // Light on the dark sidebar, dark on the light page: not the same colour.
      expect(inPage?.color).not.toBe(inSidebar?.color);
    } finally {
      await context.close();
    }
  });

  it('puts focus on the notice after a save, without JavaScript', async () => {
    const { context, page } = await openPage(e2e.browser, {
      storageState: await e2e.state('admin'),
      javaScriptEnabled: false,
    });
    try {
      // Where a save redirects to (post/redirect/get): the notice takes focus on load.
      await page.goto(`${e2e.base}/namespaces/orders-prod?notice=updated`);
      const focused = await page.evaluate(() => ({
        testId: document.activeElement?.getAttribute('data-testid'),
        role: document.activeElement?.getAttribute('role'),
        text: document.activeElement?.textContent?.trim(),
      }));
      expect(focused).toEqual({ testId: 'notice', role: 'status', text: 'Changes saved.' });
    } finally {
      await context.close();
    }
  });

  it('makes buttons, fields and page links 44×44 px on a touch screen', async () => {
    const context = await e2e.browser.newContext({
      storageState: await e2e.state('admin'),
      viewport: VIEWPORTS.phone,
      hasTouch: true,
      isMobile: true,
    });
    try {
      const page = await context.newPage();
      await expect(page.evaluate(() => matchMedia('(pointer: coarse)').matches)).resolves.toBe(
        true,
      );
      const small: string[] = [];
      for (const path of ['/namespaces', '/namespaces/orders-prod/edit', '/console-sessions']) {
        await page.goto(`${e2e.base}${path}`);
        const sizes = await page.evaluate(() =>
          [
            ...document.querySelectorAll<HTMLElement>(
              'main button, main select, main input:not([type="hidden"]), [data-testid="pagination"] a, nav summary',
            ),
          ]
            .filter((el) => el.getClientRects().length > 0)
            .map((el) => {
              const box = el.getBoundingClientRect();
              const name = (el.textContent ?? '').trim() || el.getAttribute('name');
              return { name, width: box.width, height: box.height };
            }),
        );
        expect(sizes.length, path).toBeGreaterThan(0);
        for (const { name, width, height } of sizes) {
          if (width < 44 || height < 44) small.push(`${path}: "${name}" ${width}×${height}`);
        }
      }
      expect(small, small.join('\n')).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
