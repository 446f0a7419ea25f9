import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../plugins/operator.js';

/**
 * A signed-in operator's console session. It lives on the server only: the browser's cookie
 * holds the id and nothing else, so tokens of any size never leave the server.
 */
export interface ConsoleSession {
  /** 32 random bytes, base64url: the only thing the cookie carries. */
  id: string;
  subject: string;
  username: string;
  name: string;
  role: Role;
  accessToken: string;
  /** Epoch milliseconds. */
  accessTokenExpiresAt: number;
  refreshToken?: string;
  idToken: string;
  /** Epoch milliseconds, like every time below. */
  createdAt: number;
  lastSeenAt: number;
  absoluteExpiresAt: number;
  idleTimeoutMs: number;
  ip: string;
  userAgent: string;
}

/**
 * Where sessions live: in memory for one process, in Redis when several replicas share them.
 * Both implementations behave the same (one test suite runs against both).
 */
export interface SessionStore {
  create(session: ConsoleSession): Promise<void>;
  /** Undefined when missing, idle for too long or past its absolute expiry (then deleted). */
  get(id: string): Promise<ConsoleSession | undefined>;
  /**
   * Records activity at `now`. Writes at most once per {@link touchIntervalMs} of a session,
   * so a busy operator does not cost a write per request.
   */
  touch(id: string, now: number): Promise<void>;
  /**
   * Changes some fields (refreshed tokens, say) in one step, without losing a concurrent
   * touch or update from another replica. A field set to undefined is removed; the id stays.
   * Does nothing to a session that is gone.
   */
  update(id: string, patch: Partial<ConsoleSession>): Promise<void>;
  /** Sign-out or revocation: gone for every replica at once. */
  delete(id: string): Promise<void>;
  /** The live sessions, newest first (for the admin page). */
  list(): Promise<ConsoleSession[]>;
  /**
   * Resolves when the store answers (readiness); rejects with SessionStoreUnavailable when it
   * does not within its command timeout. The memory store always answers.
   */
  ping(): Promise<void>;
  /**
   * Calls `listener` after each sign-in (create), and each sign-out, revocation or eviction
   * (delete): at once for this replica's own, and with Redis for every other replica's as
   * Redis passes them on (pub/sub, best effort: after a break in it, `missed` says some may have
   * been lost). Returns what stops it.
   */
  onChange(listener: SessionChangeListener): () => void;
  close(): Promise<void>;
}

/**
 * A session that began or ended, named by its handle only (see {@link sessionHandle}); or
 * `missed`: this replica may have missed other replicas' changes (its subscription broke and is
 * back), so a listener reads again what it keeps of them.
 */
export type SessionChange = { kind: 'created' | 'deleted'; handle: string } | { kind: 'missed' };
export type SessionChangeListener = (change: SessionChange) => void;

/**
 * The public name of a session: a hash of its id, so a page, a log line, a URL or a message
 * between replicas that shows it gives nobody the id back. 128 bits: as unguessable as the id
 * is for this purpose.
 */
export function sessionHandle(id: string): string {
  return createHash('sha256').update(`console-session:${id}`).digest('base64url').slice(0, 22);
}

const HANDLE = /^[A-Za-z0-9_-]{22}$/;

/** Whether a value can be a handle at all (anything else finds no session). */
export function isSessionHandle(value: string): boolean {
  return HANDLE.test(value);
}

/** Listeners of one store: each change goes to every one; one that throws stops nobody else. */
export function changeListeners(): {
  add(listener: SessionChangeListener): () => void;
  emit(kind: 'created' | 'deleted', id: string): void;
  emitChange(change: SessionChange): void;
} {
  const listeners = new Set<SessionChangeListener>();
  const emitChange = (change: SessionChange) => {
    for (const listener of [...listeners]) {
      try {
        listener(change);
      } catch {
        // A listener's own failure is its own; the store's operation has already succeeded.
      }
    }
  };
  return {
    add(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (kind, id) => {
      if (listeners.size > 0) emitChange({ kind, handle: sessionHandle(id) });
    },
    emitChange,
  };
}

/** What a store does after close(): a bug in the caller, never a missing session. */
export class SessionStoreClosedError extends Error {
  constructor() {
    super('The session store is closed.');
    this.name = 'SessionStoreClosedError';
  }
}

/**
 * The store did not answer (Redis down, frozen or unreachable) within its timeout. Every store
 * operation fails with this instead of hanging, so an operator gets a clear 503 page at once
 * and the console recovers by itself when the store is back.
 */
export class SessionStoreUnavailable extends Error {
  readonly statusCode = 503;
  constructor(reason: string, options?: ErrorOptions) {
    super(reason, options);
    this.name = 'SessionStoreUnavailable';
  }
}

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** A new session id: 32 bytes from the CSPRNG (256 bits), base64url without padding. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Whether a value can be a session id at all. Stores check it before any lookup, so a
 * tampered cookie never reaches Redis as a key pattern or a name of some other key.
 */
export function isSessionId(value: string): boolean {
  return SESSION_ID.test(value);
}

/** The longest a store waits between two writes of lastSeenAt for one session. */
export const TOUCH_INTERVAL_MS = 15_000;

/**
 * How long a touch may go unwritten: 15 s, or a quarter of the idle timeout when that is
 * shorter, so a short idle timeout (in tests, say) is never cut short by the throttling.
 */
export function touchIntervalMs(session: Pick<ConsoleSession, 'idleTimeoutMs'>): number {
  return Math.min(TOUCH_INTERVAL_MS, Math.floor(session.idleTimeoutMs / 4));
}

/** When the session ends unless it is used again: the earlier of idle and absolute expiry. */
export function sessionEndsAt(
  session: Pick<ConsoleSession, 'lastSeenAt' | 'idleTimeoutMs' | 'absoluteExpiresAt'>,
): number {
  return Math.min(session.lastSeenAt + session.idleTimeoutMs, session.absoluteExpiresAt);
}

export function isLive(session: ConsoleSession, now: number): boolean {
  return now < sessionEndsAt(session);
}

/** Newest first; ties (same millisecond) in a stable order. */
export function newestFirst(a: ConsoleSession, b: ConsoleSession): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
