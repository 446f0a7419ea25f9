import { describe, expect, it } from 'vitest';
import { Sparkline, sparklineSummary } from '../../../components/ui/Sparkline.js';
import { parse, textOf } from '../namespaces/html.js';

async function render(values: readonly number[], size: 'small' | 'large' = 'small') {
  const html = await (<Sparkline values={values} label="CPU" unit="%" size={size} testId="s" />);
  return { html, doc: parse(html) };
}

/**
 * The line's points in the SVG's own units, from its path: `M x,y` then `l dx,dy` steps (the
 * only commands the Sparkline writes; anything else fails here).
 */
function pointsOf(d: string): [number, number][] {
  const match = /^M(-?\d+),(-?\d+)l((?:-?\d+,-?\d+ ?)+)$/.exec(d);
  if (!match) throw new Error(`not a sparkline path: ${d}`);
  let x = Number(match[1]);
  let y = Number(match[2]);
  const points: [number, number][] = [[x, y]];
  for (const step of (match[3] as string).trim().split(' ')) {
    const [dx, dy] = step.split(',').map(Number) as [number, number];
    x += dx;
    y += dy;
    points.push([x, y]);
  }
  return points;
}

/** Every coordinate of the line, as numbers: x, y, x, y … */
function coordinates(html: string): number[] {
  return pointsOf(parse(html).querySelector('svg path')?.getAttribute('d') ?? '').flat();
}

/** The SVG's box: [width, height]. */
function box(html: string): [number, number] {
  const [, , width, height] = (parse(html).querySelector('svg')?.getAttribute('viewBox') ?? '')
    .split(' ')
    .map(Number);
  return [width ?? Number.NaN, height ?? Number.NaN];
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
    // Highest value at the top (smallest y), lowest at the bottom, across the whole box: a
    // quarter pixel per unit up (32 px high) and one unit per step across.
    expect(box(html)).toEqual([2, 128]);
    expect(xy).toEqual([0, 116, 1, 12, 2, 64]);
  });

  it('writes whole numbers only, and a step across of 1, so a long series stays short', async () => {
    const values = Array.from({ length: 60 }, (_, i) => 40 + 30 * Math.sin(i / 5) + i / 7);
    const { html, doc } = await render(values, 'large');
    const d = doc.querySelector('svg path')?.getAttribute('d') ?? '';
    expect(d).toMatch(/^M0,\d+l(1,-?\d+ )+1,-?\d+$/);
    expect(box(html)).toEqual([59, 640]);
    const xy = coordinates(html);
    expect(xy.filter((_, i) => i % 2 === 0)).toEqual(values.map((_, i) => i));
    // The highest value at the top, the lowest at the bottom, each 3 px (12 units) inside.
    const ys = xy.filter((_, i) => i % 2 === 1);
    expect(Math.min(...ys)).toBe(12);
    expect(Math.max(...ys)).toBe(628);
    // Each point within half a unit of where exact arithmetic puts it.
    const [low, high] = [Math.min(...values), Math.max(...values)];
    values.forEach((v, i) => {
      const exact = 12 + (1 - (v - low) / (high - low)) * (640 - 24);
      expect(Math.abs((ys[i] as number) - exact)).toBeLessThanOrEqual(0.5);
    });
    // Sixty points in under 7 bytes each, where `x,y` pairs with decimals took ~12.
    expect(d.length).toBeLessThan(60 * 7);
  });

  it('has no inline style and no script (the CSP allows neither)', async () => {
    const { html } = await render([1, 2, 3], 'large');
    expect(html).not.toMatch(/style=/i);
    expect(html).not.toMatch(/<script/i);
    expect(box(html)).toEqual([2, 640]);
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
      const xy = coordinates(html);
      const ys = xy.filter((_, i) => i % 2 === 1);
      expect(new Set(ys).size).toBe(1);
      // Halfway up the 128-unit box, from one side of the box to the other.
      expect(ys[0]).toBe(64);
      expect(xy[0]).toBe(0);
      expect(xy.at(-2)).toBe(box(html)[0]);
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
    const summary = sparklineSummary([0, 100, -100, 3, 1e9], 32);
    const [width, height] = (summary?.viewBox ?? '').split(' ').slice(2).map(Number);
    expect([width, height]).toEqual([4, 128]);
    pointsOf(summary?.path ?? '').forEach(([x, y]) => {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(width ?? 0);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(height ?? 0);
    });
  });
});
