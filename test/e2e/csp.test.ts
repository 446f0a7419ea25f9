import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserStack, startBrowserStack } from './browser.js';
import { rowNames, WAIT } from './namespaces-support.js';

let e2e: BrowserStack;

beforeAll(async () => {
  e2e = await startBrowserStack({ signedIn: ['admin'] });
});
afterAll(() => e2e?.close());

interface Watched {
  context: BrowserContext;
  page: Page;
  /** Everything the browser refused under the policy, from events and from the console. */
  violations(): Promise<string[]>;
}

/**
 * A page that records every CSP violation two ways: the `securitypolicyviolation` events (a
 * listener installed before any of the console's own scripts runs) and Chromium's console
 * messages about the Content Security Policy.
 */
async function openWatched(): Promise<Watched> {
  const context = await e2e.browser.newContext({ storageState: await e2e.state('admin') });
  await context.addInitScript(() => {
    const found: string[] = [];
    (window as { __cspViolations?: string[] }).__cspViolations = found;
    document.addEventListener('securitypolicyviolation', (event) => {
      found.push(
        `${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT.timeout);
  const messages: string[] = [];
  page.on('console', (msg) => {
    if (msg.text().includes('Content Security Policy')) messages.push(msg.text());
  });
  return {
    context,
    page,
    async violations() {
      const events = await page.evaluate(
        () => (window as { __cspViolations?: string[] }).__cspViolations ?? ['(listener missing)'],
      );
      return [...events, ...messages];
    },
  };
}

describe('the Content-Security-Policy in Chromium', () => {
  it('loads the dashboard under the policy, styled, with htmx running, without a violation', async () => {
    const { page, context, violations } = await openWatched();
    const response = await page.goto(`${e2e.base}/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect(page.getByTestId('raft').textContent()).resolves.toMatch(/Leader/);
    expect(await page.evaluate(() => typeof (window as { htmx?: unknown }).htmx)).toBe('object');
    // Tailwind's stylesheet applies: the navigation is a dark flex column.
    const nav = page.locator('nav[aria-label="Console"]');
    expect(await nav.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe(
      'rgba(0, 0, 0, 0)',
    );
    expect(await nav.evaluate((el) => getComputedStyle(el).display)).toBe('flex');
    expect(await violations()).toEqual([]);
    await context.close();
  });

  it('searches namespaces as you type (htmx requests and swaps) without a violation', async () => {
    const { page, context, violations } = await openWatched();
    await page.goto(`${e2e.base}/namespaces`);
    const everything = await rowNames(page);
    expect(everything.length).toBeGreaterThan(10);

    await page.getByLabel('Search').pressSequentially('payments');
    await expect
      .poll(() => rowNames(page), WAIT)
      .toSatisfy(
        (names: string[]) =>
          names.length > 0 &&
          names.length < everything.length &&
          names.every((name) => name.includes('payments')),
      );
    await expect.poll(() => new URL(page.url()).searchParams.get('q'), WAIT).toBe('payments');
    // The search swapped the results in place: still the same document, still styled.
    expect(await page.evaluate(() => document.readyState)).toBe('complete');
    // The swapped-in rows are styled too (Tailwind's padding on their cells; 0px unstyled).
    const cell = page.locator('[data-testid="namespace-row"] > td').first();
    expect(await cell.evaluate((el) => getComputedStyle(el).paddingLeft)).not.toBe('0px');
    expect(await violations()).toEqual([]);
    await context.close();
  });

  it('is enforced: inline script and style injected into the page are refused and reported', async () => {
    const { page, context, violations } = await openWatched();
    await page.goto(`${e2e.base}/namespaces`);
    await page.evaluate(() => {
      const holder = document.createElement('div');
      // What an XSS would try: an inline handler, an inline style, a script element.
      holder.innerHTML = '<img src="data:," onerror="window.__ran = 1"><p style="color: red">x</p>';
      document.body.append(holder);
      const script = document.createElement('script');
      script.textContent = 'window.__ran = 2';
      document.body.append(script);
    });
    await expect.poll(async () => (await violations()).length, WAIT).toBeGreaterThanOrEqual(3);
    expect(await page.evaluate(() => (window as { __ran?: number }).__ran)).toBeUndefined();
    const found = await violations();
    expect(found.some((v) => v.startsWith('script-src-elem'))).toBe(true);
    expect(found.some((v) => v.startsWith('script-src-attr'))).toBe(true);
    expect(found.some((v) => v.startsWith('style-src-attr'))).toBe(true);
    await context.close();
  });
});
