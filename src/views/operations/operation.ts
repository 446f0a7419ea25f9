import { type Duration, durationMs } from '@bufbuild/protobuf/wkt';
import type { BadgeTone } from '../../../components/ui/Badge.js';
import { type Operation, OperationState } from '../../gen/prism/admin/v1/operations_pb.js';
import type { Url } from '../../html/url.js';
import { routes } from '../../routes/table.js';
import { type TimeText, timeText } from '../client-sessions/time.js';
import { fromEnumMap, unknownEnumLabel } from '../enums.js';
import { formatNumber } from '../format.js';

/*
 * An operation (a drain) as the operations pages show it. Everything comes from the control
 * plane's Operation: the console keeps nothing, so a reload, another tab or another console
 * process shows the same. Counts are int32 from the wire: shown as sent, never trusted to add up.
 */

export interface OperationStateInfo {
  label: string;
  tone: BadgeTone;
}

const operationState: Record<OperationState, OperationStateInfo> = {
  [OperationState.UNSPECIFIED]: { label: 'Unknown', tone: 'slate' },
  [OperationState.RUNNING]: { label: 'Running', tone: 'sky' },
  [OperationState.SUCCEEDED]: { label: 'Succeeded', tone: 'green' },
  [OperationState.DEADLINE_EXCEEDED]: { label: 'Deadline exceeded', tone: 'amber' },
  [OperationState.CANCELLED]: { label: 'Cancelled', tone: 'slate' },
};

const FINISHED: ReadonlySet<OperationState> = new Set([
  OperationState.SUCCEEDED,
  OperationState.DEADLINE_EXCEEDED,
  OperationState.CANCELLED,
]);

/** A state as shown; one this console does not know reads "Unknown (9)". */
export function operationStateInfo(state: OperationState): OperationStateInfo {
  return fromEnumMap(operationState, state, (value) => ({
    label: unknownEnumLabel(value),
    tone: 'slate',
  }));
}

export interface DrainProgress {
  total: number;
  drained: number;
  remaining: number;
  forced: number;
  /** Drained and forced of total, 0..100 (0 when total is 0 or the counts make no sense). */
  percent: number;
  /** "12 drained · 3 remaining · 0 forced of 15". */
  text: string;
}

export interface OperationView {
  id: string;
  href: Url;
  cancelHref: Url;
  eventsHref: Url;
  state: OperationStateInfo;
  /** Done as the control plane says (done, or a finished state this console knows). */
  done: boolean;
  kind: string;
  /** "orders-prod", "All namespaces", "—" for an operation that is no drain. */
  target: string;
  /** The namespace a drain targets, for links. */
  namespace: string | undefined;
  startedBy: string;
  start: TimeText;
  deadlineTime: TimeText;
  end: TimeText;
  /** "5m", "1h 0m 30s": the drain's deadline as asked for. */
  deadline: string;
  force: boolean;
  reason: string;
  requestId: string;
  cancelledBy: string;
  cancelReason: string;
  progress: DrainProgress | undefined;
  /** Sessions targeted per namespace when the drain started, by name. */
  byNamespace: { namespace: string; count: string }[];
}

/** A count from the wire: a non-negative whole number, or 0. */
function count(value: number): number {
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

export function progressOf(d: {
  total: number;
  drained: number;
  remaining: number;
  forced: number;
}): DrainProgress {
  const total = count(d.total);
  const drained = count(d.drained);
  const remaining = count(d.remaining);
  const forced = count(d.forced);
  const closed = drained + forced;
  const percent = total > 0 ? Math.min(100, Math.floor((closed * 100) / total)) : 0;
  return {
    total,
    drained,
    remaining,
    forced,
    percent,
    text: `${formatNumber(drained)} drained · ${formatNumber(remaining)} remaining · ${formatNumber(forced)} forced of ${formatNumber(total)}`,
  };
}

/** "30s", "5m", "1h 5m", "2m 30s": a deadline as asked for. */
export function formatDeadline(duration: Duration | undefined): string {
  if (!duration) return '—';
  const ms = durationMs(duration);
  if (!Number.isFinite(ms) || ms < 0) return '—';
  let seconds = Math.round(ms / 1000);
  const parts: string[] = [];
  const hours = Math.floor(seconds / 3600);
  if (hours > 0) parts.push(`${formatNumber(hours)}h`);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  if (minutes > 0) parts.push(`${minutes}m`);
  seconds -= minutes * 60;
  if (seconds > 0 || parts.length === 0) parts.push(`${seconds}s`);
  return parts.join(' ');
}

export function operationView(operation: Operation, now: Date): OperationView {
  const { id } = operation;
  const drain = operation.details.case === 'drain' ? operation.details.value : undefined;
  const target = drain?.target;
  return {
    id,
    href: routes.operations.detail.href({ id }),
    cancelHref: routes.operations.cancel.href({ id }),
    eventsHref: routes.operations.events.href({ id }),
    state: operationStateInfo(operation.state),
    // The control plane's `done`; a known finished state says so too. An unknown state is
    // shown as such and counts as running until `done` says otherwise (a newer state may run).
    done: operation.done || FINISHED.has(operation.state),
    kind: drain ? 'Drain' : 'Operation',
    target:
      target?.case === 'namespace'
        ? target.value
        : target?.case === 'allNamespaces'
          ? 'All namespaces'
          : '—',
    namespace: target?.case === 'namespace' ? target.value : undefined,
    startedBy: operation.startedBy,
    start: timeText(operation.startTime, now),
    deadlineTime: timeText(operation.deadlineTime, now),
    end: timeText(operation.endTime, now),
    deadline: formatDeadline(drain?.deadline),
    force: drain?.force ?? false,
    reason: operation.reason,
    requestId: operation.requestId,
    cancelledBy: operation.cancelledBy,
    cancelReason: operation.cancelReason,
    progress: drain ? progressOf(drain) : undefined,
    byNamespace: drain
      ? Object.entries(drain.totalByNamespace)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([namespace, n]) => ({ namespace, count: formatNumber(count(n)) }))
      : [],
  };
}
