import type { Timestamp } from '@bufbuild/protobuf/wkt';

/*
 * Formatting shared by every view: times, sizes and rates the same way on every page.
 *
 * Every formatter is total: whatever the control plane sends — a time past year 9999, Go's zero
 * time, NaN, ±Infinity, a negative size, 1e308, an int64 near 2^63 — it returns readable text and
 * never throws, so one odd value cannot fail a page. Text for a value that cannot be meant is
 * deliberate ("unknown", "after 9999-12-31"); "NaN", "Infinity" and "1e+308" never appear.
 */

/** For a value that is no number at all (NaN, ±Infinity where a count or size is expected). */
export const UNKNOWN_VALUE = 'unknown';

// --- times --------------------------------------------------------------------------------------

/** Go's zero time.Time (0001-01-01T00:00:00Z): what a Go control plane sends for "never set". */
export const GO_ZERO_SECONDS = -62_135_596_800n;
/** The range of google.protobuf.Timestamp: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z. */
const MIN_SECONDS = GO_ZERO_SECONDS;
const MAX_SECONDS = 253_402_300_799n;

type Reading =
  | { kind: 'unset' }
  | { kind: 'before' }
  | { kind: 'after' }
  | { kind: 'time'; date: Date };

/** A timestamp as something a person can be shown. */
function readTimestamp(ts: Timestamp | undefined): Reading {
  if (!ts) return { kind: 'unset' };
  const seconds = ts.seconds;
  const nanos = Number.isFinite(ts.nanos) ? Math.min(Math.max(ts.nanos, 0), 999_999_999) : 0;
  if (seconds === GO_ZERO_SECONDS && nanos === 0) return { kind: 'unset' };
  if (seconds < MIN_SECONDS) return { kind: 'before' };
  if (seconds > MAX_SECONDS) return { kind: 'after' };
  return { kind: 'time', date: new Date(Number(seconds) * 1000 + Math.floor(nanos / 1_000_000)) };
}

/** formatTime's texts by epoch milliseconds. */
const timeTexts = new Map<number, string>();

/** `2026-01-02 03:04:05 UTC`; `—` when unset (also Go's zero time). */
export function formatTime(ts: Timestamp | undefined): string {
  const time = readTimestamp(ts);
  switch (time.kind) {
    case 'unset':
      return '—';
    case 'before':
      return 'before 0001-01-01';
    case 'after':
      return 'after 9999-12-31';
    case 'time': {
      // The same few times (when each resource was made) on every view of a page: kept, as
      // writing one costs a microsecond and a 50-row page writes 50. Cleared when full.
      const ms = time.date.getTime();
      let text = timeTexts.get(ms);
      if (text === undefined) {
        text = `${time.date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
        if (timeTexts.size >= 4096) timeTexts.clear();
        timeTexts.set(ms, text);
      }
      return text;
    }
  }
}

function span(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${groupThousands(Math.floor(seconds / 86_400))}d`;
}

/** `12m ago`, `in 3h` (a time ahead of the clock), `just now`; `never` when unset. */
export function formatAgo(ts: Timestamp | undefined, now: Date = new Date()): string {
  const time = readTimestamp(ts);
  if (time.kind === 'unset') return 'never';
  if (time.kind === 'before') return 'long ago';
  if (time.kind === 'after') return 'in the future';
  const seconds = Math.round((now.getTime() - time.date.getTime()) / 1000);
  if (Number.isNaN(seconds)) return UNKNOWN_VALUE;
  // A few seconds either way is clock skew, not the future.
  if (Math.abs(seconds) < 5) return 'just now';
  return seconds < 0 ? `in ${span(-seconds)}` : `${span(seconds)} ago`;
}

// --- numbers ------------------------------------------------------------------------------------

// Made once, on first use: building an Intl.NumberFormat costs far more than using one (a page of
// 50 rows formats a hundred numbers, bench/README.md), ~20 ms of ICU set-up. Made at import, that
// was a twentieth of the console's start-up; most numbers are whole and never need it.
let numberFormat: Intl.NumberFormat | undefined;
function intlFormat(value: number | bigint): string {
  numberFormat ??= new Intl.NumberFormat('en-US');
  return numberFormat.format(value);
}

/**
 * Past this a double is no count any field can hold (int64 tops at 9.2e18) and Intl would write
 * hundreds of digits: it is shown as "more than" this.
 */
const HUGE = 1e21;

/** `1,234`; a bigint exactly (`9,223,372,036,854,775,807`). */
export function formatNumber(value: number | bigint): string {
  if (typeof value === 'bigint') return intlFormat(value);
  if (!Number.isFinite(value)) return UNKNOWN_VALUE;
  if (Math.abs(value) >= HUGE) {
    return `${value < 0 ? 'less than -' : 'more than '}${intlFormat(HUGE)}`;
  }
  // Whole numbers, most of what a page shows, are grouped here: the same text as en-US Intl
  // ("-1,234"), at a fraction of its cost (a 50-row page formats a hundred or more).
  if (Number.isSafeInteger(value)) return groupThousands(value);
  // Intl writes -0 as "-0".
  return intlFormat(value === 0 ? 0 : value);
}

/** `1,234,567` for a safe integer (String() writes those without an exponent; -0 as "0"). */
function groupThousands(value: number): string {
  const digits = String(Math.abs(value));
  const head = digits.length % 3 || 3;
  let text = digits.slice(0, head);
  for (let at = head; at < digits.length; at += 3) text += `,${digits.slice(at, at + 3)}`;
  return value < 0 ? `-${text}` : text;
}

/** `4.5/s` under ten, `1,234/s` from there. */
export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return UNKNOWN_VALUE;
  if (value < 0) return `-${formatRate(-value)}`;
  return `${value < 10 ? value.toFixed(1) : formatNumber(Math.round(value))}/s`;
}

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];
const LAST_UNIT = units.length - 1;

/** `512 B`, `1.5 KiB`, `10 GiB`; int64's largest is `8.0 EiB`. */
export function formatBytes(bytes: bigint | number): string {
  if (typeof bytes === 'number' && !Number.isFinite(bytes)) return UNKNOWN_VALUE;
  if (bytes < 0) return `-${formatBytes(-bytes)}`;
  // A bigint past a double's range is still "more than" the largest unit, not unknown.
  let value = Math.min(Number(bytes), Number.MAX_VALUE);
  let unit = 0;
  while (value >= 1024 && unit < LAST_UNIT) {
    value /= 1024;
    unit++;
  }
  if (value >= 1024) return `more than 1,024 ${units[LAST_UNIT]}`;
  const shown = unit === 0 ? String(Math.round(value)) : value.toFixed(value < 10 ? 1 : 0);
  return `${shown} ${units[unit]}`;
}
