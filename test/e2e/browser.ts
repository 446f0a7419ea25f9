import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type DemoUsername, PASSWORDS } from '../helper.js';

/** Cookies and storage of a signed-in browser, to start other contexts signed in. */
export type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, without the background traffic this closed network refuses. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium).`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  /** Every dialog (alert/confirm) the page opened: an XSS payload that runs shows up here. */
  dialogs: string[];
  /** Uncaught page errors and console errors, which a working page does not have. */
  pageErrors: string[];
}

/** A fresh context and page that record dialogs and errors for the test to assert on. */
export async function openPage(
  browser: Browser,
  options: { javaScriptEnabled?: boolean; storageState?: StorageState } = {},
): Promise<Watched> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    ...(options.storageState ? { storageState: options.storageState } : {}),
  });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
  return { context, page, dialogs, pageErrors };
}

/** Signs in on the identity provider's own page and lands on `path`, in this page. */
export async function signInWithPage(
  page: Page,
  base: string,
  username: DemoUsername,
  path = '/',
): Promise<void> {
  await page.goto(`${base}${path}`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORDS[username]);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(`${base}${path}`);
}

/** Signs in once through the identity provider; contexts started from the state are signed in. */
export async function signedInState(
  browser: Browser,
  base: string,
  username: DemoUsername,
): Promise<StorageState> {
  const { context, page } = await openPage(browser);
  await signInWithPage(page, base, username);
  const state = await context.storageState();
  await context.close();
  return state;
}
