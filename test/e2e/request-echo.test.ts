import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserStack, openPage, startBrowserStack } from './browser.js';

/*
 * In Chromium, signed in: addresses that a browser reads as another site (or that resolve to
 * one) give a page whose every link stays on the console — nothing to click that leaves it.
 */

let e2e: BrowserStack;
beforeAll(async () => {
  e2e = await startBrowserStack({ signedIn: ['admin'] });
});
afterAll(() => e2e?.close());

describe('links built from the address, in Chromium', () => {
  it.each(['//evil.example/login', '/.//evil.example/login', '/%2F%2Fevil.example/login'])(
    '%s offers no link off the console',
    async (path) => {
      const { page, context, dialogs } = await openPage(e2e.browser, {
        storageState: await e2e.state('admin'),
      });
      try {
        await page.goto(`${e2e.base}${path}`);
        await page.getByTestId('error').waitFor();
        const origins = await page
          .locator('a[href]')
          .evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).origin));
        expect(origins.length).toBeGreaterThan(0);
        expect(new Set(origins)).toEqual(new Set([new URL(e2e.base).origin]));
        expect(await page.content()).not.toContain('evil.example/login</');
        expect(dialogs).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );
});
