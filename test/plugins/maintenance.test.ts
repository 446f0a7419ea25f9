import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { byTestId, parse, textOf } from '../components/namespaces/html.js';
import { consolePages } from '../e2e/pages.js';
import { type SignedIn, type Stack, startStack } from '../helper.js';
import { countCalls, maintenanceOff, maintenanceOn } from './maintenance-support.js';

// The banner on every signed-in page, from the per-replica cache (src/plugins/maintenance.ts),
// against the real demo control plane.

let stack: Stack;
let viewer: SignedIn;
let calls: ReturnType<typeof countCalls>;
beforeAll(async () => {
  stack = await startStack();
  viewer = await stack.signIn('viewer');
  calls = countCalls(stack, 'GetMaintenanceStatus');
});
afterAll(() => stack?.close());
afterEach(() => {
  maintenanceOff(stack);
  stack.controlPlane.faults.unavailable = false;
  stack.controlPlane.faults.unavailableMethods.clear();
  stack.app.maintenanceCache.invalidate();
});

/** A page's path, following its links as a browser would (pages.ts `follow`). */
async function pathOf(as: SignedIn, entry: (typeof consolePages)[number]): Promise<string> {
  if (typeof entry.path === 'string') return entry.path;
  let path = entry.path.start;
  for (const selector of entry.path.follow) {
    const doc = parse((await as.inject({ url: path })).body);
    const href = doc.querySelector(selector)?.getAttribute('href');
    if (!href) throw new Error(`${entry.name}: no ${selector} on ${path}`);
    path = href;
  }
  return path;
}

const banner = (body: string) => byTestId(parse(body), 'maintenance-mode-banner')[0];

describe('the maintenance banner', () => {
  it('is on every page while maintenance is on: message, who, since, scheduled end, and a link', async () => {
    const end = Date.now() + 2 * 3600_000 + 60_000;
    maintenanceOn(stack, { message: 'Storage upgrade <b>tonight</b>', by: 'carol', endMs: end });
    for (const entry of consolePages) {
      for (const as of [stack.admin, viewer]) {
        const path = await pathOf(stack.admin, entry);
        const response = await as.inject({ url: path });
        const shown = banner(response.body);
        expect(shown, `${entry.name} as ${as.username} (${response.statusCode})`).toBeDefined();
        expect(shown?.getAttribute('role')).toBe('status');
        const text = textOf(shown);
        expect(text).toContain('Storage upgrade <b>tonight</b>');
        expect(text).toContain('Turned on by carol 10m ago');
        expect(text).toMatch(/Scheduled to end in 2h \(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\)/);
        const time = shown?.querySelector('[data-testid="maintenance-end"]');
        expect(time?.getAttribute('datetime')).toBe(
          `${new Date(Math.floor(end / 1000) * 1000).toISOString().slice(0, 19)}Z`,
        );
        expect(shown?.querySelector('a[href="/operations/maintenance"]')).not.toBeNull();
      }
    }
  });

  it('says how long ago the scheduled end passed while it is still on', async () => {
    maintenanceOn(stack, { endMs: Date.now() - 12 * 60_000 - 5000 });
    const text = textOf(banner((await viewer.inject({ url: '/' })).body));
    expect(text).toContain('Its scheduled end passed 12 min ago');
  });

  it('is gone once maintenance ends (after the freshness window), and absent signed out', async () => {
    maintenanceOn(stack);
    expect(banner((await viewer.inject({ url: '/' })).body)).toBeDefined();
    maintenanceOff(stack);
    // Another replica ended it: this one sees it when its cached state expires.
    stack.app.maintenanceCache.invalidate();
    const page = parse((await viewer.inject({ url: '/' })).body);
    expect(byTestId(page, 'maintenance-mode-banner')).toHaveLength(0);
    // The empty slot stays, so the page after an htmx post clears a banner the browser shows.
    expect(page.getElementById('maintenance-banner')).not.toBeNull();
    maintenanceOn(stack);
    stack.app.maintenanceCache.invalidate();
    const signedOut = await stack.app.inject({ url: '/auth/signed-out' });
    expect(banner(signedOut.body)).toBeUndefined();
  });

  it('comes with htmx full pages but not with fragments', async () => {
    maintenanceOn(stack);
    const full = await viewer.inject({ url: '/namespaces', headers: { 'hx-request': 'true' } });
    expect(banner(full.body)).toBeDefined();
    const rows = await viewer.inject({
      url: '/namespaces?q=orders',
      headers: { 'hx-request': 'true', 'hx-target': 'namespace-results' },
    });
    expect(rows.statusCode).toBe(200);
    expect(rows.body).not.toContain('maintenance-mode-banner');
  });

  it('costs at most one GetMaintenanceStatus per freshness window for many pages', async () => {
    maintenanceOn(stack);
    stack.app.maintenanceCache.invalidate();
    calls.reset();
    const started = Date.now();
    const pages = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        // Not the dashboard: it reads the maintenance state for its own card.
        (i % 2 ? viewer : stack.admin).inject({ url: i % 3 ? '/backends' : '/namespaces' }),
      ),
    );
    for (let i = 0; i < 8; i += 1) pages.push(await viewer.inject({ url: '/cluster' }));
    expect(pages.every((p) => banner(p.body) !== undefined)).toBe(true);
    const windows = Math.floor((Date.now() - started) / 5000) + 1;
    expect(calls.count()).toBeGreaterThanOrEqual(1);
    expect(calls.count()).toBeLessThanOrEqual(windows);
  });

  it('shows no banner and still renders the page when the control plane cannot say', async () => {
    maintenanceOn(stack);
    stack.app.maintenanceCache.invalidate();
    stack.controlPlane.faults.unavailableMethods.add('GetMaintenanceStatus');
    const page = await viewer.inject({ url: '/namespaces' });
    expect(page.statusCode).toBe(200);
    expect(banner(page.body)).toBeUndefined();
    expect(textOf(parse(page.body).querySelector('h1'))).toBe('Namespaces');
    // The whole control plane down: the page's own error, not a 500, and no banner.
    stack.app.maintenanceCache.invalidate();
    stack.controlPlane.faults.unavailable = true;
    const down = await viewer.inject({ url: '/namespaces' });
    expect(down.statusCode).toBe(503);
    expect(banner(down.body)).toBeUndefined();
    // A page that needs no control plane renders in full.
    const own = await stack.admin.inject({ url: '/console-sessions' });
    expect(own.statusCode).toBe(200);
    expect(banner(own.body)).toBeUndefined();
  });
});
