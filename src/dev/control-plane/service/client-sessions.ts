// Client sessions: List, Get, Terminate.

import { clone } from '@bufbuild/protobuf';
import { timestampMs } from '@bufbuild/protobuf/wkt';
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
      const page = parsePageRequest(violations, request.pageSize, request.pageToken, {
        method: 'ListClientSessions',
        namespace: request.namespace,
        status: request.status,
      });
      violations.throwIfAny();
      const startMs = (s: ClientSession) => (s.startTime ? timestampMs(s.startTime) : 0);
      // Newest first: what an operator looking for a misbehaving client usually wants.
      const matches = [...state.clientSessions.values()]
        .filter(
          (s) =>
            (request.namespace === '' || s.namespace === request.namespace) &&
            (request.status === SessionStatus.UNSPECIFIED || s.status === request.status),
        )
        .sort((a, b) => startMs(b) - startMs(a) || a.id.localeCompare(b.id));
      const result = paginate(matches, page);
      return {
        clientSessions: result.items.map((s) => clone(ClientSessionSchema, s)),
        nextPageToken: result.nextPageToken,
        previousPageToken: result.previousPageToken,
        totalSize: result.totalSize,
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
