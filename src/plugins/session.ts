import secureSession, { type Session } from '@fastify/secure-session';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  type ConsoleSession,
  createMemorySessionStore,
  createRedisSessionStore,
  type SessionStore,
} from '../sessions/index.js';
import { deriveKey } from './keys.js';

/** What the session cookie holds: only the id of a server-side session (tokens stay here). */
interface SessionCookie {
  sid: string;
}

/** The sign-in transaction, from the redirect to the identity provider until its return. */
export interface LoginTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  startedAt: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    sessions: SessionStore;
    /** Cookie names, which depend on TLS (`__Host-` prefix). */
    sessionCookieNames: { session: string; login: string };
  }
  interface FastifyRequest {
    sessionCookie: Session<SessionCookie>;
    loginCookie: Session<LoginTransaction>;
    /** The signed-in operator's server-side session, loaded once per request. */
    consoleSession: ConsoleSession | undefined;
  }
}

export interface SessionPluginOptions {
  key: Buffer;
  secure: boolean;
  redisUrl: string | undefined;
  /** Tests may share one store between several console instances. */
  store?: SessionStore;
}

/** Starts a server-side session: a new id (never one a browser brought), the cookie pointing at it. */
export async function beginSession(
  request: FastifyRequest,
  session: ConsoleSession,
): Promise<void> {
  await request.server.sessions.create(session);
  request.sessionCookie.set('sid', session.id);
  request.consoleSession = session;
}

/** Ends the session everywhere: in the store (so every replica refuses it) and the cookie. */
export async function endSession(request: FastifyRequest): Promise<void> {
  const sid = request.sessionCookie.get('sid');
  if (sid) await request.server.sessions.delete(sid);
  request.sessionCookie.delete();
  request.consoleSession = undefined;
}

export default fp(
  async (app: FastifyInstance, options: SessionPluginOptions) => {
    const store =
      options.store ??
      (options.redisUrl
        ? await createRedisSessionStore(options.redisUrl)
        : createMemorySessionStore());
    app.decorate('sessions', store);
    if (!options.store) app.addHook('onClose', async () => store.close());

    // __Host- pins the cookie to this host, path / and TLS; only possible when served over TLS.
    const prefix = options.secure ? '__Host-' : '';
    const names = { session: `${prefix}prism-session`, login: `${prefix}prism-login` };
    app.decorate('sessionCookieNames', names);
    await app.register(secureSession, [
      {
        sessionName: 'sessionCookie',
        cookieName: names.session,
        key: deriveKey(options.key, 'session-cookie'),
        // The server-side session decides how long it lives; the cookie only points at it.
        expiry: 30 * 24 * 3600,
        cookie: { path: '/', httpOnly: true, secure: options.secure, sameSite: 'strict' },
      },
      {
        sessionName: 'loginCookie',
        cookieName: names.login,
        key: deriveKey(options.key, 'login-cookie'),
        expiry: 10 * 60,
        // Lax: it must come back on the identity provider's cross-site redirect (a top-level GET).
        // Path /: browsers refuse a __Host- cookie with any other path (no sign-in over TLS).
        cookie: { path: '/', httpOnly: true, secure: options.secure, sameSite: 'lax' },
      },
    ]);

    app.decorateRequest('consoleSession', undefined);
    app.addHook('onRequest', async (request) => {
      const sid = request.sessionCookie.get('sid');
      if (!sid) return;
      const session = await store.get(sid);
      if (!session) {
        // Expired, signed out or revoked (on this replica or another): the cookie is stale.
        request.sessionCookie.delete();
        return;
      }
      request.consoleSession = session;
      request.operator = {
        subject: session.subject,
        name: session.name,
        username: session.username,
        role: session.role,
        accessToken: session.accessToken,
      };
      await store.touch(sid, Date.now());
    });
  },
  { name: 'session', dependencies: ['operator'] },
);
