import { formatMetric } from '../../src/views/backends/detail.js';

/*
 * A server-rendered line chart: inline SVG, no script, no style attribute (the CSP allows
 * neither), colour from the text colour through `currentColor`. Whatever the numbers — NaN,
 * ±Infinity, negatives, 1e308, one point, none — it draws something true: non-finite values are
 * left out, equal values are a flat line, and nothing to draw reads "no data". The minimum,
 * maximum and last value are written out, for everyone and for screen readers.
 */

export type SparklineSize = 'small' | 'large';

/** Each size's height in CSS pixels, as its classes draw it (the width follows the box). */
const sizes: Record<SparklineSize, { height: number; class: string }> = {
  small: { height: 32, class: 'h-8 w-30' },
  large: { height: 160, class: 'h-40 w-full' },
};

/**
 * The drawing's own units per CSS pixel, up and down: the line's heights are whole numbers of
 * them, a quarter pixel apart, which no one can tell from exact and which keeps the numbers short.
 */
const UNITS_PER_PX = 4;
/** Space above and below the line, so the stroke at the extremes is not cut (in pixels). */
const PAD = 3;

export interface SparklineSummary {
  min: number;
  max: number;
  last: number;
  /** The SVG's own box: one unit across per step between points, `UNITS_PER_PX` per pixel up. */
  viewBox: string;
  /**
   * The line as an SVG path: the first point, then each next one relative to the one before
   * (`M0,40l1,-3 1,2 …`). A step across is always 1, and a step up or down a small whole number,
   * so that in brotli a chart costs ~2.6 times less than as `x,y` pairs with two decimals: a
   * backend's page draws 20 charts of 60 points (issue 10: the first load).
   */
  path: string;
}

/** The line for the finite values, or undefined when there are none. */
export function sparklineSummary(
  values: readonly number[],
  height: number,
): SparklineSummary | undefined {
  const finite = values.filter((v) => Number.isFinite(v));
  const last = finite[finite.length - 1];
  if (last === undefined) return undefined;
  let min = finite[0] ?? last;
  let max = min;
  for (const v of finite) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const box = height * UNITS_PER_PX;
  const pad = PAD * UNITS_PER_PX;
  // Halved so that max - min cannot overflow to Infinity (1e308 and -1e308).
  const span = max / 2 - min / 2;
  const y = (v: number): number => {
    if (!(span > 0)) return box / 2;
    const t = (v / 2 - min / 2) / span;
    return Math.round(pad + (1 - t) * (box - 2 * pad));
  };
  // One point is drawn as a flat line across the box.
  const ys = finite.length === 1 ? [y(last), y(last)] : finite.map(y);
  const first = ys[0] as number;
  const steps: string[] = [];
  for (let i = 1; i < ys.length; i++) steps.push(`1,${(ys[i] as number) - (ys[i - 1] as number)}`);
  return {
    min,
    max,
    last,
    viewBox: `0 0 ${ys.length - 1} ${box}`,
    path: `M0,${first}l${steps.join(' ')}`,
  };
}

export interface SparklineProps {
  /** Oldest first. */
  values: readonly number[];
  /** What the series is: `Requests/s`. */
  label: string;
  /** Written after each number: `%`, ` ms`, `/s`. */
  unit?: string;
  size?: SparklineSize;
  testId?: string;
}

export function Sparkline({
  values,
  label,
  unit = '',
  size = 'small',
  testId,
}: SparklineProps): JSX.Element {
  const { height, class: sizeClass } = sizes[size];
  const summary = sparklineSummary(values, height);
  if (!summary) {
    return (
      <span
        data-testid={testId}
        data-sparkline="empty"
        class="inline-flex items-center text-xs text-slate-500"
        safe
      >
        {`${label}: no data`}
      </span>
    );
  }
  const text = `min ${formatMetric(summary.min)}${unit} · max ${formatMetric(summary.max)}${unit} · last ${formatMetric(summary.last)}${unit}`;
  return (
    <figure data-testid={testId} data-sparkline="line" class="m-0 flex flex-col gap-1">
      <svg
        xmlns="http://www.w3.org/2000/svg"
        viewBox={summary.viewBox}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${label}: ${text}`}
        class={[sizeClass, 'text-indigo-600 dark:text-indigo-400']}
      >
        <title safe>{`${label}: ${text}`}</title>
        <path
          d={summary.path}
          fill="none"
          stroke="currentColor"
          stroke-width="1.5"
          stroke-linejoin="round"
          stroke-linecap="round"
          vector-effect="non-scaling-stroke"
        />
      </svg>
      <figcaption class="text-xs text-slate-600 tabular-nums" safe>
        {text}
      </figcaption>
    </figure>
  );
}
