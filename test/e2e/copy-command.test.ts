import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AXE_PATH } from '../helper.js';
import { type BrowserStack, holdFirst, openPage, startBrowserStack } from './browser.js';

/*
 * "Copy as command" in Chromium: with htmx the command follows the form as the operator types
 * (without moving the focus), the Copy button copies exactly the command shown and says so;
 * without JavaScript there is no button, and the command is plain text to select.
 */

const WAIT = { timeout: 15_000 } as const;
let e2e: BrowserStack;
beforeAll(async () => {
  e2e = await startBrowserStack({ signedIn: ['admin'], serveAxe: true });
});
afterAll(() => e2e?.close());

async function openAsAdmin(javaScriptEnabled = true) {
  const watched = await openPage(e2e.browser, {
    javaScriptEnabled,
    storageState: await e2e.state('admin'),
  });
  watched.page.setDefaultTimeout(WAIT.timeout);
  return watched;
}

describe('Copy as command, with JavaScript', () => {
  it('follows the form while typing, copies the command, and the form still creates', async () => {
    const { page, context, pageErrors } = await openAsAdmin();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.base });
    await page.goto(`${e2e.base}/namespaces/new`);
    await page.getByText('Copy as command').click();
    const region = page.getByTestId('copy-command');
    await expect
      .poll(() => region.getByTestId('command-missing').textContent(), WAIT)
      .toContain('Name');

    const name = page.getByLabel('Name', { exact: true });
    await name.fill('copied-in-browser');
    const code = region.locator('[data-command]');
    await expect.poll(() => code.textContent(), WAIT).toContain('"name": "copied-in-browser"');
    await page.getByLabel('Reason').fill(`It's "typed" $(here)`);
    // The quote closes and reopens the shell's quoting; the JSON escapes the double quotes.
    await expect
      .poll(() => code.textContent(), WAIT)
      .toContain(`"reason": "It'\\''s \\"typed\\" $(here)"`);
    // Typing kept its place: the live command never takes the focus.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('reason');

    const copy = region.getByRole('button', { name: 'Copy command' });
    await copy.click();
    await expect.poll(() => region.getByRole('status').textContent(), WAIT).toBe('Copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await code.textContent());
    expect(copied).toContain('PRISM_TOKEN');

    // axe on the open disclosure, from the console's own origin (the CSP stays on).
    await page.addScriptTag({ url: `${e2e.base}${AXE_PATH}` });
    const violations = await page.evaluate(async () => {
      // biome-ignore lint/suspicious/noExplicitAny: axe is a global the script tag added.
      const axe = (globalThis as any).axe;
      const result = await axe.run('[data-testid="copy-command"]', { resultTypes: ['violations'] });
      return result.violations.map((v: { id: string }) => v.id);
    });
    expect(violations).toEqual([]);

    await page.getByRole('button', { name: 'Create namespace' }).click();
    await page.waitForURL(`${e2e.base}/namespaces/copied-in-browser?**`, WAIT);
    expect(e2e.stack.controlPlane.state.namespaces.has('copied-in-browser')).toBe(true);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

describe('Copy as command, sent while the command is on its way', () => {
  it('sends the form once the command is back, with nothing aborted or logged', async () => {
    const { page, context, pageErrors } = await openAsAdmin();
    await page.goto(`${e2e.base}/namespaces/new`);
    await page.getByText('Copy as command').click();
    await page.getByLabel('Name', { exact: true }).fill('sent-while-asking');
    await page.getByLabel('Reason').fill('quicker than');
    const code = page.getByTestId('copy-command').locator('[data-command]');
    await expect.poll(() => code.textContent(), WAIT).toContain('"reason": "quicker than"');
    // The command's answer is held until the form has been sent: the operator was quicker.
    const posts = await holdFirst(page, '**/*', (request) => {
      if (request.method() !== 'POST') return undefined;
      return request.headers()['hx-target'] === 'copy-command' ? 'command' : 'form';
    });
    await page.getByLabel('Reason').fill('quicker than the command');
    await posts.held;
    await page.getByRole('button', { name: 'Create namespace' }).click();
    // The form waits for the command's answer (htmx queues it) instead of aborting it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(posts.seen).toEqual(['command']);
    posts.release();
    await page.waitForURL(`${e2e.base}/namespaces/sent-while-asking?**`, WAIT);
    expect(posts.seen).toEqual(['command', 'form']);
    expect(e2e.stack.controlPlane.state.namespaces.has('sent-while-asking')).toBe(true);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

describe('Copy as command, after htmx sends the form back', () => {
  it('shows the command of the values sent, with the new request id, and a working Copy button', async () => {
    const { page, context, pageErrors } = await openAsAdmin();
    await page.goto(`${e2e.base}/namespaces/orders-prod/delete`);
    const form = page.locator('form#delete-namespace-form');
    // No confirmation typed: the form comes back (422) with its messages, swapped in by htmx.
    await page.getByLabel('Reason').fill('checked twice');
    await page.getByRole('button', { name: 'Delete namespace' }).click();
    await expect.poll(() => form.getByRole('alert').count(), WAIT).toBeGreaterThan(0);
    await page.getByText('Copy as command').click();
    const requestId = await form.locator('input[name="request_id"]').getAttribute('value');
    const code = form.locator('[data-command]');
    await expect.poll(() => code.textContent(), WAIT).toContain(`"requestId": "${requestId}"`);
    expect(await code.textContent()).toContain('"reason": "checked twice"');
    // The swapped-in form brought its own button: revealed again.
    expect(await form.getByRole('button', { name: 'Copy command' }).isVisible()).toBe(true);
    expect(e2e.stack.controlPlane.state.namespaces.has('orders-prod')).toBe(true);
    // The 422 is the answer asked for (Chromium logs every 4xx); nothing else went wrong.
    expect(pageErrors.filter((e) => !e.includes('status of 422'))).toEqual([]);
    await context.close();
  });
});

describe('Copy as command, without JavaScript', () => {
  it('has no Copy button, and the command is selectable text', async () => {
    const { page, context } = await openAsAdmin(false);
    await page.goto(`${e2e.base}/namespaces/orders-prod/delete`);
    await page.getByText('Copy as command').click();
    const region = page.getByTestId('copy-command');
    const code = region.locator('[data-command]');
    expect(await code.isVisible()).toBe(true);
    expect(await code.textContent()).toContain('"name": "orders-prod"');
    expect(await region.getByRole('button', { name: 'Copy command' }).isVisible()).toBe(false);
    // Selecting it selects the command.
    await code.selectText();
    const selected = await page.evaluate(() => String(window.getSelection()));
    expect(selected).toBe(await code.textContent());
    await context.close();
  });
});
