import { type Timestamp, timestampDate } from '@bufbuild/protobuf/wkt';

/** Formatting shared by every view: times, sizes and rates the same way on every page. */

export function formatTime(ts: Timestamp | undefined): string {
  if (!ts) return '—';
  return `${timestampDate(ts).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function formatAgo(ts: Timestamp | undefined, now: Date = new Date()): string {
  if (!ts) return 'never';
  const seconds = Math.round((now.getTime() - timestampDate(ts).getTime()) / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(bytes: bigint | number): string {
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

// Made once: building an Intl.NumberFormat costs far more than using one, and a page of 50
// rows formats a hundred numbers (bench/README.md).
const numberFormat = new Intl.NumberFormat('en-US');

export function formatNumber(value: number | bigint): string {
  return numberFormat.format(value);
}

export function formatRate(value: number): string {
  return `${value < 10 ? value.toFixed(1) : numberFormat.format(Math.round(value))}/s`;
}
