import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import * as oidc from 'openid-client';
import { z } from 'zod';
import {
  ContinuePage,
  NoAccess,
  NoAccessExpired,
  SignedOut,
  SignInProblem,
} from '../../../components/auth/AuthPages.js';
import { trustedUrl, type Url } from '../../html/url.js';
import { safeReturnTo } from '../../plugins/auth.js';
import { roleFromClaim } from '../../plugins/operator.js';
import type { HtmlReply } from '../../plugins/page.js';
import { sharedRateLimitStore, windowCounterOf } from '../../plugins/rate-limit-store.js';
import { beginLogin, beginSession, endSession, takeLogin } from '../../plugins/session.js';
import { newSessionId } from '../../sessions/index.js';
import { get, post } from '../register.js';
import { routes } from '../table.js';
import {
  claimValues,
  clearNoAccessCookie,
  groupsGivingAccess,
  noAccessCookie,
  readNoAccess,
} from './no-access.js';

const SIGN_IN_WINDOW = { max: 30, timeWindow: '1 minute' } as const;

/** What the rate limiter throws, so the handler below can say what happened. */
class TooManySignIns extends Error {
  readonly statusCode = 429;
  constructor(readonly after: string) {
    super(`Too many sign-in attempts; try again in ${after}.`);
    this.name = 'TooManySignIns';
  }
}

export default async function authRoutes(app: FastifyInstance) {
  const { publicUrl, oidc: settings, session: sessionSettings } = app.config;
  const redirectUri = new URL(routes.auth.callback.href(), publicUrl).href;
  const signedOutUri = new URL(routes.auth.signedOut.href(), publicUrl).href;

  // Sign-in and its return are what an attacker would hammer: limited per client address,
  // counted in Redis when sessions are there (one limit across replicas), else in memory.
  const counter = app.config.session.redisUrl ? windowCounterOf(app.sessions) : undefined;
  await app.register(rateLimit, {
    global: false,
    ...(counter ? { store: sharedRateLimitStore(counter, app.log) } : {}),
    errorResponseBuilder: (_request, context) => new TooManySignIns(context.after),
  });
  // Before the routes, which take the handler of their context when they are declared.
  app.setErrorHandler(async (err, request, reply) => {
    if (!(err instanceof TooManySignIns)) throw err; // the console's own handler
    request.log.warn({ ip: request.ip, url: request.url }, 'sign-in rate limit reached');
    return reply.errorPage({
      status: 429,
      title: 'Too many sign-in attempts',
      message: `Sign-in was tried too often from your address. Try again in ${err.after}.`,
      serverFault: false,
    });
  });

  const problem = (reply: HtmlReply, status: number, title: string, message: string) =>
    reply.code(status).page({
      area: undefined,
      title,
      body: () => <SignInProblem title={title} message={message} />,
    });

  get(
    app,
    routes.auth.signIn,
    {
      query: z.object({ return: z.unknown().optional() }),
      config: { public: true, rateLimit: SIGN_IN_WINDOW },
      // A HEAD route would have a rate-limit count of its own: another 30 tries a minute.
      exposeHeadRoute: false,
    },
    async function signIn(request, reply) {
      const returnTo = safeReturnTo(request.query.return);
      if (request.consoleSession) return reply.navigate(returnTo);
      let config: oidc.Configuration;
      try {
        config = await app.oidcConfiguration();
      } catch (err) {
        request.log.error({ err }, 'identity provider discovery failed');
        return problem(
          reply,
          503,
          'Identity provider unreachable',
          'Sign-in is not possible right now. Try again in a moment.',
        );
      }
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      // Beside sign-ins this browser started in other tabs, which keep theirs.
      beginLogin(request, { state, nonce, codeVerifier, returnTo, startedAt: Date.now() });
      const parameters: Record<string, string> = {
        redirect_uri: redirectUri,
        scope: settings.scopes,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      };
      if (settings.audience) parameters.resource = settings.audience;
      // The identity provider's own address, from its discovered metadata.
      return reply.navigate(trustedUrl(oidc.buildAuthorizationUrl(config, parameters).href));
    },
  );

  get(
    app,
    routes.auth.callback,
    {
      query: z.object({ state: z.unknown().optional() }),
      config: { public: true, rateLimit: SIGN_IN_WINDOW },
      exposeHeadRoute: false,
    },
    async function signInCallback(request, reply) {
      // This return's own sign-in (other tabs may have theirs pending), taken out of the cookie:
      // one use only, whatever happens next.
      const taken = takeLogin(request, request.query.state);
      if ('problem' in taken) {
        return taken.problem === 'expired'
          ? problem(
              reply,
              400,
              'Sign-in expired',
              'This sign-in was not started here or took too long. Start again.',
            )
          : problem(
              reply,
              400,
              'Sign-in failed',
              'This answer does not belong to a sign-in started in this browser. Start again.',
            );
      }
      const { state, nonce, codeVerifier } = taken.login;
      const returnTo = safeReturnTo(taken.login.returnTo);
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        const config = await app.oidcConfiguration();
        // The URL the identity provider sent the browser to, rebuilt from the configured
        // public URL, never from Host or X-Forwarded-* headers.
        const currentUrl = new URL(request.url, publicUrl);
        tokens = await oidc.authorizationCodeGrant(
          config,
          currentUrl,
          {
            pkceCodeVerifier: codeVerifier,
            expectedState: state,
            expectedNonce: nonce,
            idTokenExpected: true,
          },
          settings.audience ? { resource: settings.audience } : undefined,
        );
      } catch (err) {
        request.log.warn({ err }, 'sign-in callback refused');
        return problem(
          reply,
          400,
          'Sign-in failed',
          'The identity provider’s answer could not be verified. Start again.',
        );
      }
      const claims = tokens.claims();
      if (!claims) {
        return problem(reply, 400, 'Sign-in failed', 'No ID token came back. Start again.');
      }
      const username = String(claims.preferred_username ?? claims.email ?? claims.sub);
      const name = String(claims.name ?? username);
      const role = roleFromClaim(claims[settings.roleClaim], settings.roleMapping);
      if (!role) {
        request.log.info({ subject: claims.sub, username }, 'signed in without a console role');
        // This return is single-use: the page that explains lives at a stable address, and
        // reads who signed in from a short-lived record (no token, no console session).
        reply.header(
          'set-cookie',
          noAccessCookie(app, { name, username, groups: claimValues(claims[settings.roleClaim]) }),
        );
        return reply.seeOther(routes.auth.noAccess.href());
      }
      const now = Date.now();
      // A fresh id at every sign-in: a session id planted before sign-in is worth nothing.
      const previous = request.sessionCookie.get('sid');
      if (previous) await app.sessions.delete(previous);
      await beginSession(request, {
        id: newSessionId(),
        subject: claims.sub,
        username,
        name,
        role,
        accessToken: tokens.access_token,
        accessTokenExpiresAt: now + (tokens.expiresIn() ?? 300) * 1000,
        ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
        idToken: tokens.id_token ?? '',
        createdAt: now,
        lastSeenAt: now,
        absoluteExpiresAt: now + sessionSettings.absoluteTimeoutMs,
        idleTimeoutMs: sessionSettings.idleTimeoutMs,
        ip: request.ip,
        userAgent: String(request.headers['user-agent'] ?? '').slice(0, 256),
      });
      request.log.info({ username, role }, 'signed in');
      reply.header('set-cookie', clearNoAccessCookie(app));
      return reply.document(() => <ContinuePage returnTo={returnTo} />);
    },
  );

  post(app, routes.auth.signOut, {}, async function signOut(request, reply) {
    await endSession(request);
    let target = signedOutUri;
    try {
      const config = await app.oidcConfiguration();
      if (config.serverMetadata().end_session_endpoint) {
        // client_id, not id_token_hint: a token in a URL ends up in the browser's history, the
        // identity provider's access logs and any proxy's. The provider asks before signing out.
        target = oidc.buildEndSessionUrl(config, {
          client_id: settings.clientId,
          post_logout_redirect_uri: signedOutUri,
        }).href;
      }
    } catch (err) {
      // Signed out here regardless; the identity provider's session ends when it is back.
      request.log.warn({ err }, 'sign-out: identity provider unreachable');
    }
    // Read-only pages may stay in the browser's cache for revalidation (ETag, `private,
    // no-cache`): signing out wipes them, so the next person at this browser finds none.
    return reply.header('clear-site-data', '"cache"').navigate(trustedUrl(target));
  });

  get(
    app,
    routes.auth.noAccess,
    { config: { public: true } },
    async function showNoAccess(request, reply) {
      const record = readNoAccess(request);
      if (!record) {
        return reply.page({
          area: undefined,
          title: 'No access',
          subtitle: 'This page no longer shows who signed in.',
          body: () => <NoAccessExpired />,
        });
      }
      let signOutUrl: Url | undefined;
      try {
        const config = await app.oidcConfiguration();
        signOutUrl = config.serverMetadata().end_session_endpoint
          ? trustedUrl(
              oidc.buildEndSessionUrl(config, {
                // client_id, not id_token_hint: this link is in the page, and tokens never are.
                client_id: settings.clientId,
                post_logout_redirect_uri: signedOutUri,
              }).href,
            )
          : undefined;
      } catch (err) {
        request.log.warn({ err }, 'no-access page: identity provider unreachable');
      }
      return reply.code(403).page({
        area: undefined,
        title: 'No access',
        body: () => (
          <NoAccess
            record={record}
            claim={settings.roleClaim}
            giving={groupsGivingAccess(settings.roleMapping)}
            signOutUrl={signOutUrl}
          />
        ),
      });
    },
  );

  get(
    app,
    routes.auth.signedOut,
    { config: { public: true } },
    async function signedOut(_request, reply) {
      return reply.page({
        area: undefined,
        title: 'Signed out',
        subtitle: 'Your console session has ended.',
        body: () => <SignedOut />,
      });
    },
  );
}
