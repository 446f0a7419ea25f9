import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exists,
  field,
  type NamespacesStack,
  rowNames,
  seedNamespace,
  startNamespacesStack,
  WAIT,
} from './namespaces-support.js';

/*
 * Text from the control plane and from the operator is shown as text everywhere it appears:
 * the payloads below are stored behind the console's back (names cannot carry them, so they go
 * into descriptions, config values, reasons and the acting user's name) and typed into forms.
 */
const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '"><script>alert(2)</script>';
/**
 * Put into created_by / updated_by. The control plane takes those from the verified token, and
 * no identity provider account is named like this, so the test writes it into the demo control
 * plane's state directly: what matters is how the console shows a hostile name.
 */
const ACTOR = '<img src=x onerror=alert(3)>';

function signedByActor(name: string): void {
  const namespace = e2e.stack.controlPlane.state.namespaces.get(name);
  if (!namespace) throw new Error(`${name} missing`);
  namespace.createdBy = ACTOR;
  namespace.updatedBy = ACTOR;
}

let e2e: NamespacesStack;

beforeAll(async () => {
  e2e = await startNamespacesStack();
  await seedNamespace(
    e2e.direct,
    { name: 'xss-img', description: IMG, config: { note: IMG, other: SCRIPT } },
    { reason: SCRIPT },
  );
  signedByActor('xss-img');
  await seedNamespace(
    e2e.direct,
    { name: 'xss-script', description: SCRIPT, config: { note: SCRIPT } },
    { reason: IMG },
  );
  signedByActor('xss-script');
});
afterAll(() => e2e?.close());

/** Nothing ran and nothing was injected: no dialog, no foreign element, no inline script. */
async function expectInert(page: Page, dialogs: readonly string[]): Promise<void> {
  expect(dialogs).toEqual([]);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(await page.locator('[onerror]').count()).toBe(0);
  // The layout's only scripts are htmx, its SSE extension, live regions and Copy as command, from
  // /assets; anything else was injected.
  expect(await page.locator('script:not([src])').count()).toBe(0);
  for (const src of await page
    .locator('script[src]')
    .evaluateAll((scripts) => scripts.map((s) => s.getAttribute('src')))) {
    expect(src).toMatch(/^\/assets\/(app|copy-command)\.[0-9a-f]+\.js$/);
  }
}

/** The description cell of a row in the namespace list. */
function descriptionCell(page: Page, name: string) {
  return page.locator(`[data-testid="namespace-row"][data-name="${name}"] > td`).nth(1);
}

async function bumpBehindTheConsole(name: string, description: string): Promise<void> {
  const { namespace } = await e2e.direct.getNamespace({ name });
  if (!namespace) throw new Error(`${name} missing`);
  await e2e.direct.updateNamespace({
    namespace: { ...namespace, description },
    updateMask: { paths: ['description'] },
    requestId: randomUUID(),
    reason: SCRIPT,
  });
  signedByActor(name);
}

describe('payloads are shown as text, never run (Chromium, JavaScript on)', () => {
  it('list: a search (in the URL, and typed with htmx) finds them and shows them as text', async () => {
    const { page, dialogs, context } = await e2e.openAsAdmin();
    await page.goto(`${e2e.base}/namespaces?q=${encodeURIComponent(IMG)}`);
    expect(await rowNames(page)).toEqual(['xss-img']);
    expect(await descriptionCell(page, 'xss-img').textContent()).toBe(IMG);
    // The full text on hover of the cut value: an attribute, as text.
    expect(await descriptionCell(page, 'xss-img').locator('[title]').getAttribute('title')).toBe(
      IMG,
    );
    expect(await page.getByLabel('Search').inputValue()).toBe(IMG);
    await expectInert(page, dialogs);

    await page.getByLabel('Search').fill(SCRIPT);
    await expect.poll(() => rowNames(page), WAIT).toEqual(['xss-script']);
    expect(await descriptionCell(page, 'xss-script').textContent()).toBe(SCRIPT);
    expect(new URL(page.url()).searchParams.get('q')).toBe(SCRIPT);
    await expectInert(page, dialogs);

    // A search that finds nothing repeats the search in its message.
    await page.goto(`${e2e.base}/namespaces?q=${encodeURIComponent(`${SCRIPT}${IMG}`)}`);
    expect(await page.getByTestId('namespaces-empty').textContent()).toContain(`${SCRIPT}${IMG}`);
    await expectInert(page, dialogs);
    await context.close();
  });

  it('detail: description, config values and who made it are text', async () => {
    const { page, dialogs, context } = await e2e.openAsAdmin();
    await page.goto(`${e2e.base}/namespaces/xss-img`);
    expect(await page.getByTestId('namespace-description').textContent()).toBe(IMG);
    expect(await page.getByTestId('config-entry').locator('td').allTextContents()).toEqual([
      IMG,
      SCRIPT,
    ]);
    expect(await page.getByTestId('created').textContent()).toContain(`by ${ACTOR}`);
    await expectInert(page, dialogs);

    await page.goto(`${e2e.base}/namespaces/xss-script`);
    expect(await page.getByTestId('namespace-description').textContent()).toBe(SCRIPT);
    expect(await page.getByTestId('config-entry').locator('td').allTextContents()).toEqual([
      SCRIPT,
    ]);
    await expectInert(page, dialogs);
    await context.close();
  });

  it('edit form: the payloads are the fields’ values, also in a conflict with another change', async () => {
    const { page, dialogs, context } = await e2e.openAsAdmin();
    await page.goto(`${e2e.base}/namespaces/xss-img/edit`);
    expect(await page.getByLabel('Description').inputValue()).toBe(IMG);
    expect(await page.getByLabel('Configuration').inputValue()).toBe(
      `note=${IMG}\nother=${SCRIPT}`,
    );
    await expectInert(page, dialogs);

    await page.goto(`${e2e.base}/namespaces/xss-script/edit`);
    await page.getByLabel('Description').fill(IMG);
    await page.getByLabel('Configuration').fill(`note=${IMG}`);
    await page.getByLabel('Reason').fill(SCRIPT);
    await bumpBehindTheConsole('xss-script', `${SCRIPT} (theirs)`);
    await page.getByRole('button', { name: 'Save changes' }).click();
    const conflict = page.getByTestId('conflict');
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain(`by ${ACTOR}`);
    expect(
      await conflict
        .locator('[data-testid="conflict-row"][data-field="description"]')
        .getByTestId('current-value')
        .textContent(),
    ).toBe(`${SCRIPT} (theirs)`);
    expect(await conflict.textContent()).toContain(IMG);
    expect(await page.getByLabel('Description').inputValue()).toBe(IMG);
    expect(await page.getByLabel('Configuration').inputValue()).toBe(`note=${IMG}`);
    expect(await page.getByLabel('Reason').inputValue()).toBe(SCRIPT);
    await expectInert(page, dialogs);
    await context.close();
  });

  it('delete confirmation: shown plainly, also when the namespace changed meanwhile', async () => {
    const { page, dialogs, context } = await e2e.openAsAdmin();
    await page.goto(`${e2e.base}/namespaces/xss-img/delete`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Delete xss-img');
    await expectInert(page, dialogs);

    await page.getByLabel('Reason').fill(IMG);
    await page.getByLabel('Namespace name').fill('xss-img');
    await bumpBehindTheConsole('xss-img', IMG);
    await page.getByRole('button', { name: 'Delete namespace' }).click();
    const conflict = page.getByTestId('conflict');
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain(`by ${ACTOR}`);
    expect(await page.getByLabel('Reason').inputValue()).toBe(IMG);
    expect(await exists(e2e.direct, 'xss-img')).toBe(true);
    await expectInert(page, dialogs);
    await context.close();
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`create form re-rendered after an error keeps the payloads as values (JavaScript ${
      javaScriptEnabled ? 'on, htmx swap' : 'off, whole page'
    })`, async () => {
      const { page, dialogs, context } = await e2e.openAsAdmin({ javaScriptEnabled });
      await page.goto(`${e2e.base}/namespaces/new`);
      const badName = `"><img src=x onerror=alert(4)>`;
      await page.getByLabel('Name', { exact: true }).fill(badName);
      await page.getByLabel('Description').fill(IMG);
      await page.getByLabel('Configuration').fill(`note=${SCRIPT}\nother=${IMG}`);
      await page.getByLabel('Reason').fill(SCRIPT);
      await page.getByRole('button', { name: 'Create namespace' }).click();

      await field(page, 'name').getByTestId('field-error').waitFor();
      expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe(badName);
      expect(await page.getByLabel('Description').inputValue()).toBe(IMG);
      expect(await page.getByLabel('Configuration').inputValue()).toBe(
        `note=${SCRIPT}\nother=${IMG}`,
      );
      expect(await page.getByLabel('Reason').inputValue()).toBe(SCRIPT);
      await expectInert(page, dialogs);

      // A config line that is not key=value is refused too; its message does not echo it.
      await page.getByLabel('Name', { exact: true }).fill('xss-never-created');
      await page.getByLabel('Configuration').fill(SCRIPT);
      await page.getByRole('button', { name: 'Create namespace' }).click();
      await expect
        .poll(() => field(page, 'config').getByTestId('field-error').count(), WAIT)
        .toBe(1);
      expect(await page.getByLabel('Configuration').inputValue()).toBe(SCRIPT);
      expect(await exists(e2e.direct, 'xss-never-created')).toBe(false);
      await expectInert(page, dialogs);
      await context.close();
    });
  }
});
