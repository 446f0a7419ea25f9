import { describe, expect, it } from 'vitest';
import { Sparkline, sparklineSummary } from '../../../components/ui/Sparkline.js';
import { parse, textOf } from '../namespaces/html.js';

async function render(values: readonly number[], size: 'small' | 'large' = 'small') {
  const html = await (<Sparkline values={values} label="CPU" unit="%" size={size} testId="s" />);
  return { html, doc: parse(html) };
}

/** Every coordinate of the polyline, as numbers. */
function coordinates(html: string): number[] {
  const doc = parse(html);
  const points = doc.querySelector('polyline')?.getAttribute('points') ?? '';
  return points
    .split(/[ ,]/)
    .filter(Boolean)
    .map((n) => Number(n));
}

describe('Sparkline', () => {
  it('draws an SVG line with min, max and last as text, for screen readers too', async () => {
    const { html, doc } = await render([10, 30, 20]);
    const svg = doc.querySelector('svg');
    expect(svg?.getAttribute('role')).toBe('img');
    expect(svg?.getAttribute('aria-label')).toBe('CPU: min 10% · max 30% · last 20%');
    expect(textOf(doc.querySelector('svg title'))).toBe('CPU: min 10% · max 30% · last 20%');
    expect(textOf(doc.querySelector('figcaption'))).toBe('min 10% · max 30% · last 20%');
    const xy = coordinates(html);
    expect(xy).toHaveLength(6);
    // Highest value at the top (smallest y), within the 32-high box.
    expect(xy[3]).toBeLessThan(xy[1] ?? 0);
    for (const n of xy) expect(Number.isFinite(n)).toBe(true);
  });

  it('has no inline style and no script (the CSP allows neither)', async () => {
    const { html } = await render([1, 2, 3], 'large');
    expect(html).not.toMatch(/style=/i);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('viewBox="0 0 600 160"');
  });

  it('says "no data" for an empty series and one with no finite value', async () => {
    for (const values of [[], [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]]) {
      const { doc } = await render(values);
      expect(doc.querySelector('svg')).toBeNull();
      expect(textOf(doc.querySelector('[data-testid="s"]'))).toBe('CPU: no data');
    }
  });

  it('draws a flat line for one point and for equal values', async () => {
    for (const values of [[5], [7, 7, 7]]) {
      const { html, doc } = await render(values);
      const ys = coordinates(html).filter((_, i) => i % 2 === 1);
      expect(new Set(ys).size).toBe(1);
      expect(ys[0]).toBe(16);
      expect(textOf(doc.querySelector('figcaption'))).toMatch(/^min \d+% · max \d+% · last \d+%$/);
    }
  });

  it('leaves out NaN and Infinity, plots negatives, and survives ±1e308', async () => {
    const { html, doc } = await render([Number.NaN, -5, 5, Number.POSITIVE_INFINITY, 0]);
    expect(textOf(doc.querySelector('figcaption'))).toBe('min -5% · max 5% · last 0%');
    expect(coordinates(html)).toHaveLength(6);

    const huge = await render([-1e308, 1e308, 0]);
    const xy = coordinates(huge.html);
    for (const n of xy) expect(Number.isFinite(n)).toBe(true);
    expect(huge.html).not.toMatch(/NaN|Infinity/);
    expect(textOf(huge.doc.querySelector('figcaption'))).toContain('more than');
  });

  it('keeps every point inside the box', () => {
    const summary = sparklineSummary([0, 100, -100, 3, 1e9], 120, 32);
    const xy = (summary?.points ?? '').split(/[ ,]/).map(Number);
    xy.forEach((n, i) => {
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThanOrEqual(i % 2 === 0 ? 120 : 32);
    });
  });
});
