import { timestampNow } from '@bufbuild/protobuf/wkt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendHealth } from '../../src/gen/prism/admin/v1/backend_pb.js';
import { ComponentStatus } from '../../src/gen/prism/admin/v1/cluster_pb.js';
import { type BrowserStack, startBrowserStack } from './browser.js';
import { currentPath, openWatched, unexpectedErrors, WAIT } from './namespaces-support.js';

/*
 * In Chromium: a dashboard card with a problem is coloured, and its link lands on the view that
 * shows the problem; error pages' actions take the operator somewhere useful.
 */

let e2e: BrowserStack;
beforeAll(async () => {
  e2e = await startBrowserStack({ signedIn: ['admin', 'viewer'] });
});
afterAll(() => e2e?.close());

const state = () => e2e.stack.controlPlane.state;

describe('dashboard cards in Chromium', () => {
  it('"Proxies up" with one down is red, and leads to the cluster page showing that one', async () => {
    const saved = [...state().proxies.values()].map((p) => ({
      p,
      status: p.status,
      beat: p.lastHeartbeatTime,
    }));
    for (const { p } of saved) {
      p.status = ComponentStatus.UP;
      p.lastHeartbeatTime = timestampNow();
    }
    const [down] = saved;
    if (!down) throw new Error('the demo has no proxies');
    down.p.status = ComponentStatus.DOWN;
    const { page, context, pageErrors } = await openWatched(e2e.browser, {
      storageState: await e2e.state('viewer'),
    });
    try {
      await page.goto(`${e2e.base}/`);
      const card = page.getByTestId('proxies');
      await expect(card.getByTestId('card-problem').textContent()).resolves.toBe(
        `Problem: 1 of ${saved.length} not up`,
      );
      // Coloured: a red background, not the white of a card with nothing to say.
      const background = await card.evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(background).not.toBe('rgb(255, 255, 255)');
      expect(background).not.toBe('rgba(0, 0, 0, 0)');

      await card.getByRole('link', { name: /Proxies up/ }).click();
      await page.waitForURL(`${e2e.base}/cluster?proxies=down#proxies`, WAIT);
      const rows = page.locator('#proxies [data-testid="proxy"]');
      await expect(rows.count()).resolves.toBe(1);
      await expect(rows.first().textContent()).resolves.toContain(down.p.id);
      // "Show all" brings the others back.
      await page.getByRole('link', { name: 'Show all proxies' }).click();
      await page.waitForURL(`${e2e.base}/cluster`, WAIT);
      await expect(page.locator('#proxies [data-testid="proxy"]').count()).resolves.toBe(
        saved.length,
      );
      expect(pageErrors).toEqual([]);
    } finally {
      for (const { p, status, beat } of saved) {
        p.status = status;
        p.lastHeartbeatTime = beat;
      }
      await context.close();
    }
  });

  it('"Backends" with an unhealthy one leads to the backends that are not healthy', async () => {
    const backends = [...state().backends.values()];
    const saved = backends.map((b) => ({ b, health: b.health }));
    for (const b of backends) b.health = BackendHealth.HEALTHY;
    const [sick] = backends;
    if (!sick) throw new Error('the demo has no backends');
    sick.health = BackendHealth.UNHEALTHY;
    const { page, context } = await openWatched(e2e.browser, {
      storageState: await e2e.state('admin'),
    });
    try {
      await page.goto(`${e2e.base}/`);
      await expect(page.getByTestId('backends').getAttribute('data-tone')).resolves.toBe('problem');
      await page
        .getByTestId('backends')
        .getByRole('link', { name: /Backends/ })
        .click();
      await page.waitForURL(`${e2e.base}/backends?health=problem`, WAIT);
      await expect(
        page
          .locator('[data-testid="backend-row"]')
          .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-name'))),
      ).resolves.toEqual([sick.name]);
    } finally {
      for (const { b, health } of saved) b.health = health;
      await context.close();
    }
  });
});

describe('error pages in Chromium', () => {
  it('a missing namespace: "Back to namespaces" goes to the list', async () => {
    const { page, context, pageErrors } = await openWatched(e2e.browser, {
      storageState: await e2e.state('viewer'),
    });
    await page.goto(`${e2e.base}/namespaces/no-such-namespace`);
    await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
    await expect(
      page.locator('nav[aria-label="Console"] [aria-current="page"]').textContent(),
    ).resolves.toBe('Namespaces');
    await page.getByRole('link', { name: 'Back to namespaces' }).click();
    await page.waitForURL(`${e2e.base}/namespaces`, WAIT);
    await expect(page.locator('[data-testid="namespace-row"]').count()).resolves.toBeGreaterThan(0);
    expect(unexpectedErrors(pageErrors, [404])).toEqual([]);
    await context.close();
  });

  it('a refusal: "Sign in as someone else" signs out', async () => {
    // A session of its own: signing out must not end the one the other tests share.
    const { page, context } = await openWatched(e2e.browser);
    await page.goto(`${e2e.base}/console-sessions`);
    await page.getByLabel('Username').fill('viewer');
    await page.getByLabel('Password').fill('viewer-pass');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Not allowed' }).waitFor();
    await page.getByRole('button', { name: 'Sign in as someone else' }).click();
    // The identity provider asks before it signs out too (RP-initiated logout).
    await page.getByRole('heading', { name: 'Sign out?' }).waitFor();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(`${e2e.base}/auth/signed-out`, WAIT);
    await expect(page.getByRole('link', { name: 'Sign in again' }).count()).resolves.toBe(1);
    expect(currentPath(page)).toBe('/auth/signed-out');
    await context.close();
  });
});
