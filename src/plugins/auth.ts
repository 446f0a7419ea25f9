import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  preHandlerAsyncHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';
import * as oidc from 'openid-client';
import { type Config, LOOPBACK_HOSTS } from '../config.js';
import { localPath, type Url } from '../html/url.js';
import { routes } from '../routes/table.js';
import type { ConsoleSession } from '../sessions/index.js';
import { describeError } from '../views/errors.js';
import { hasRole, type Role } from './operator.js';
import { endSession } from './session.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The identity provider's metadata and our client registration, discovered once. */
    oidcConfiguration(): Promise<oidc.Configuration>;
    /**
     * preHandler for routes that need at least `role` to do `action`: a refusal is logged (who,
     * with which role, on which route) and answered with the 403 page or fragment, so the
     * handler never runs and nothing reaches the control plane.
     */
    requireRole(role: Role, action: string): preHandlerAsyncHookHandler;
  }
  interface FastifyRequest {
    /**
     * The operator's access token for a call starting now, renewed when about to expire; for
     * calls made long after the preHandler checked the token (server streams and their
     * reconnects). Undefined when the session has ended or cannot be renewed.
     */
    freshAccessToken(): Promise<string | undefined>;
  }
  interface FastifyContextConfig {
    /** Served without signing in (health, assets, the sign-in flow itself). */
    public?: boolean;
  }
}

/** Paths served without a session besides routes marked `config: { public: true }`. */
const PUBLIC_PREFIXES = ['/assets/', '/favicon.svg', '/auth/'];

/** Refresh a little before expiry, so a call never leaves with a token about to lapse. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * Only a local path may follow sign-in: no scheme, no host, no `//` or `/\` (browsers read both
 * as another host), no control characters. Anything else is the dashboard.
 */
export function safeReturnTo(value: unknown): Url {
  return localPath(value) ?? routes.dashboard.href();
}

export function signInPath(returnTo: string): Url {
  return routes.auth.signIn.href({ return: returnTo });
}

/** Where the operator was, as a local path: the page itself, or for htmx the page it came from. */
function currentPage(request: FastifyRequest): Url {
  if (request.htmx.request) {
    const current = request.headers['hx-current-url'];
    if (typeof current === 'string') {
      try {
        const url = new URL(current);
        if (url.origin === request.server.config.publicUrl.origin) {
          return safeReturnTo(`${url.pathname}${url.search}`);
        }
      } catch {
        // fall through
      }
    }
    return routes.dashboard.href();
  }
  return request.method === 'GET' ? safeReturnTo(request.url) : routes.dashboard.href();
}

/** Sends the operator to sign in, and back to where they were afterwards. */
function toSignIn(request: FastifyRequest, reply: FastifyReply, message: string) {
  const target = signInPath(currentPage(request));
  reply.header('cache-control', 'no-store');
  if (request.htmx.request) {
    // htmx would swap a redirect's page into a fragment; HX-Redirect makes it a navigation.
    return reply.code(401).header('hx-redirect', target).send('');
  }
  if (request.method === 'GET' || request.method === 'HEAD') return reply.redirect(target, 303);
  return reply.errorPage({
    status: 401,
    title: 'Signed out',
    message: `${message} Sign in again; nothing was changed.`,
    serverFault: false,
  });
}

type TokenPatch = Pick<ConsoleSession, 'accessToken' | 'accessTokenExpiresAt' | 'refreshToken'> &
  Partial<Pick<ConsoleSession, 'idToken'>>;

/*
 * Refreshes in flight, by session id. Refresh tokens rotate and a reused one revokes the whole
 * chain, so two requests of one operator arriving together (a page and an htmx poll) must share
 * one refresh rather than race. (Across replicas the window is one request wide; the store's
 * atomic update keeps whichever tokens were written last.)
 */
const refreshing = new Map<string, Promise<TokenPatch | undefined>>();

async function refresh(
  request: FastifyRequest,
  config: oidc.Configuration,
  session: ConsoleSession,
  refreshToken: string,
): Promise<TokenPatch | undefined> {
  try {
    const tokens = await oidc.refreshTokenGrant(config, refreshToken);
    const patch: TokenPatch = {
      accessToken: tokens.access_token,
      accessTokenExpiresAt: Date.now() + (tokens.expiresIn() ?? 300) * 1000,
      refreshToken: tokens.refresh_token ?? refreshToken,
      ...(tokens.id_token ? { idToken: tokens.id_token } : {}),
    };
    await request.server.sessions.update(session.id, patch);
    return patch;
  } catch (err) {
    request.log.info({ err }, 'access token refresh failed; ending the session');
    return undefined;
  }
}

async function refreshIfDue(request: FastifyRequest, config: oidc.Configuration): Promise<boolean> {
  const session = request.consoleSession;
  if (!session || session.accessTokenExpiresAt - Date.now() > REFRESH_MARGIN_MS) return true;
  const refreshToken = session.refreshToken;
  if (!refreshToken) return session.accessTokenExpiresAt > Date.now();
  let pending = refreshing.get(session.id);
  if (!pending) {
    pending = refresh(request, config, session, refreshToken).finally(() =>
      refreshing.delete(session.id),
    );
    refreshing.set(session.id, pending);
  }
  const patch = await pending;
  if (!patch) return false;
  Object.assign(session, patch);
  if (request.operator) request.operator.accessToken = patch.accessToken;
  return true;
}

export interface AuthOptions {
  oidc: Config['oidc'];
  publicUrl: URL;
}

export default fp(
  async (app: FastifyInstance, options: AuthOptions) => {
    let discovered: Promise<oidc.Configuration> | undefined;
    app.decorate('oidcConfiguration', () => {
      discovered ??= (async () => {
        const { issuer, clientId, clientSecret } = options.oidc;
        // The ID token's signature is checked against the issuer's JWKS too: the token
        // endpoint's TLS alone would vouch for it, and a loopback issuer has no TLS.
        const execute = [
          oidc.enableNonRepudiationChecks,
          ...(LOOPBACK_HOSTS.has(issuer.hostname) ? [oidc.allowInsecureRequests] : []),
        ];
        return oidc.discovery(issuer, clientId, undefined, oidc.ClientSecretBasic(clientSecret), {
          execute,
          timeout: 5,
        });
      })();
      // A failed discovery (identity provider down) is tried again on the next sign-in.
      discovered.catch(() => {
        discovered = undefined;
      });
      return discovered;
    });

    app.decorate(
      'requireRole',
      (role: Role, action: string) => async (request: FastifyRequest, reply: FastifyReply) => {
        if (hasRole(request.operator?.role, role)) return;
        request.log.warn(
          {
            operator: request.operator?.username,
            role: request.operator?.role,
            route: `${request.method} ${request.routeOptions.url}`,
            action,
            needed: role,
          },
          'refused: the role does not allow this',
        );
        return reply.errorPage({
          status: 403,
          title: 'Not allowed',
          message: `This needs the ${role} role; you are signed in as ${request.operator?.role ?? 'nobody'}.`,
          serverFault: false,
        });
      },
    );

    app.decorateRequest('freshAccessToken', async function (this: FastifyRequest) {
      const sid = this.consoleSession?.id;
      // Read again: another request may have refreshed (rotating the refresh token) meanwhile,
      // or the session may have been signed out or revoked.
      const session = sid ? await app.sessions.get(sid) : undefined;
      if (!session) return undefined;
      this.consoleSession = session;
      if (this.operator) this.operator.accessToken = session.accessToken;
      try {
        if (!(await refreshIfDue(this, await app.oidcConfiguration()))) return undefined;
      } catch {
        // The identity provider is unreachable: a token that has not expired yet still works.
        if (session.accessTokenExpiresAt <= Date.now()) return undefined;
      }
      return session.accessToken;
    });

    app.addHook('preHandler', async (request, reply) => {
      if (request.routeOptions.config.public) return;
      if (PUBLIC_PREFIXES.some((prefix) => request.url.startsWith(prefix))) return;
      // A live render (its secret checked by the session plugin) has no session to renew.
      if (request.liveRender) return;
      if (!request.consoleSession) {
        return toSignIn(request, reply, 'Your session has ended.');
      }
      reply.header('cache-control', 'no-store');
      let config: oidc.Configuration;
      try {
        config = await app.oidcConfiguration();
      } catch (err) {
        // Without the identity provider a due token cannot be refreshed; a fresh one still works.
        if (request.consoleSession.accessTokenExpiresAt > Date.now()) return;
        return reply.errorPage({
          ...describeError(err),
          status: 503,
          title: 'Identity provider unreachable',
          message:
            'Your access token expired and the identity provider could not be reached to renew it. Try again in a moment.',
        });
      }
      if (!(await refreshIfDue(request, config))) {
        await endSession(request);
        return toSignIn(request, reply, 'Your session could not be renewed.');
      }
    });
  },
  { name: 'auth', dependencies: ['session', 'htmx', 'page'] },
);
