import {
  type ConsoleSession,
  changeListeners,
  isLive,
  isSessionId,
  newestFirst,
  type SessionStore,
  SessionStoreClosedError,
  touchIntervalMs,
} from './session.js';

const SWEEP_INTERVAL_MS = 60_000;
/**
 * Sessions kept at most by default: far more operators than a console has, and at a few KB
 * each (the tokens) a bounded share of the heap whatever happens.
 */
export const MEMORY_STORE_MAX_SESSIONS = 2000;

export interface MemorySessionStoreOptions {
  now?: () => number;
  /** Past this many sessions, the least recently used one ends to make room. */
  maxSessions?: number;
  /** Told of each session ended to make room (the plugin logs it). */
  onEvict?: (session: ConsoleSession, maxSessions: number) => void;
}

/**
 * Sessions in this process's memory: the default, for a single replica. Sessions are copied
 * in and out, so a caller changing an object it got back changes nothing stored — as with Redis.
 * The map is kept in order of use (a Map iterates in insertion order and a use re-inserts), so
 * the first entry is the least recently used when the store is full.
 */
export function createMemorySessionStore(options: MemorySessionStoreOptions = {}): SessionStore {
  const now = options.now ?? Date.now;
  const maxSessions = options.maxSessions ?? MEMORY_STORE_MAX_SESSIONS;
  const sessions = new Map<string, ConsoleSession>();
  const changes = changeListeners();
  let closed = false;

  function ensureOpen(): void {
    if (closed) throw new SessionStoreClosedError();
  }

  /** The stored session if it is still live at `at`; an expired one is dropped on the way. */
  function live(id: string, at: number): ConsoleSession | undefined {
    const session = sessions.get(id);
    if (!session) return undefined;
    if (!isLive(session, at)) {
      sessions.delete(id);
      return undefined;
    }
    sessions.delete(id);
    sessions.set(id, session);
    return session;
  }

  // Sessions nobody asks for again would otherwise stay until the process ends.
  const sweep = setInterval(() => {
    const at = now();
    for (const [id, session] of sessions) if (!isLive(session, at)) sessions.delete(id);
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  return {
    async create(session) {
      ensureOpen();
      sessions.delete(session.id);
      sessions.set(session.id, structuredClone(session));
      for (const [id, oldest] of sessions) {
        if (sessions.size <= maxSessions) break;
        sessions.delete(id);
        options.onEvict?.(oldest, maxSessions);
        changes.emit('deleted', id);
      }
      changes.emit('created', session.id);
    },

    async get(id) {
      ensureOpen();
      if (!isSessionId(id)) return undefined;
      const session = live(id, now());
      // Every field is a string or a number: a shallow copy is a whole one, and every request
      // asks (structuredClone was a visible part of a page's cost).
      return session && { ...session };
    },

    async touch(id, at) {
      ensureOpen();
      if (!isSessionId(id)) return;
      const session = live(id, at);
      if (!session || at - session.lastSeenAt < touchIntervalMs(session)) return;
      session.lastSeenAt = at;
    },

    async update(id, patch) {
      ensureOpen();
      if (!isSessionId(id)) return;
      const at = now();
      const session = live(id, at);
      if (!session) return;
      const updated: Record<string, unknown> = { ...session };
      for (const [key, value] of Object.entries(patch)) {
        if (key === 'id') continue;
        if (value === undefined) delete updated[key];
        else updated[key] = structuredClone(value);
      }
      sessions.set(id, updated as unknown as ConsoleSession);
      live(id, at);
    },

    async delete(id) {
      ensureOpen();
      if (sessions.delete(id)) changes.emit('deleted', id);
    },

    async list() {
      ensureOpen();
      const at = now();
      const result: ConsoleSession[] = [];
      for (const id of [...sessions.keys()]) {
        const session = live(id, at);
        if (session) result.push(structuredClone(session));
      }
      return result.sort(newestFirst);
    },

    async ping() {
      ensureOpen();
    },

    onChange: changes.add,

    async close() {
      closed = true;
      clearInterval(sweep);
      sessions.clear();
    },
  };
}
