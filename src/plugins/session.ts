import secureSession, { type Session } from '@fastify/secure-session';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  LIVE_RENDER_HEADER,
  type LiveRender,
  liveOperator,
  parseLiveRender,
} from '../live/render-identity.js';
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

/**
 * What the login cookie holds: the newest sign-in, and those started before it (in other tabs,
 * say) that have not come back yet. A browser that opens several console pages while signed out
 * starts several sign-ins; each return finds its own transaction by `state`.
 */
export interface LoginCookie extends LoginTransaction {
  earlier?: LoginTransaction[];
}

/** How long a sign-in may take, from the redirect to the identity provider to its return. */
export const LOGIN_TTL_MS = 10 * 60 * 1000;

/** Sign-ins kept pending at once... */
const MAX_PENDING_LOGINS = 4;
/**
 * ...within this much JSON: encrypted and base64-encoded it stays under the 4 KB browsers keep
 * of a cookie. The newest sign-in is always kept (its return URL is at most 2 KB).
 */
const PENDING_LOGINS_BUDGET = 2600;

function isTransaction(value: unknown): value is LoginTransaction {
  const t = value as Partial<LoginTransaction> | null;
  return (
    typeof t === 'object' &&
    t !== null &&
    typeof t.state === 'string' &&
    typeof t.nonce === 'string' &&
    typeof t.codeVerifier === 'string' &&
    typeof t.returnTo === 'string' &&
    typeof t.startedAt === 'number'
  );
}

/** Every sign-in the login cookie holds, newest first (expired ones included). */
function loginsOf(request: FastifyRequest): LoginTransaction[] {
  const cookie = request.loginCookie;
  const newest = {
    state: cookie.get('state'),
    nonce: cookie.get('nonce'),
    codeVerifier: cookie.get('codeVerifier'),
    returnTo: cookie.get('returnTo'),
    startedAt: cookie.get('startedAt'),
  };
  const earlier = cookie.get('earlier');
  return [newest, ...(Array.isArray(earlier) ? earlier : [])].filter(isTransaction);
}

const isLiveLogin = (t: LoginTransaction, now: number) =>
  t.startedAt <= now && now - t.startedAt < LOGIN_TTL_MS;

/** Writes these sign-ins (newest first) to the login cookie, or drops it when there are none. */
function writeLogins(request: FastifyRequest, logins: LoginTransaction[]): void {
  const [newest, ...rest] = logins;
  if (!newest) {
    request.loginCookie.delete();
    return;
  }
  const earlier: LoginTransaction[] = [];
  let size = JSON.stringify(newest).length;
  for (const login of rest.slice(0, MAX_PENDING_LOGINS - 1)) {
    size += JSON.stringify(login).length + 1;
    if (size > PENDING_LOGINS_BUDGET) break;
    earlier.push(login);
  }
  const cookie = request.loginCookie;
  cookie.set('state', newest.state);
  cookie.set('nonce', newest.nonce);
  cookie.set('codeVerifier', newest.codeVerifier);
  cookie.set('returnTo', newest.returnTo);
  cookie.set('startedAt', newest.startedAt);
  cookie.set('earlier', earlier.length > 0 ? earlier : undefined);
}

/** Records a sign-in that is about to leave for the identity provider, beside pending ones. */
export function beginLogin(request: FastifyRequest, login: LoginTransaction): void {
  const pending = loginsOf(request).filter(
    (t) => t.state !== login.state && isLiveLogin(t, login.startedAt),
  );
  writeLogins(request, [login, ...pending]);
}

/**
 * Takes the sign-in that `state` belongs to out of the login cookie: one use only, whatever
 * happens next. The others stay for their own returns. `expired` when the browser has no
 * sign-in of this console pending, or this one took too long; `unknown` when it has others.
 */
export function takeLogin(
  request: FastifyRequest,
  state: unknown,
  now = Date.now(),
): { login: LoginTransaction } | { problem: 'expired' | 'unknown' } {
  const logins = loginsOf(request);
  const login =
    typeof state === 'string' && state !== '' ? logins.find((t) => t.state === state) : undefined;
  const rest = logins.filter((t) => t !== login && isLiveLogin(t, now));
  writeLogins(request, rest);
  if (login) return isLiveLogin(login, now) ? { login } : { problem: 'expired' };
  return { problem: rest.length > 0 ? 'unknown' : 'expired' };
}

declare module 'fastify' {
  interface FastifyInstance {
    sessions: SessionStore;
    /** Cookie names, which depend on TLS (`__Host-` prefix). */
    sessionCookieNames: { session: string; login: string };
  }
  interface FastifyRequest {
    sessionCookie: Session<SessionCookie>;
    loginCookie: Session<LoginCookie>;
    /** The signed-in operator's server-side session, loaded once per request. */
    consoleSession: ConsoleSession | undefined;
    /**
     * Set on the fan-out's internal renders (src/live/render-identity.ts): no session, a
     * synthetic operator of this role, calls made with the replica's service token.
     */
    liveRender: LiveRender | undefined;
  }
  interface FastifyContextConfig {
    /** Requests the page makes on its own (the live stream): never activity, never a touch. */
    background?: boolean;
  }
}

/** Sent by requests the page makes on its own (polling), which do not count as activity. */
export const BACKGROUND_HEADER = 'x-prism-background';

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
        ? await createRedisSessionStore(options.redisUrl, {
            // The client reconnects by itself; pages say "Session store unavailable" meanwhile.
            onError: (err) => app.log.error({ err }, 'session store (Redis) unavailable'),
            onRecover: () => app.log.info('session store (Redis) reachable again'),
            onChangesError: (err) =>
              app.log.warn(
                { err },
                "session store (Redis): cannot subscribe to other replicas' sign-ins and sign-outs; live pages show them at their next periodic render",
              ),
          })
        : createMemorySessionStore({
            onEvict: (session, maxSessions) =>
              app.log.warn(
                {
                  username: session.username,
                  lastSeenAt: new Date(session.lastSeenAt),
                  maxSessions,
                },
                'session store full: ended the least recently used session',
              ),
          }));
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
    app.decorateRequest('liveRender', undefined);
    app.addHook('onRequest', async (request) => {
      const liveHeader = request.headers[LIVE_RENDER_HEADER];
      if (liveHeader !== undefined) {
        // Only the console's own renders know the secret; a browser's attempt is ignored (and
        // its cookie, if any, read as usual below).
        const live = request.method === 'GET' ? parseLiveRender(liveHeader) : undefined;
        if (live) {
          request.liveRender = live;
          request.operator = liveOperator(live.role);
          return;
        }
        request.log.warn('refused a live render header without the process secret');
      }
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
      // A page refreshing itself is not the operator at work: an open dashboard must not keep
      // a session alive past its idle timeout.
      const background =
        request.headers[BACKGROUND_HEADER] !== undefined ||
        request.routeOptions.config?.background === true;
      if (!background) await store.touch(sid, Date.now());
    });
  },
  { name: 'session', dependencies: ['operator'] },
);
