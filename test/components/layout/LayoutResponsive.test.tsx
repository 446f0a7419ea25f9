import { describe, expect, it } from 'vitest';
import { Layout } from '../../../components/layout/Layout.js';
import type { Operator } from '../../../src/plugins/operator.js';
import { navigation } from '../../../src/routes/navigation.js';
import { parseHtml, textOf } from '../../dom.js';
import { testAssets as assets } from '../assets.js';

const operator = { name: 'Vera Viewer', username: 'viewer', role: 'viewer' } as Operator;

async function render(props: Partial<Parameters<typeof Layout>[0]> = {}) {
  return parseHtml(
    await (
      <Layout
        title="Backends"
        area="backends"
        assets={assets}
        operator={operator}
        csrfToken="token-1"
        {...props}
      >
        <h1>Backends</h1>
      </Layout>
    ),
  );
}

describe('the navigation menu without JavaScript', () => {
  it('is a <details> whose summary says "Menu", with every area link inside it', async () => {
    const doc = await render();
    const nav = doc.querySelector('nav[aria-label="Console"]');
    const details = nav?.querySelector('details');
    expect(details).not.toBeNull();
    // Closed at first: a phone shows the page, not the menu (from lg on, CSS shows it anyway).
    expect(details?.hasAttribute('open')).toBe(false);
    expect(textOf(details?.querySelector('summary'))).toContain('Menu');
    for (const item of navigation.filter((entry) => entry.available)) {
      expect(details?.querySelector(`a[href="${item.href}"]`), item.label).not.toBeNull();
    }
    // Sign-out is in the menu too; the page itself comes after the navigation.
    expect(details?.querySelector('form[action="/auth/sign-out"]')).not.toBeNull();
    expect(doc.querySelector('script:not([src])')).toBeNull();
  });
});

describe('the theme', () => {
  it('follows the system unless chosen: no data-theme, color-scheme "light dark"', async () => {
    const doc = await render();
    expect(doc.documentElement.hasAttribute('data-theme')).toBe(false);
    expect(doc.querySelector('meta[name="color-scheme"]')?.getAttribute('content')).toBe(
      'light dark',
    );
  });

  it.each(['light', 'dark'] as const)('puts a chosen %s theme on <html>', async (theme) => {
    const doc = await render({ theme });
    expect(doc.documentElement.getAttribute('data-theme')).toBe(theme);
    expect(doc.querySelector('meta[name="color-scheme"]')?.getAttribute('content')).toBe(theme);
    const pressed = doc.querySelector('[data-testid="theme-switch"] [aria-pressed="true"]');
    expect(pressed?.getAttribute('value')).toBe(theme);
  });

  it('offers the switch after the page content, with the token and without the page address', async () => {
    const doc = await render({ theme: 'system' });
    expect(doc.querySelector('[aria-pressed="true"]')?.textContent).toBe('System');
    const form = doc.querySelector('[data-testid="theme-switch"]');
    expect(form?.closest('footer')).not.toBeNull();
    expect(form?.getAttribute('action')).toBe('/preferences/theme');
    expect(form?.querySelector('input[name="_csrf"]')?.getAttribute('value')).toBe('token-1');
    // It goes back by the Referer: the page's (possibly crafted) address is not repeated in it.
    expect(form?.querySelectorAll('input')).toHaveLength(1);
    // main comes first in the document: a page's own forms are found before the switch.
    const main = doc.querySelector('main');
    expect(main && form && main.compareDocumentPosition(form) & 4).toBeTruthy();
  });

  it('has no switch signed out (a signed-out post carries no CSRF token)', async () => {
    const doc = await render({ operator: null, csrfToken: undefined, theme: 'dark' });
    expect(doc.documentElement.getAttribute('data-theme')).toBe('dark');
    expect(doc.querySelector('[data-testid="theme-switch"]')).toBeNull();
  });
});
