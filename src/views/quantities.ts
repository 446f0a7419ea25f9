/*
 * Quantities shared by every view: limits where 0 means unlimited, a value against its limit,
 * and storage sizes as an operator types them (500MiB, 2TB).
 */

export const UNLIMITED = 'unlimited';
export const INT32_MAX = 2 ** 31 - 1;

/** A limit as shown: 0 is "unlimited". */
export function limitText(
  limit: number | bigint,
  format: (value: number | bigint) => string,
): string {
  return limit === 0 || limit === 0n ? UNLIMITED : format(limit);
}

/** One quota against its live value, for a detail page. */
export interface QuotaUsage {
  label: string;
  used: string;
  limit: string;
  /**
   * Share of the limit used, a whole number from 0 to MAX_PERCENT (above 100 when over quota);
   * undefined when unlimited, or when the value or the limit is no number to divide.
   */
  percent: number | undefined;
}

/** Beyond this the share is shown as this: the point (far over quota) is made. */
export const MAX_PERCENT = 999_999;

/** The share of `limit` that `used` is, total: never NaN, negative or infinite. */
export function percentOf(used: number | bigint, limit: number | bigint): number | undefined {
  const max = Number(limit);
  const value = Number(used);
  if (!(max > 0) || !Number.isFinite(max) || Number.isNaN(value)) return undefined;
  // int64 values near 2^63 lose digits as doubles, far below what a percentage shows.
  const percent = Math.round((value / max) * 100);
  return Math.min(Math.max(percent, 0), MAX_PERCENT);
}

export function usage(
  label: string,
  used: number | bigint,
  limit: number | bigint,
  format: (value: number | bigint) => string,
): QuotaUsage {
  return {
    label,
    used: format(used),
    limit: limitText(limit, format),
    percent: percentOf(used, limit),
  };
}

const BINARY_UNITS = ['PiB', 'TiB', 'GiB', 'MiB', 'KiB'] as const;
const unitBytes: Record<string, bigint> = {
  b: 1n,
  k: 1000n,
  kb: 1000n,
  m: 1000n ** 2n,
  mb: 1000n ** 2n,
  g: 1000n ** 3n,
  gb: 1000n ** 3n,
  t: 1000n ** 4n,
  tb: 1000n ** 4n,
  p: 1000n ** 5n,
  pb: 1000n ** 5n,
  ki: 1024n,
  kib: 1024n,
  mi: 1024n ** 2n,
  mib: 1024n ** 2n,
  gi: 1024n ** 3n,
  gib: 1024n ** 3n,
  ti: 1024n ** 4n,
  tib: 1024n ** 4n,
  pi: 1024n ** 5n,
  pib: 1024n ** 5n,
};
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Reads a storage size: plain bytes, or a number with a unit — decimal (`KB`, `MB`, `GB`...)
 * or binary (`KiB`, `MiB`, `GiB`...), case-insensitive. Empty means 0, unlimited.
 */
export function parseStorage(input: string): { ok: true; bytes: bigint } | { ok: false } {
  const value = input.trim().replace(/_/g, '');
  if (value === '') return { ok: true, bytes: 0n };
  const match = /^(\d{1,19})(?:\.(\d{1,9}))?\s*([a-z]{1,3})?$/i.exec(value);
  if (!match) return { ok: false };
  const [, whole = '0', fraction = '', unit = 'b'] = match;
  const multiplier = unitBytes[unit.toLowerCase()];
  if (multiplier === undefined) return { ok: false };
  const scale = 10n ** BigInt(fraction.length);
  const scaled = (BigInt(whole) * scale + BigInt(fraction || '0')) * multiplier;
  if (scaled % scale !== 0n) return { ok: false };
  const bytes = scaled / scale;
  return bytes > INT64_MAX ? { ok: false } : { ok: true, bytes };
}

/** Writes bytes back the way an operator would type them: the largest exact binary unit. */
export function storageInput(bytes: bigint): string {
  if (bytes === 0n) return '0';
  for (const unit of BINARY_UNITS) {
    const size = unitBytes[unit.toLowerCase()] ?? 1n;
    if (bytes % size === 0n) return `${bytes / size}${unit}`;
  }
  return bytes.toString();
}
