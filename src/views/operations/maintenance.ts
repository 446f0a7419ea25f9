import type { Timestamp } from '@bufbuild/protobuf/wkt';
import type { MaintenanceStatus } from '../../gen/prism/admin/v1/operations_pb.js';
import { type TimeText, timeText } from '../client-sessions/time.js';

/*
 * Maintenance mode as the console shows it: the banner on every signed-in page and the state on
 * the maintenance page. Pure mappers from the control plane's MaintenanceStatus.
 */

/** What the banner and the maintenance page show while maintenance is on. */
export interface MaintenanceView {
  /** The operator's message; may be empty (a control plane that allows it). */
  message: string;
  /** Who turned it on (`alice`); `someone` when the control plane did not say. */
  enabledBy: string;
  since: TimeText;
  /** Undefined when no end is scheduled. */
  scheduledEnd: TimeText | undefined;
  /** `scheduled end passed 12 min ago` when it is still on after its scheduled end. */
  overdue: string | undefined;
}

function millis(ts: Timestamp | undefined): number | undefined {
  if (!ts) return undefined;
  const ms =
    Number(ts.seconds) * 1000 + Math.floor((Number.isFinite(ts.nanos) ? ts.nanos : 0) / 1e6);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Whole minutes, or hours and minutes past an hour: `12 min`, `3 h 5 min`, `2 d 4 h`. */
export function durationText(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** The view of a status, or undefined when maintenance is off (or no status was sent). */
export function maintenanceView(
  status: MaintenanceStatus | undefined,
  now: Date,
): MaintenanceView | undefined {
  if (!status?.enabled) return undefined;
  const end = status.scheduledEndTime;
  const endMs = millis(end);
  // Unset or Go's zero time ("—"): no end. Out of range: shown as timeText words it.
  const scheduledEnd = end ? timeText(end, now) : undefined;
  const shownEnd = scheduledEnd && scheduledEnd.absolute !== '—' ? scheduledEnd : undefined;
  const late = endMs !== undefined && shownEnd?.datetime ? now.getTime() - endMs : 0;
  return {
    message: status.message,
    enabledBy: status.enabledBy || 'someone',
    since: timeText(status.enableTime, now),
    scheduledEnd: shownEnd,
    // A minute's grace: the end just passed is not news yet.
    overdue: late >= 60_000 ? `scheduled end passed ${durationText(late)} ago` : undefined,
  };
}
