import { describe, expect, it } from 'vitest';
import { Layout } from '../../../components/layout/Layout.js';
import { navigation } from '../../../src/routes/navigation.js';
import { parseHtml, textOf } from '../../dom.js';
import { testAssets as assets } from '../assets.js';

describe('Layout', () => {
  it('lists every area of the console, linking only those that are built', async () => {
    const html = await (
      <Layout
        title="Namespaces"
        area="namespaces"
        assets={assets}
        operator={null}
        csrfToken={undefined}
      >
        <p>content</p>
      </Layout>
    );
    const doc = parseHtml(html);
    const nav = doc.querySelector('nav[aria-label="Console"]');
    for (const item of navigation) {
      expect(textOf(nav)).toContain(item.label);
      const link = nav?.querySelector(`a[href="${item.href}"]`);
      if (item.available) expect(link, item.label).not.toBeNull();
      else expect(link, item.label).toBeNull();
    }
    expect(nav?.querySelector('[aria-current="page"]')?.textContent).toBe('Namespaces');
    expect(nav?.querySelectorAll('[aria-disabled="true"]').length).toBe(
      navigation.filter((i) => !i.available).length,
    );
    expect(textOf(doc.querySelector('main#main'))).toBe('content');
  });

  it('links the stylesheet of the chosen theme, and the one script', async () => {
    for (const [theme, stylesheet] of [
      [undefined, '/assets/app.0.css'],
      ['system', '/assets/app.0.css'],
      ['light', '/assets/app-light.0.css'],
      ['dark', '/assets/app-dark.0.css'],
    ] as const) {
      const doc = parseHtml(
        await (
          <Layout
            title="x"
            area={undefined}
            assets={assets}
            operator={null}
            csrfToken={undefined}
            theme={theme}
          />
        ),
      );
      const links = [...doc.querySelectorAll('link[rel="stylesheet"]')];
      expect(
        links.map((link) => link.getAttribute('href')),
        String(theme),
      ).toEqual([stylesheet]);
      const scripts = [...doc.querySelectorAll('script[src]')];
      expect(scripts.map((script) => script.getAttribute('src'))).toEqual(['/assets/app.0.js']);
      expect(doc.documentElement.getAttribute('data-theme')).toBe(
        theme === 'light' || theme === 'dark' ? theme : null,
      );
    }
  });

  it('escapes the title', async () => {
    const doc = parseHtml(
      await (
        <Layout
          title="</title><script>alert(1)</script>"
          area={undefined}
          assets={assets}
          operator={null}
          csrfToken={undefined}
        />
      ),
    );
    expect(doc.title).toContain('<script>alert(1)</script>');
    expect(doc.querySelector('script:not([src])')).toBeNull();
  });
});
