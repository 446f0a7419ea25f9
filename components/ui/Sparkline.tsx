import { formatMetric } from '../../src/views/backends/detail.js';

/*
 * A server-rendered line chart: inline SVG, no script, no style attribute (the CSP allows
 * neither), colour from the text colour through `currentColor`. Whatever the numbers — NaN,
 * ±Infinity, negatives, 1e308, one point, none — it draws something true: non-finite values are
 * left out, equal values are a flat line, and nothing to draw reads "no data". The minimum,
 * maximum and last value are written out, for everyone and for screen readers.
 */

export type SparklineSize = 'small' | 'large';

const sizes: Record<SparklineSize, { width: number; height: number; class: string }> = {
  small: { width: 120, height: 32, class: 'h-8 w-30' },
  large: { width: 600, height: 160, class: 'h-40 w-full' },
};

/** Space above and below the line, so the stroke at the extremes is not cut. */
const PAD = 3;

export interface SparklineSummary {
  min: number;
  max: number;
  last: number;
  /** `x,y x,y …` in the SVG's own units. */
  points: string;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The polyline for the finite values, or undefined when there are none. */
export function sparklineSummary(
  values: readonly number[],
  width: number,
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
  // Halved so that max - min cannot overflow to Infinity (1e308 and -1e308).
  const span = max / 2 - min / 2;
  const y = (v: number): number => {
    if (!(span > 0)) return height / 2;
    const t = (v / 2 - min / 2) / span;
    return round(PAD + (1 - t) * (height - 2 * PAD));
  };
  const coords =
    finite.length === 1
      ? [`0,${y(last)}`, `${width},${y(last)}`]
      : finite.map((v, i) => `${round((i / (finite.length - 1)) * width)},${y(v)}`);
  return { min, max, last, points: coords.join(' ') };
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
  const { width, height, class: sizeClass } = sizes[size];
  const summary = sparklineSummary(values, width, height);
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
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${label}: ${text}`}
        class={[sizeClass, 'text-indigo-600 dark:text-indigo-400']}
      >
        <title safe>{`${label}: ${text}`}</title>
        <polyline
          points={summary.points}
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
