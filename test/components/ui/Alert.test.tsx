import { describe, expect, it } from 'vitest';
import { Alert, Notice } from '../../../components/ui/Alert.js';
import { PageHeader } from '../../../components/ui/PageHeader.js';
import { parseHtml, textOf } from '../../dom.js';

const render = async (element: JSX.Element) => parseHtml(`<body>${await element}</body>`);

describe('focus after a save, delete or navigation', () => {
  it('gives the notice after a redirect focus (autofocus works without JavaScript)', async () => {
    const doc = await render(<Notice text="Namespace saved." />);
    const notice = doc.querySelector('[data-testid="notice"]');
    expect(notice?.getAttribute('role')).toBe('status');
    expect(notice?.hasAttribute('autofocus')).toBe(true);
    expect(notice?.getAttribute('tabindex')).toBe('-1');
    expect(textOf(notice)).toBe('Namespace saved.');
  });

  it('leaves other alerts where they are', async () => {
    const doc = await render(<Alert tone="warning" title="Stale" />);
    expect(doc.querySelector('[role="status"]')?.hasAttribute('autofocus')).toBe(false);
  });

  it('lets the page heading take focus from a script (tabindex -1), not from Tab', async () => {
    const doc = await render(<PageHeader title="Backends" />);
    expect(doc.querySelector('h1')?.getAttribute('tabindex')).toBe('-1');
  });
});
