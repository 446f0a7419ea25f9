import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHtml, textOf } from '../dom.js';
import { directClient } from '../grpc.js';
import { type SignedIn, type Stack, startStack } from '../helper.js';

/*
 * Live regions (issue 10, components/layout/live.ts): a signed-in page names its regions in
 * the one event stream its <body> connects to, each region is marked to be replaced by its
 * event and to fetch itself, and each region id answers as a fragment of that same page — the
 * very markup the stream and the polling fallback swap in, so it stays live after a swap.
 */

let stack: Stack;
let viewer: SignedIn;
beforeAll(async () => {
  stack = await startStack();
  viewer = await stack.signIn('viewer');
});
afterAll(() => stack?.close());

const fragmentHeaders = (id: string) => ({ 'hx-request': 'true', 'hx-target': id });

/** The stream a page connects to: its page and regions. */
function streamOf(doc: Document): { page: string | null; regions: string[] } | undefined {
  const url = doc.body.getAttribute('sse-connect');
  if (!url) return undefined;
  const parsed = new URL(url, 'http://console.invalid');
  expect(parsed.pathname).toBe('/live');
  return { page: parsed.searchParams.get('page'), regions: parsed.searchParams.getAll('region') };
}

/** What makes an element a live region of `page`. */
function expectLive(element: Element | null, id: string, page: string) {
  expect(element, id).not.toBeNull();
  expect(element?.getAttribute('sse-swap')).toBe(id);
  expect(element?.getAttribute('hx-get')).toBe(page);
  expect(element?.getAttribute('hx-trigger')).toBe('live-poll');
  expect(element?.getAttribute('hx-swap')).toBe('outerHTML');
}

async function livePages(): Promise<[string, string, string][]> {
  const namespace = [...stack.controlPlane.state.namespaces.keys()][0] as string;
  const session = [...stack.controlPlane.state.clientSessions.keys()][0] as string;
  return [
    ['the dashboard', '/', 'dashboard'],
    ['the namespace list', '/namespaces?size=50', 'namespace-results'],
    ['a namespace', `/namespaces/${encodeURIComponent(namespace)}`, 'namespace-detail'],
    ['the client session list', '/sessions?status=active', 'session-results'],
    ['a client session', `/sessions/${encodeURIComponent(session)}`, 'session-detail'],
    ['the client configuration list', '/client-configurations', 'configuration-results'],
    ['the operations list', '/operations', 'operations-results'],
  ];
}

describe('live regions', () => {
  it('each live page subscribes to its region and the banner, and each answers as a live fragment', async () => {
    for (const [name, path, region] of await livePages()) {
      const response = await viewer.inject({ url: path });
      expect(response.statusCode, name).toBe(200);
      const doc = parseHtml(response.body);
      expect(doc.body.getAttribute('hx-ext'), name).toBe('sse');
      const stream = streamOf(doc);
      expect(stream, name).toEqual({ page: path, regions: [region, 'maintenance-banner'] });
      for (const id of stream?.regions ?? []) {
        expectLive(doc.getElementById(id), id, path);
        // What the stream sends and a poll fetches: the region alone, still live.
        const fragment = await viewer.inject({ url: path, headers: fragmentHeaders(id) });
        expect(fragment.statusCode, `${name}: ${id}`).toBe(200);
        expect(fragment.body, `${name}: ${id}`).not.toContain('<html');
        const swapped = parseHtml(fragment.body);
        expect(swapped.body.children, `${name}: ${id}`).toHaveLength(1);
        expectLive(swapped.body.firstElementChild, id, path);
        expect(swapped.body.firstElementChild?.id).toBe(id);
      }
      // The indicator comes with the stream, and the script that runs it with every page.
      expect(doc.querySelector('[data-testid="live-indicator"]'), name).not.toBeNull();
      const scripts = [...doc.querySelectorAll('script[src]')].map((s) => s.getAttribute('src'));
      expect(scripts, name).toContain(stack.app.assets.script);
    }
  });

  it('brings the maintenance banner as a live region of any page, on and off', async () => {
    const cp = directClient(stack.controlPlane.url, stack.admin.accessToken);
    // What this replica knows of maintenance mode is its cache's business (src/plugins/
    // maintenance.ts): give it the control plane's answer, as a fresh read would.
    const tellReplica = async () =>
      stack.app.maintenanceCache.set((await cp.getMaintenanceStatus({})).status);
    const banner = async () => {
      const response = await viewer.inject({
        url: '/namespaces',
        headers: fragmentHeaders('maintenance-banner'),
      });
      expect(response.statusCode).toBe(200);
      const element = parseHtml(response.body).body.firstElementChild;
      expectLive(element, 'maintenance-banner', '/namespaces');
      return element;
    };
    expect(textOf(await banner())).toBe('');
    await cp.setMaintenanceMode({
      enabled: true,
      message: 'Rolling the <b>proxies</b>',
      requestId: crypto.randomUUID(),
      reason: 'live regions test',
    });
    try {
      await tellReplica();
      const on = await banner();
      expect(textOf(on)).toContain('Maintenance mode is on');
      expect(textOf(on)).toContain('Rolling the <b>proxies</b>');
      expect(on?.querySelector('b')).toBeNull();
    } finally {
      await cp.setMaintenanceMode({
        enabled: false,
        requestId: crypto.randomUUID(),
        reason: 'live regions test',
      });
      await tellReplica();
    }
    expect(textOf(await banner())).toBe('');
  });

  it('writes only the view into the page: no one-time notice or receipt, nothing unread', async () => {
    const response = await viewer.inject({
      url: '/namespaces?status=active&notice=deleted&request=a1b2&junk=555',
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('555');
    expect(response.body).not.toContain('notice=');
    const doc = parseHtml(response.body);
    expect(streamOf(doc)?.page).toBe('/namespaces?status=active');
    expect(doc.getElementById('namespace-results')?.getAttribute('hx-get')).toBe(
      '/namespaces?status=active',
    );
    const dashboard = parseHtml((await viewer.inject({ url: '/?junk=555' })).body);
    expect(streamOf(dashboard)?.page).toBe('/');
  });

  it('a page without regions of its own still follows the banner', async () => {
    const doc = parseHtml((await viewer.inject({ url: '/backends' })).body);
    expect(streamOf(doc)).toEqual({ page: '/backends', regions: ['maintenance-banner'] });
  });

  it('a region fetching itself leaves the history alone; a filter still writes it', async () => {
    const poll = await viewer.inject({
      url: '/namespaces?status=active',
      headers: { ...fragmentHeaders('namespace-results'), 'hx-trigger': 'namespace-results' },
    });
    expect(poll.statusCode).toBe(200);
    expect(poll.headers['hx-push-url']).toBeUndefined();
    expect(poll.headers['hx-replace-url']).toBeUndefined();
    // Not a sort or page link: the region does not take focus on every refresh.
    expect(poll.body).not.toContain('autofocus');
    const filter = await viewer.inject({
      url: '/namespaces?status=active&q=',
      headers: { ...fragmentHeaders('namespace-results'), 'hx-trigger': 'namespace-status' },
    });
    expect(filter.headers['hx-push-url']).toBe('/namespaces?status=active');
  });

  it('no stream or indicator when signed out, or on an error page', async () => {
    const signedOut = await stack.app.inject({ url: '/auth/sign-in' });
    const errorPage = await viewer.inject({ url: '/namespaces/no-such-namespace' });
    expect(errorPage.statusCode).toBe(404);
    for (const response of [signedOut, errorPage]) {
      const doc = parseHtml(response.body);
      expect(doc.body?.getAttribute('sse-connect') ?? null).toBeNull();
      expect(doc.querySelector('[sse-swap]')).toBeNull();
      expect(doc.querySelector('[data-testid="live-indicator"]')).toBeNull();
    }
  });
});
