import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import {
  type ControlPlaneOptions,
  type DemoControlPlane,
  startControlPlane,
} from '../src/dev/control-plane/index.js';
import { freePort } from '../src/dev/free-port.js';
import {
  type DemoIdentityProvider,
  startIdentityProvider,
} from '../src/dev/identity-provider/index.js';
import { projectRoot } from '../src/project-root.js';
import type { SessionStore } from '../src/sessions/index.js';
import { signInAtIdentityProvider } from './sign-in.js';

export { freePort };

export type DemoUsername = 'admin' | 'operator' | 'viewer' | 'nobody';

/** A console session as a test holds it: its cookie, CSRF token and access token. */
export interface SignedIn {
  username: DemoUsername;
  cookie: string;
  csrfToken: string;
  accessToken: string;
  /** app.inject with this operator's cookie, CSRF header and same-origin Origin. */
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
}

export interface Stack {
  controlPlane: DemoControlPlane;
  identityProvider: DemoIdentityProvider;
  app: FastifyInstance;
  /** The console's public URL; `listen(app)` serves it there. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /**
   * The console's own client at the identity provider (client-credentials grant, viewer rights),
   * in env as SERVICE_CLIENT_ID / SERVICE_CLIENT_SECRET; undefined with `serviceClient: false`.
   */
  serviceClient: { clientId: string; clientSecret: string } | undefined;
  /** The console's whole configuration, to start another process of it (a replica). */
  env: Record<string, string>;
  /** Signs in through the identity provider's sign-in page (over HTTP) as a demo user. */
  signIn(username: DemoUsername, app?: FastifyInstance): Promise<SignedIn>;
  /** The admin signed in at start: what tests about other things act as. */
  admin: SignedIn;
  /** Another console process on the same control plane and identity provider (a replica). */
  replica(options?: {
    sessionStore?: SessionStore;
    env?: Record<string, string>;
  }): Promise<FastifyInstance>;
  close(): Promise<void>;
}

/** The console's service client, as the demo registers it (viewer rights). */
export const SERVICE_CLIENT_ID = 'prism-console-service';

export const PASSWORDS: Record<DemoUsername, string> = {
  admin: 'admin-pass',
  operator: 'operator-pass',
  viewer: 'viewer-pass',
  nobody: 'nobody-pass',
};

/**
 * Another console on the stack's control plane and identity provider, logging at `level` into
 * `lines` (one JSON line each): for tests of what the logs say.
 */
export async function appLoggingTo(
  stack: Pick<Stack, 'env'>,
  level: 'debug' | 'info',
  lines: string[],
): Promise<FastifyInstance> {
  const app = await buildApp({
    config: loadConfig(stack.env),
    logger: { level, stream: { write: (line: string) => lines.push(line) } },
  });
  await app.ready();
  return app;
}

/** name=value of every cookie a response sets, as the browser sends them back (still encoded). */
function cookiesOf(response: LightMyRequestResponse): string[] {
  const header = response.headers['set-cookie'];
  const lines = Array.isArray(header) ? header : header ? [header] : [];
  return lines.map((line) => line.split(';')[0] ?? '').filter(Boolean);
}

/**
 * The console wired to a real demo control plane (HTTP/2, checking tokens) and a real demo
 * identity provider, with the admin signed in — what route and browser tests run against.
 * The simulator is off unless asked for, so what a test sees is what it did.
 */
export async function startStack(
  options: {
    env?: Record<string, string>;
    controlPlane?: ControlPlaneOptions;
    accessTokenTtlSeconds?: number;
    sessionStore?: SessionStore;
    /** Sign the admin in at start (default); off for tests of what a stranger gets. */
    signInAdmin?: boolean;
    /**
     * Serves axe-core at AXE_PATH (tests only; the console never serves it), so accessibility
     * tests load it from the console's own origin with the CSP on.
     */
    serveAxe?: boolean;
    /** false: no service client (SERVICE_CLIENT_* unset), as a console without one: pages poll. */
    serviceClient?: false;
    /**
     * Keep read answers between requests (the read cache's production setting). Off by default:
     * most tests arrange the demo's state directly, without the Watch event a real change brings,
     * so a kept answer would hide it. Coalescing of reads in flight stays on either way.
     */
    keepReads?: boolean;
  } = {},
): Promise<Stack> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const publicUrl = options.env?.PUBLIC_URL ?? baseUrl;
  const clientId = 'prism-console';
  const clientSecret = randomBytes(24).toString('base64url');
  const serviceClient =
    options.serviceClient === false
      ? undefined
      : { clientId: SERVICE_CLIENT_ID, clientSecret: randomBytes(24).toString('base64url') };
  const identityProvider = await startIdentityProvider({
    clients: [
      {
        clientId,
        clientSecret,
        redirectUris: [`${publicUrl}/auth/callback`],
        postLogoutRedirectUris: [`${publicUrl}/auth/signed-out`],
      },
    ],
    serviceClients: serviceClient ? [{ ...serviceClient, groups: ['prism-viewers'] }] : [],
    ...(options.accessTokenTtlSeconds
      ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds }
      : {}),
  });
  const controlPlane = await startControlPlane({
    simulate: false,
    auth: {
      issuer: identityProvider.issuer,
      audience: 'prism-admin',
      jwks: new URL(identityProvider.jwksUri),
    },
    ...options.controlPlane,
  });
  const sessionKey = randomBytes(32).toString('base64');
  const env = (extra: Record<string, string> = {}) => ({
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    CONTROL_PLANE_URL: controlPlane.url,
    CONTROL_PLANE_TIMEOUT_MS: '2000',
    OIDC_ISSUER: identityProvider.issuer,
    OIDC_CLIENT_ID: clientId,
    OIDC_CLIENT_SECRET: clientSecret,
    SESSION_KEY: sessionKey,
    ...(serviceClient
      ? {
          SERVICE_CLIENT_ID: serviceClient.clientId,
          SERVICE_CLIENT_SECRET: serviceClient.clientSecret,
        }
      : {}),
    LOG_LEVEL: 'silent',
    ...options.env,
    ...extra,
  });
  const app = await buildApp({
    config: loadConfig(env()),
    ...(options.sessionStore ? { sessionStore: options.sessionStore } : {}),
  });
  if (options.serveAxe) serveAxe(app);
  app.readCache.keepAnswers = options.keepReads ?? false;
  await app.ready();
  const replicas: FastifyInstance[] = [];

  async function signIn(username: DemoUsername, target: FastifyInstance = app): Promise<SignedIn> {
    const start = await target.inject({ url: '/auth/sign-in?return=/' });
    const authorizationUrl = start.headers.location;
    if (start.statusCode !== 303 || typeof authorizationUrl !== 'string') {
      throw new Error(`sign-in did not redirect: ${start.statusCode} ${start.body}`);
    }
    const callback = new URL(
      await signInAtIdentityProvider(
        authorizationUrl,
        username,
        PASSWORDS[username],
        `${publicUrl}/auth/callback`,
      ),
    );
    const done = await target.inject({
      url: `${callback.pathname}${callback.search}`,
      headers: { cookie: cookiesOf(start).join('; ') },
    });
    if (done.statusCode !== 200) throw new Error(`callback: ${done.statusCode} ${done.body}`);
    const cookie = cookiesOf(done).find((c) => c.startsWith('prism-session='));
    if (!cookie) throw new Error('no session cookie after sign-in');
    const sid = (await target.sessions.list()).find((s) => s.username === username)?.id;
    const session = sid ? await target.sessions.get(sid) : undefined;
    const page = await target.inject({ url: '/', headers: { cookie } });
    const csrfToken = /hx-headers="\{&#34;X-CSRF-Token&#34;:&#34;([^&]+)&#34;\}"/.exec(
      page.body,
    )?.[1];
    if (!session || !csrfToken) throw new Error('signed in, but no session or CSRF token');
    return {
      username,
      cookie,
      csrfToken,
      accessToken: session.accessToken,
      inject: (opts) =>
        target.inject({
          ...opts,
          headers: {
            cookie,
            'x-csrf-token': csrfToken,
            origin: publicUrl,
            ...(opts.headers as Record<string, string> | undefined),
          },
        }),
    };
  }

  const admin: SignedIn =
    options.signInAdmin === false
      ? new Proxy({} as SignedIn, {
          get() {
            throw new Error('this stack was started without signing the admin in');
          },
        })
      : await signIn('admin');
  return {
    controlPlane,
    identityProvider,
    app,
    baseUrl,
    clientId,
    clientSecret,
    serviceClient,
    env: env(),
    signIn,
    admin,
    async replica(replicaOptions = {}) {
      const replica = await buildApp({
        config: loadConfig(env(replicaOptions.env)),
        ...(replicaOptions.sessionStore ? { sessionStore: replicaOptions.sessionStore } : {}),
      });
      replica.readCache.keepAnswers = options.keepReads ?? false;
      await replica.ready();
      replicas.push(replica);
      return replica;
    },
    async close() {
      for (const replica of replicas) await replica.close();
      await app.close();
      await controlPlane.stop();
      await identityProvider.stop();
    },
  };
}

/** Where a stack started with `serveAxe` serves axe-core (a path outside the route table). */
export const AXE_PATH = '/__test__/axe.min.js';

/** A public route for axe-core's script, added to a test app only (see `serveAxe`). */
function serveAxe(app: FastifyInstance): void {
  const script = readFileSync(join(projectRoot(), 'node_modules', 'axe-core', 'axe.min.js'));
  app.get(AXE_PATH, { config: { public: true } }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-store').send(script),
  );
}

/** Listens on the stack's public URL (its port), for browser tests; returns that URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: app.config.port });
  return app.config.publicUrl.origin;
}
