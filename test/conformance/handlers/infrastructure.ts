// What the forms and previews read: client sessions (with status_counts), backends, launchers
// and pattern assignments.

import type { SessionObject } from '../state.js';
import { invalid, type Message, millis, notFound, paginate, parsePage } from '../wire.js';
import type { Deps, Handlers } from './types.js';

/** SessionStatus values in enum order, for status_counts. */
const SESSION_STATUSES = [
  'SESSION_STATUS_ACTIVE',
  'SESSION_STATUS_IDLE',
  'SESSION_STATUS_EXPIRING',
  'SESSION_STATUS_TERMINATED',
];

const metric = (session: SessionObject, name: string) =>
  Number(((session.metrics ?? {}) as Message)[name] ?? 0);

/** The orders ListClientSessions takes: "start_time", ..., optionally followed by " desc". */
const SESSION_ORDER: Record<string, (session: SessionObject) => number> = {
  start_time: (s) => millis(s.startTime) ?? 0,
  last_activity_time: (s) => millis(s.lastActivityTime) ?? 0,
  request_count: (s) => metric(s, 'requestCount'),
  bytes: (s) => metric(s, 'bytesIn') + metric(s, 'bytesOut'),
};

export function infrastructureHandlers({ world }: Deps): Handlers {
  return {
    unary: {
      ListClientSessions(request) {
        const filter = String(request.filter ?? '').toLowerCase();
        const idleMs = millis(request.idleLongerThan) ?? 0;
        const status = String(request.status ?? 'SESSION_STATUS_UNSPECIFIED');
        const query = JSON.stringify([request.namespace, status, filter, idleMs, request.orderBy]);
        const page = parsePage(request, query, { defaultSize: 50, maxSize: 500 });
        const now = Date.now();
        const base = [...world.sessions.values()].filter(
          (s) =>
            (request.namespace === '' || s.namespace === request.namespace) &&
            (filter === '' ||
              String(s.clientId ?? '')
                .toLowerCase()
                .includes(filter) ||
              String(s.clientAddress ?? '')
                .toLowerCase()
                .includes(filter)) &&
            (idleMs === 0 || now - (millis(s.lastActivityTime) ?? now) > idleMs),
        );
        const counts = new Map<string, number>();
        for (const s of base) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
        const orderBy = String(request.orderBy ?? '').trim() || 'start_time desc';
        const [key = '', direction, ...rest] = orderBy.split(/\s+/);
        const keyOf = SESSION_ORDER[key];
        if (!keyOf || (direction !== undefined && direction !== 'desc') || rest.length > 0) {
          invalid([{ field: 'order_by', description: `cannot order by "${orderBy}"` }]);
        }
        const sign = direction === 'desc' ? -1 : 1;
        const matches = base
          .filter((s) => status === 'SESSION_STATUS_UNSPECIFIED' || s.status === status)
          .sort((a, b) => sign * (keyOf(a) - keyOf(b)) || a.id.localeCompare(b.id));
        const result = paginate(matches, page, query);
        return {
          clientSessions: result.items,
          nextPageToken: result.nextPageToken,
          previousPageToken: result.previousPageToken,
          totalSize: result.totalSize,
          statusCounts: SESSION_STATUSES.filter((s) => counts.has(s)).map((s) => ({
            status: s,
            count: counts.get(s),
          })),
        };
      },
      GetClientSession: (request) => ({
        clientSession:
          world.sessions.get(String(request.id)) ??
          notFound('prism.admin.v1.ClientSession', String(request.id), `session ${request.id}`),
      }),
      ListBackends(request) {
        const page = parsePage(request, 'backends', { defaultSize: 50, maxSize: 500 });
        const all = [...world.backends.values()].sort((a, b) => a.name.localeCompare(b.name));
        const result = paginate(all, page, 'backends');
        return {
          backends: result.items,
          nextPageToken: result.nextPageToken,
          totalSize: result.totalSize,
        };
      },
      GetBackendStatus: (request) => ({
        backend:
          world.backends.get(String(request.name)) ??
          notFound('prism.admin.v1.Backend', String(request.name), `backend ${request.name}`),
      }),
      ListLaunchers: () => ({ launchers: world.launchers }),
      ListPatterns(request) {
        const query = JSON.stringify([request.namespace, request.launcherId]);
        const page = parsePage(request, query, { defaultSize: 50, maxSize: 500 });
        const matches = world.patterns.filter(
          (p: Message) =>
            (request.namespace === '' || p.namespace === request.namespace) &&
            (request.launcherId === '' || p.launcherId === request.launcherId),
        );
        const result = paginate(matches, page, query);
        return {
          patterns: result.items,
          nextPageToken: result.nextPageToken,
          totalSize: result.totalSize,
        };
      },
    },
  };
}
