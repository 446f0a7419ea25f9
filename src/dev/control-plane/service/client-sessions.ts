// Client sessions: List, Get, Terminate.

import { clone } from '@bufbuild/protobuf';
import { type Duration, timestampMs } from '@bufbuild/protobuf/wkt';
import {
  type ClientSession,
  ClientSessionSchema,
  SessionStatus,
} from '../../../gen/prism/admin/v1/client_session_pb.js';
import { ChangeType, ResourceKind } from '../../../gen/prism/admin/v1/watch_pb.js';
import { paginate, parsePageRequest } from '../paging.js';
import type { ControlPlaneState } from '../state.js';
import { failedPrecondition, notFound, Violations } from '../validation.js';
import type { Handlers, ServiceDeps } from './deps.js';

export function clientSessionHandlers({
  state,
  mutations,
}: ServiceDeps): Handlers<'listClientSessions' | 'getClientSession' | 'terminateClientSession'> {
  return {
    listClientSessions(request) {
      const violations = new Violations();
      violations.enumValue('status', request.status, SessionStatus, false);
      const order = parseSessionOrder(violations, request.orderBy);
      const idleMs = idleLongerThanMs(violations, request.idleLongerThan);
      const page = parsePageRequest(violations, request.pageSize, request.pageToken, {
        method: 'ListClientSessions',
        namespace: request.namespace,
        status: request.status,
        filter: request.filter,
        idle: idleMs,
        orderBy: request.orderBy,
      });
      violations.throwIfAny();
      const needle = request.filter.toLowerCase();
      const idleBefore = state.now().getTime() - idleMs;
      // Everything but the status filter: the counts per status are over these.
      const candidates = [...state.clientSessions.values()].filter(
        (s) =>
          (request.namespace === '' || s.namespace === request.namespace) &&
          (needle === '' ||
            s.clientId.toLowerCase().includes(needle) ||
            s.clientAddress.toLowerCase().includes(needle)) &&
          (idleMs === 0 || lastActivityMs(s) < idleBefore),
      );
      const counts = new Map<SessionStatus, number>();
      for (const s of candidates) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
      const matches = candidates
        .filter((s) => request.status === SessionStatus.UNSPECIFIED || s.status === request.status)
        .sort((a, b) => order.compare(a, b) || a.id.localeCompare(b.id));
      const result = paginate(matches, page);
      return {
        clientSessions: result.items.map((s) => clone(ClientSessionSchema, s)),
        nextPageToken: result.nextPageToken,
        previousPageToken: result.previousPageToken,
        totalSize: result.totalSize,
        statusCounts: [...counts.entries()]
          .sort(([a], [b]) => a - b)
          .map(([status, count]) => ({ status, count })),
      };
    },

    getClientSession(request) {
      const session = state.clientSessions.get(request.id);
      if (!session) throw notFound(`client session ${request.id}`);
      return { clientSession: clone(ClientSessionSchema, session) };
    },

    terminateClientSession(request, context) {
      const id = request.id;
      return mutations.run(context, {
        requestId: request.requestId,
        reason: request.reason,
        resource: `sessions/${id}`,
        namespace: state.clientSessions.get(id)?.namespace ?? '',
        validate(violations) {
          if (id === '') violations.add('id', 'is required');
        },
        apply() {
          const session = state.clientSessions.get(id);
          if (!session) throw notFound(`client session ${id}`);
          if (session.status === SessionStatus.TERMINATED) {
            throw failedPrecondition(`client session ${id} is already terminated`);
          }
          terminateSession(state, session, request.force);
          state.commitRaft();
          return { clientSession: clone(ClientSessionSchema, session) };
        },
      });
    },
  };
}

/**
 * Closes a session. Without force, a session with requests in flight (ACTIVE with traffic) is
 * only moved to EXPIRING; the simulator closes it once it is idle. Announces the change.
 */
export function terminateSession(
  state: ControlPlaneState,
  session: ClientSession,
  force: boolean,
): void {
  const inFlight = session.status === SessionStatus.ACTIVE && (session.metrics?.rps ?? 0) > 0;
  if (!force && (inFlight || session.status === SessionStatus.EXPIRING)) {
    session.status = SessionStatus.EXPIRING;
  } else {
    session.status = SessionStatus.TERMINATED;
    session.expireTime = state.timestamp();
    if (session.metrics) session.metrics.rps = 0;
  }
  state.refreshSessionCounts();
  state.emit(ResourceKind.CLIENT_SESSION, session.id, ChangeType.UPDATED, session.namespace);
}

const startMs = (s: ClientSession) => (s.startTime ? timestampMs(s.startTime) : 0);
const lastActivityMs = (s: ClientSession) =>
  s.lastActivityTime ? timestampMs(s.lastActivityTime) : 0;
const totalBytes = (s: ClientSession) => (s.metrics?.bytesIn ?? 0n) + (s.metrics?.bytesOut ?? 0n);
const compareBigint = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

const SESSION_ORDERS: Readonly<Record<string, (a: ClientSession, b: ClientSession) => number>> = {
  start_time: (a, b) => startMs(a) - startMs(b),
  last_activity_time: (a, b) => lastActivityMs(a) - lastActivityMs(b),
  request_count: (a, b) =>
    compareBigint(a.metrics?.requestCount ?? 0n, b.metrics?.requestCount ?? 0n),
  bytes: (a, b) => compareBigint(totalBytes(a), totalBytes(b)),
};

/** order_by: a field and an optional " desc"; empty is "start_time desc" (newest first). */
function parseSessionOrder(
  violations: Violations,
  orderBy: string,
): { compare: (a: ClientSession, b: ClientSession) => number } {
  const [field = '', direction, ...rest] = (orderBy.trim() || 'start_time desc').split(/\s+/);
  const compare = Object.hasOwn(SESSION_ORDERS, field) ? SESSION_ORDERS[field] : undefined;
  if (!compare || rest.length > 0 || (direction !== undefined && direction !== 'desc')) {
    violations.add(
      'order_by',
      `must be one of ${Object.keys(SESSION_ORDERS).join(', ')}, optionally followed by " desc"`,
    );
    return { compare: () => 0 };
  }
  return direction === 'desc' ? { compare: (a, b) => compare(b, a) } : { compare };
}

/** idle_longer_than in milliseconds; 0 when unset. */
function idleLongerThanMs(violations: Violations, duration: Duration | undefined): number {
  if (!duration) return 0;
  const ms = Number(duration.seconds) * 1000 + Math.trunc(duration.nanos / 1_000_000);
  if (duration.seconds < 0n || duration.nanos < 0) {
    violations.add('idle_longer_than', 'must not be negative');
    return 0;
  }
  return ms;
}
