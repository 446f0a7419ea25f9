import { describe, expect, it } from 'vitest';
import {
  ColumnHeader,
  hiddenBelow,
  TableFrame,
  Truncate,
  tableClass,
} from '../../../components/ui/Table.js';
import { parseHtml, textOf } from '../../dom.js';

const render = async (element: JSX.Element) => parseHtml(`<body>${await element}</body>`);

describe('Truncate', () => {
  it('cuts a long value to one line, keeping all of it in the DOM and the tooltip', async () => {
    const long = 'a-very-long-namespace-description <b>with markup</b> & more';
    const doc = await render(<Truncate text={long} width="sm" class="text-slate-600" />);
    const span = doc.querySelector('span');
    expect(textOf(span)).toBe(long);
    expect(span?.getAttribute('title')).toBe(long);
    expect(span?.querySelector('b')).toBeNull();
    expect(span?.className.split(' ')).toEqual(
      expect.arrayContaining(['truncate', 'max-w-[12rem]', 'text-slate-600']),
    );
  });
});

describe('less-used columns', () => {
  it('hides the header and cells below the same breakpoint', async () => {
    const doc = await render(
      <table>
        <thead>
          <tr>
            <ColumnHeader label="Name" />
            <ColumnHeader label="Kind" hideBelow="xl" />
            <ColumnHeader label="Count" end />
          </tr>
        </thead>
      </table>,
    );
    const [name, kind, count] = [...doc.querySelectorAll('th')];
    expect(name?.getAttribute('scope')).toBe('col');
    expect(name?.className).not.toContain('hidden');
    expect(kind?.className).toContain(hiddenBelow.xl);
    expect(hiddenBelow.xl).toBe('hidden xl:table-cell');
    expect(count?.className).toContain('text-right');
  });
});

describe('TableFrame', () => {
  it('scrolls on its own, and with a label is a named region a keyboard can scroll', async () => {
    const doc = await render(
      <TableFrame label="Instance table" testId="frame">
        <table class={tableClass}>
          <tbody />
        </table>
      </TableFrame>,
    );
    const frame = doc.querySelector('[data-testid="frame"]');
    expect(frame?.className).toContain('overflow-x-auto');
    expect(frame?.getAttribute('role')).toBe('region');
    expect(frame?.getAttribute('aria-label')).toBe('Instance table');
    expect(frame?.getAttribute('tabindex')).toBe('0');

    const plain = await render(
      <TableFrame>
        <table />
      </TableFrame>,
    );
    expect(plain.querySelector('div')?.hasAttribute('tabindex')).toBe(false);
  });
});
