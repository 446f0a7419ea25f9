import { describe, expect, it } from 'vitest';
import { Layout } from '../../../components/layout/Layout.js';
import { trustedUrl } from '../../../src/html/url.js';
import { navigation } from '../../../src/routes/navigation.js';
import { parseHtml, textOf } from '../../dom.js';

const assets = {
  css: trustedUrl('/assets/app.0.css'),
  htmx: trustedUrl('/assets/htmx.0.js'),
  htmxSse: trustedUrl('/assets/htmx-sse.0.js'),
  favicon: trustedUrl('/favicon.svg'),
};

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

  it('configures htmx without eval, to this origin only, without inline styles', async () => {
    const doc = parseHtml(
      await (
        <Layout title="x" area={undefined} assets={assets} operator={null} csrfToken={undefined} />
      ),
    );
    const config = JSON.parse(
      doc.querySelector('meta[name="htmx-config"]')?.getAttribute('content') ?? '{}',
    );
    expect(config).toMatchObject({
      allowEval: false,
      selfRequestsOnly: true,
      includeIndicatorStyles: false,
    });
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
