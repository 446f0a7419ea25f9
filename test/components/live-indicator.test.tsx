import { describe, expect, it } from 'vitest';
import { Layout } from '../../components/layout/Layout.js';
import { LiveIndicator } from '../../components/layout/LiveIndicator.js';
import { liveRegion, liveStreamUrl } from '../../components/layout/live.js';
import { trustedUrl } from '../../src/html/url.js';
import type { Operator } from '../../src/plugins/operator.js';
import { parseHtml, textOf } from '../dom.js';
import { testAssets as assets } from './assets.js';

/*
 * The live indicator and what the layout does for a live page (components/layout/live.ts). What
 * the script makes of them (ticking, Pause, polling) is for the browser tests.
 */

const operator: Operator = {
  subject: 'viewer-1',
  username: 'viewer',
  name: 'Vera Viewer',
  role: 'viewer',
  accessToken: 'not rendered',
};

describe('LiveIndicator', () => {
  it('says the page is not live without JavaScript, and shows nothing else then', async () => {
    const doc = parseHtml(await (<LiveIndicator />));
    const indicator = doc.querySelector('[data-testid="live-indicator"]');
    expect(indicator?.querySelector('noscript')?.innerHTML).toContain(
      'Not live: reload for current data',
    );
    // The state, the age and Pause are the script's: hidden until it runs.
    expect(indicator?.querySelector('[data-live-shown]')?.hasAttribute('hidden')).toBe(true);
    expect(indicator?.querySelector('[data-live-pause]')?.hasAttribute('hidden')).toBe(true);
  });

  it('announces nothing of its own: only what the script says of a change; Pause submits nothing', async () => {
    const doc = parseHtml(await (<LiveIndicator />));
    const announced = doc.querySelectorAll('[aria-live]');
    expect(announced).toHaveLength(1);
    expect(announced[0]?.hasAttribute('data-live-announce')).toBe(true);
    expect(textOf(announced[0])).toBe('');
    // The state and the ticking age are shown, not announced.
    expect(textOf(doc.querySelector('[data-live-state]'))).toBe('live');
    expect(doc.querySelector('[data-live-state]')?.closest('[aria-live]')).toBeNull();
    expect(doc.querySelector('[data-live-age]')?.closest('[aria-live]')).toBeNull();
    expect(textOf(doc.querySelector('[data-live-age]'))).toBe('updated just now');
    const pause = doc.querySelector('button[data-live-pause]');
    expect(pause?.getAttribute('type')).toBe('button');
    expect(textOf(pause)).toBe('Pause');
  });
});

describe('a live page in the layout', () => {
  const page = trustedUrl('/namespaces?q=a&b&status=active');
  const stream = liveStreamUrl(page, ['namespace-results', 'maintenance-banner']);

  it('names the page, encoded, and each region in the stream address', () => {
    const url = new URL(stream, 'http://console.invalid');
    expect(url.pathname).toBe('/live');
    expect(url.searchParams.get('page')).toBe('/namespaces?q=a&b&status=active');
    expect(url.searchParams.getAll('region')).toEqual(['namespace-results', 'maintenance-banner']);
  });

  it('connects the body to the stream and shows the indicator; the one script runs it', async () => {
    const doc = parseHtml(
      await (
        <Layout
          title="Namespaces"
          area="namespaces"
          assets={assets}
          operator={operator}
          csrfToken="token"
          live={{ page, stream }}
        >
          <section id="namespace-results" {...liveRegion('namespace-results', page)}></section>
        </Layout>
      ),
    );
    expect(doc.body.getAttribute('hx-ext')).toBe('sse');
    expect(doc.body.getAttribute('sse-connect')).toBe(stream);
    expect(doc.querySelector('[data-testid="live-indicator"]')).not.toBeNull();
    const scripts = [...doc.querySelectorAll('script[src]')].map((s) => s.getAttribute('src'));
    expect(scripts).toEqual(['/assets/app.0.js']);
    // The banner is a region of every live page, fetched from the page's own address.
    const banner = doc.getElementById('maintenance-banner');
    expect(banner?.getAttribute('sse-swap')).toBe('maintenance-banner');
    expect(banner?.getAttribute('hx-get')).toBe(page);
    const region = doc.getElementById('namespace-results');
    expect(region?.getAttribute('hx-trigger')).toBe('live-poll');
    expect(region?.getAttribute('hx-swap')).toBe('outerHTML');
  });

  it('a page that is not live has no stream and no indicator', async () => {
    const doc = parseHtml(
      await (
        <Layout title="x" area={undefined} assets={assets} operator={operator} csrfToken="t" />
      ),
    );
    expect(doc.body.hasAttribute('sse-connect')).toBe(false);
    expect(doc.body.hasAttribute('hx-ext')).toBe(false);
    expect(doc.querySelector('[data-testid="live-indicator"]')).toBeNull();
    expect(doc.querySelector('[sse-swap]')).toBeNull();
    expect(liveRegion('x', undefined)).toEqual({});
  });
});
