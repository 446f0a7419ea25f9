import { appendFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AXE_PATH, PASSWORDS } from '../helper.js';
import { type BrowserStack, openPage, startBrowserStack } from './browser.js';
import {
  type ConsolePage,
  consolePages,
  ROLES,
  resolvePaths,
  signedOutPages,
  styled,
  VIEWPORTS,
} from './pages.js';

/*
 * axe-core on every page, for every role, at laptop and phone widths, in light and dark: no
 * violations. axe is served by the test app from the console's own origin, so the page's CSP
 * stays on while it runs (a page that needs the CSP relaxed to be checked is not checked).
 */

let e2e: BrowserStack;
let paths: Awaited<ReturnType<typeof resolvePaths>>;

beforeAll(async () => {
  e2e = await startBrowserStack({ signedIn: [...ROLES], serveAxe: true });
  const { page, context } = await openPage(e2e.browser, { storageState: await e2e.state('admin') });
  paths = await resolvePaths(page, e2e.base, consolePages);
  await context.close();
}, 120_000);
afterAll(() => e2e?.close());

interface AxeNode {
  target: unknown[];
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: AxeNode[];
}

/** Adds axe to the page, from the console's own origin (the CSP allows only that). */
async function addAxe(page: Page, base: string): Promise<void> {
  await page.addScriptTag({ url: `${base}${AXE_PATH}` });
}

/** axe's violations on the page as it is now, one line per rule and element. */
async function violations(page: Page): Promise<string[]> {
  const found = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is a global the script tag added.
    const axe = (globalThis as any).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return JSON.parse(JSON.stringify(result.violations));
  });
  return (found as AxeViolation[]).flatMap((violation) =>
    violation.nodes.map(
      (node) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${JSON.stringify(node.target)}${
          node.failureSummary ? ` — ${node.failureSummary.replace(/\s+/g, ' ')}` : ''
        }`,
    ),
  );
}

type Scheme = 'light' | 'dark';
const SCHEMES: readonly Scheme[] = ['light', 'dark'];

/** axe on the page in each colour scheme (prefers-color-scheme, switched without reloading). */
async function inBothSchemes(page: Page, label: string): Promise<string[]> {
  const problems: string[] = [];
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const line of await violations(page)) problems.push(`${label} (${scheme}): ${line}`);
  }
  return problems;
}

/**
 * Visits the pages one after the other in one context, checking each in light and dark;
 * returns every violation, by page.
 */
async function walk(
  options: { role?: (typeof ROLES)[number]; viewport: keyof typeof VIEWPORTS },
  pages: readonly (readonly [
    name: string,
    path: string | { unreachable: string },
    known?: ConsolePage['knownViolations'],
  ])[],
): Promise<string[]> {
  const { context, page, pageErrors } = await openPage(e2e.browser, {
    ...(options.role ? { storageState: await e2e.state(options.role) } : {}),
  });
  try {
    await page.setViewportSize(VIEWPORTS[options.viewport]);
    const problems: string[] = [];
    for (const [name, path, known = []] of pages) {
      if (typeof path !== 'string') {
        problems.push(`${name}: ${path.unreachable}`);
        continue;
      }
      await page.goto(`${e2e.base}${path}`, { waitUntil: 'load' });
      if (!(await styled(page))) throw new Error(`${name} was shown without its stylesheet`);
      await addAxe(page, e2e.base);
      const found = await inBothSchemes(page, `${name} ${path}`);
      const isKnown = (line: string) => known.some(({ rule }) => line.includes(`: ${rule} (`));
      problems.push(...found.filter((line) => !isKnown(line)));
      for (const { rule, fix } of known) {
        if (!found.some((line) => line.includes(`: ${rule} (`))) {
          problems.push(`${name} ${path}: now passes ${rule}: remove it from knownViolations`);
        } else {
          console.warn(`known violation on ${name} ${path}: ${rule} — to fix: ${fix}`);
        }
      }
    }
    // AXE_REPORT=file: every violation in full, for fixing them (the failure message is cut).
    const report = process.env.AXE_REPORT;
    if (report) {
      appendFileSync(
        report,
        problems.map((line) => `${JSON.stringify(options)} ${line}\n`).join(''),
      );
    }
    // The CSP refused nothing, axe included.
    expect(pageErrors.filter((error) => /Content.Security.Policy/i.test(error))).toEqual([]);
    return problems;
  } finally {
    await context.close();
  }
}

describe('accessibility (axe-core)', () => {
  for (const role of ROLES) {
    for (const viewport of Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[]) {
      it(`has no violations for the ${role} at ${viewport} width, light and dark`, async () => {
        const pages = consolePages.map((entry) => {
          const found = paths.get(entry) ?? { unreachable: 'not resolved' };
          return [entry.name, 'path' in found ? found.path : found, entry.knownViolations] as const;
        });
        const problems = await walk({ role, viewport }, pages);
        expect(problems, problems.join('\n')).toEqual([]);
      }, 180_000);
    }
  }

  for (const viewport of Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[]) {
    it(`has no violations signed out at ${viewport} width, light and dark`, async () => {
      const pages = signedOutPages.map(
        (entry) => [entry.name, String(entry.path), entry.knownViolations] as const,
      );
      const problems = await walk({ viewport }, pages);
      expect(problems, problems.join('\n')).toEqual([]);
    }, 60_000);
  }

  it('has no violations on the no-access page (signed in without a console group)', async () => {
    const { context, page } = await openPage(e2e.browser);
    try {
      await page.goto(`${e2e.base}/`);
      await page.getByLabel('Username').fill('nobody');
      await page.getByLabel('Password').fill(PASSWORDS.nobody);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page
        .getByRole('heading', { name: /access/i })
        .first()
        .waitFor();
      await page.waitForLoadState('load');
      if (!(await styled(page)))
        throw new Error('the no-access page was shown without its stylesheet');
      await addAxe(page, e2e.base);
      const problems = await inBothSchemes(page, `no access ${new URL(page.url()).pathname}`);
      expect(problems, problems.join('\n')).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
