import { create } from '@bufbuild/protobuf';
import { TimestampSchema, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { describe, expect, it, vi } from 'vitest';
import {
  formatAgo,
  formatBytes,
  formatNumber,
  formatRate,
  formatTime,
  GO_ZERO_SECONDS,
} from '../../src/views/format.js';
import { limitText, MAX_PERCENT, percentOf, usage } from '../../src/views/quantities.js';

/*
 * Property-style: every formatter over many extreme inputs returns short, readable text and
 * never throws. Text for a value that cannot be meant is deliberate ("unknown", "more than …"),
 * so "NaN", "Infinity", exponents ("1e+308") and "undefined" never appear.
 */

const UNREADABLE = /NaN|Infinity|∞|e[+-]\d|E\d|undefined|null|Invalid/;

function readable(text: unknown): void {
  expect(typeof text).toBe('string');
  const s = text as string;
  expect(s, s).not.toMatch(UNREADABLE);
  expect(s.length, s).toBeGreaterThan(0);
  expect(s.length, s).toBeLessThanOrEqual(48);
}

/** A fixed pseudo-random sequence (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EDGE_NUMBERS = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  0,
  -0,
  1,
  -1,
  0.5,
  9.95,
  9.99,
  10,
  1023,
  1023.999,
  1024,
  2 ** 31 - 1,
  -(2 ** 31),
  Number.MAX_SAFE_INTEGER,
  2 ** 63,
  1e15,
  1e20,
  1e21,
  -1e21,
  1e308,
  -1e308,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  Number.EPSILON,
  1e-7,
];

const EDGE_BIGINTS = [
  0n,
  1n,
  -1n,
  1023n,
  1024n,
  2n ** 53n,
  2n ** 63n - 1n,
  -(2n ** 63n),
  2n ** 63n,
  2n ** 64n,
  10n ** 400n,
  -(10n ** 400n),
];

/** Doubles of every magnitude and both signs, plus the edges. */
function manyNumbers(): number[] {
  const next = random(20261202);
  const values = [...EDGE_NUMBERS];
  for (let exponent = -330; exponent <= 310; exponent += 1) {
    for (let i = 0; i < 4; i++) {
      const sign = next() < 0.3 ? -1 : 1;
      values.push(sign * (1 + next() * 9) * 10 ** exponent);
    }
  }
  return values;
}

function manyBigints(): bigint[] {
  const next = random(63);
  const values = [...EDGE_BIGINTS];
  for (let bits = 0; bits <= 70; bits++) {
    const base = 2n ** BigInt(bits);
    values.push(base, base - 1n, -base, base + BigInt(Math.floor(next() * 1000)));
  }
  return values;
}

describe('number formatters are total', () => {
  const numbers = manyNumbers();
  const bigints = manyBigints();

  it('formatNumber, formatBytes, formatRate: readable text for every double', () => {
    for (const value of numbers) {
      readable(formatNumber(value));
      readable(formatBytes(value));
      readable(formatRate(value));
      readable(limitText(value, formatNumber));
    }
  });

  it('formatNumber and formatBytes: readable text for every bigint, int64 and beyond', () => {
    for (const value of bigints) {
      // A bigint's digits are exact and deliberate; only the length is bounded by int64's.
      if (value >= -(2n ** 63n) && value < 2n ** 63n) readable(formatNumber(value));
      readable(formatBytes(value));
      readable(limitText(value, formatBytes));
    }
  });

  it('says "unknown" for what is no number, and keeps the sign of a negative', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(formatNumber(value)).toBe('unknown');
      expect(formatBytes(value)).toBe('unknown');
      expect(formatRate(value)).toBe('unknown');
    }
    expect(formatBytes(-1536)).toBe('-1.5 KiB');
    expect(formatBytes(-5n)).toBe('-5 B');
    expect(formatRate(-2.5)).toBe('-2.5/s');
    expect(formatNumber(-1234)).toBe('-1,234');
    expect(formatNumber(-0)).toBe('0');
    expect(formatBytes(-0)).toBe('0 B');
  });

  it('writes huge values in words or in the largest unit, never with an exponent', () => {
    expect(formatNumber(1e308)).toBe('more than 1,000,000,000,000,000,000,000');
    expect(formatNumber(-1e308)).toBe('less than -1,000,000,000,000,000,000,000');
    expect(formatNumber(2n ** 63n - 1n)).toBe('9,223,372,036,854,775,807');
    expect(formatRate(1e308)).toBe('more than 1,000,000,000,000,000,000,000/s');
    expect(formatBytes(2n ** 63n - 1n)).toBe('8.0 EiB');
    expect(formatBytes(1e308)).toBe('more than 1,024 YiB');
    expect(formatBytes(10n ** 400n)).toBe('more than 1,024 YiB');
  });

  it('keeps the everyday output as it was', () => {
    expect(formatBytes(0n)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(10n * 1024n ** 3n)).toBe('10 GiB');
    expect(formatBytes(3n * 1024n ** 5n)).toBe('3.0 PiB');
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatRate(4.5)).toBe('4.5/s');
    expect(formatRate(1234.4)).toBe('1,234/s');
  });
});

describe('usage percent is total', () => {
  it('is a whole number from 0 to MAX_PERCENT, or undefined without a limit to divide by', () => {
    const values: (number | bigint)[] = [...manyNumbers(), ...manyBigints()];
    const limits: (number | bigint)[] = [...EDGE_NUMBERS, ...EDGE_BIGINTS];
    for (const used of values.filter((_, i) => i % 7 === 0)) {
      for (const limit of limits) {
        const percent = percentOf(used, limit);
        if (percent === undefined) continue;
        expect(Number.isInteger(percent), `${used} of ${limit}`).toBe(true);
        expect(percent).toBeGreaterThanOrEqual(0);
        expect(percent).toBeLessThanOrEqual(MAX_PERCENT);
      }
    }
  });

  it('handles the odd cases sensibly', () => {
    expect(percentOf(50, 100)).toBe(50);
    expect(percentOf(2n * 1024n ** 3n, 1024n ** 3n)).toBe(200);
    expect(percentOf(Number.NaN, 100)).toBeUndefined();
    expect(percentOf(5, 0)).toBeUndefined();
    expect(percentOf(5, -10)).toBeUndefined();
    expect(percentOf(5, Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(percentOf(-5, 100)).toBe(0);
    expect(percentOf(1e308, 1)).toBe(MAX_PERCENT);
    expect(percentOf(Number.POSITIVE_INFINITY, 1)).toBe(MAX_PERCENT);
    expect(percentOf(2n ** 63n - 1n, 1n)).toBe(MAX_PERCENT);
  });

  it('usage() never throws and shows readable text', () => {
    for (const used of EDGE_NUMBERS) {
      const rate = usage('Requests per second', used, 100, (v) => formatRate(Number(v)));
      readable(rate.used);
      readable(rate.limit);
    }
    for (const used of EDGE_BIGINTS) {
      const storage = usage('Storage', used, 1024n, formatBytes);
      readable(storage.used);
      readable(storage.limit);
    }
  });
});

describe('time formatters are total', () => {
  const now = new Date('2026-12-02T04:00:00Z');
  const ts = (seconds: bigint, nanos = 0) => create(TimestampSchema, { seconds, nanos });

  const SECONDS = [
    -(2n ** 63n),
    GO_ZERO_SECONDS - 1n,
    GO_ZERO_SECONDS,
    GO_ZERO_SECONDS + 1n,
    -1n,
    0n,
    1n,
    BigInt(Math.floor(now.getTime() / 1000)),
    BigInt(Math.floor(now.getTime() / 1000)) + 3600n,
    253_402_300_799n,
    253_402_300_800n,
    8_640_000_000_000n,
    8_640_000_000_001n,
    2n ** 63n - 1n,
  ];
  const NANOS = [0, 1, 999_999_999, -1, 2 ** 31 - 1, -(2 ** 31)];

  it('formatTime and formatAgo: readable text for every second and nano, never a throw', () => {
    const next = random(9999);
    const seconds = [...SECONDS];
    for (let i = 0; i < 500; i++) {
      const magnitude =
        BigInt(Math.floor(next() * 2 ** 52)) * BigInt(1 + Math.floor(next() * 4096));
      seconds.push(next() < 0.5 ? -magnitude : magnitude);
    }
    for (const s of seconds) {
      for (const n of NANOS) {
        readable(formatTime(ts(s, n)));
        readable(formatAgo(ts(s, n), now));
      }
    }
    readable(formatAgo(ts(0n), new Date(Number.NaN)));
  });

  it('shows Go’s zero time as unset: — and never', () => {
    expect(formatTime(ts(GO_ZERO_SECONDS))).toBe('—');
    expect(formatAgo(ts(GO_ZERO_SECONDS), now)).toBe('never');
    expect(formatTime(undefined)).toBe('—');
    expect(formatAgo(undefined, now)).toBe('never');
  });

  it('says where a time past the Timestamp range lies instead of failing', () => {
    expect(formatTime(ts(253_402_300_800n))).toBe('after 9999-12-31');
    expect(formatTime(ts(2n ** 63n - 1n))).toBe('after 9999-12-31');
    expect(formatAgo(ts(2n ** 63n - 1n), now)).toBe('in the future');
    expect(formatTime(ts(-(2n ** 63n)))).toBe('before 0001-01-01');
    expect(formatTime(ts(253_402_300_799n))).toBe('9999-12-31 23:59:59 UTC');
  });

  it('keeps the everyday output as it was, and says when a time is ahead', () => {
    const at = (iso: string) => timestampFromDate(new Date(iso));
    expect(formatTime(at('2026-01-02T03:04:05Z'))).toBe('2026-01-02 03:04:05 UTC');
    expect(formatAgo(at('2026-12-02T03:59:58Z'), now)).toBe('just now');
    expect(formatAgo(at('2026-12-02T03:59:30Z'), now)).toBe('30s ago');
    expect(formatAgo(at('2026-12-02T03:48:00Z'), now)).toBe('12m ago');
    expect(formatAgo(at('2026-12-01T22:00:00Z'), now)).toBe('6h ago');
    expect(formatAgo(at('2026-11-02T04:00:00Z'), now)).toBe('30d ago');
    expect(formatAgo(at('2026-12-02T07:00:00Z'), now)).toBe('in 3h');
    expect(formatAgo(at('2016-12-02T04:00:00Z'), now)).toBe('3,652d ago');
  });

  it('builds no Intl.NumberFormat until a number needs one: ICU set-up is ~20 ms of a start', async () => {
    const Original = Intl.NumberFormat;
    let made = 0;
    const Counted = class extends Original {
      constructor(...args: ConstructorParameters<typeof Intl.NumberFormat>) {
        super(...args);
        made++;
      }
    };
    Object.defineProperty(Intl, 'NumberFormat', {
      value: Counted,
      configurable: true,
      writable: true,
    });
    vi.resetModules();
    try {
      const fresh = await import('../../src/views/format.js');
      expect(made).toBe(0);
      // Whole numbers, and days in "ago", are grouped without it.
      expect(fresh.formatNumber(-1234567)).toBe('-1,234,567');
      const epoch = timestampFromDate(new Date(0));
      expect(fresh.formatAgo(epoch, new Date('2026-12-02T04:00:00Z'))).toBe('20,789d ago');
      expect(made).toBe(0);
      expect(fresh.formatNumber(1234.5)).toBe('1,234.5');
      expect(fresh.formatNumber(2n ** 63n)).toBe('9,223,372,036,854,775,808');
      expect(made).toBe(1);
    } finally {
      Object.defineProperty(Intl, 'NumberFormat', {
        value: Original,
        configurable: true,
        writable: true,
      });
    }
  });
});
