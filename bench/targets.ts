/** One figure the issue sets a target for, as every bench part reports it to bench/run.ts. */
export interface Target {
  name: string;
  /** The measured figure, and what it is compared with (`≤ limit`); NaN when not measured. */
  value: number;
  limit: number;
  unit: string;
  /** false: the part it needs is not there (yet); printed as "not available", not a failure. */
  available: boolean;
  note?: string;
}

export const passes = (t: Target) => t.available && t.value <= t.limit;

export const out = (line = '') => process.stdout.write(`${line}\n`);

/** The middle value (the upper one of an even count); NaN for none. */
export const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** Right-aligned number with `digits` decimals in a column `width` wide. */
export const col = (n: number, digits = 0, width = 9) => n.toFixed(digits).padStart(width);

export function unavailable(name: string, limit: number, unit: string, note: string): Target {
  return { name, value: Number.NaN, limit, unit, available: false, note };
}
