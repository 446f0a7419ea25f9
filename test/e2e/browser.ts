import { existsSync } from 'node:fs';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Page,
  type Request,
} from 'playwright-core';
import { type DemoUsername, listen, PASSWORDS, type Stack, startStack } from '../helper.js';

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

/**
 * A slow answer: the requests to `url` that `classify` names are recorded by name, in order (the
 * others pass untouched), and the first of them is held until `release()`. `held` resolves when
 * it has arrived.
 */
export async function holdFirst(
  page: Page,
  url: string,
  classify: (request: Request) => string | undefined,
): Promise<{ seen: string[]; held: Promise<void>; release: () => void }> {
  const seen: string[] = [];
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let arrived = () => {};
  const held = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  await page.route(url, async (route) => {
    const name = classify(route.request());
    if (name === undefined) return route.continue();
    seen.push(name);
    if (seen.length > 1) return route.continue();
    arrived();
    await gate;
    // The page may have gone meanwhile.
    await route.continue().catch(() => {});
  });
  return { seen, held, release: () => release() };
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

/** What startStack takes, plus the demo users to sign in in the browser at start. */
export type BrowserStackOptions = NonNullable<Parameters<typeof startStack>[0]> & {
  /** Signed in through the identity provider's page while starting, so their `state` is ready. */
  signedIn?: readonly DemoUsername[];
};

/** A console stack listening on its public URL, and Chromium to drive it. */
export interface BrowserStack {
  stack: Stack;
  /** The console's URL, where the browser reaches it. */
  base: string;
  browser: Browser;
  /** A demo user's signed-in cookies: signed in through the browser once, then reused. */
  state(username: DemoUsername): Promise<StorageState>;
  /** Closes the browser, then the stack. */
  close(): Promise<void>;
}

/**
 * startStack, listening for the browser, and launchBrowser: what a browser test file starts
 * before its tests (and closes after them). Whatever started is closed again when a step fails.
 */
export async function startBrowserStack(options: BrowserStackOptions = {}): Promise<BrowserStack> {
  const { signedIn = [], ...stackOptions } = options;
  const stack = await startStack(stackOptions);
  let browser: Browser | undefined;
  const close = async () => {
    try {
      await browser?.close();
    } finally {
      await stack.close();
    }
  };
  try {
    const base = await listen(stack.app);
    const launched = await launchBrowser();
    browser = launched;
    const states = new Map<DemoUsername, Promise<StorageState>>();
    const state = (username: DemoUsername) => {
      let signingIn = states.get(username);
      if (!signingIn) {
        signingIn = signedInState(launched, base, username);
        states.set(username, signingIn);
        // A sign-in that failed is tried again by the next caller, not handed out.
        signingIn.catch(() => states.delete(username));
      }
      return signingIn;
    };
    for (const username of signedIn) await state(username);
    return { stack, base, browser: launched, state, close };
  } catch (err) {
    // The failure that stopped the start is the one to see, not one from closing after it.
    await close().catch(() => undefined);
    throw err;
  }
}
