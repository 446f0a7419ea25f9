import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { formatAgo, formatTime } from '../format.js';

/**
 * A time as the session pages show it: short and relative, with the absolute time
 * (components/client-sessions/parts.tsx, RelativeTime).
 */
export interface TimeText {
  /** `12m ago`, `never`. */
  relative: string;
  /** `2026-01-02 03:04:05 UTC`, `—`. */
  absolute: string;
  /** For `<time datetime>`: ISO 8601, or undefined when the time is unset or out of range. */
  datetime: string | undefined;
}

const SHOWN = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC$/;

export function timeText(ts: Timestamp | undefined, now: Date): TimeText {
  const absolute = formatTime(ts);
  const shown = SHOWN.exec(absolute);
  return {
    relative: formatAgo(ts, now),
    absolute,
    datetime: shown ? `${shown[1]}T${shown[2]}Z` : undefined,
  };
}
