// The demo identity provider: a real OpenID Connect issuer (oidc-provider) with the demo's
// operators, a plain sign-in page and RP-initiated logout. Started by the demo (`npm start`,
// `npm run dev`) and by tests only — never by `serve` mode, which talks to a real issuer.
// A little over 300 lines: oidc-provider's configuration is one object (clients, claims, TTLs,
// features, logout), and it reads best whole; the pages and adapter are already apart.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import {
  type Account,
  type Configuration,
  errors,
  type KoaContextWithOIDC,
  Provider,
} from 'oidc-provider';
import {
  clientMetadata,
  type IdentityProviderClient,
  type IdentityProviderServiceClient,
  serviceClientMetadata,
} from './clients.js';
import { handleInteraction, INTERACTION_ROUTE, PAGE_HEADERS } from './interactions.js';
import { createMemoryAdapter } from './memory-adapter.js';
import {
  ICON,
  ICON_PATH,
  LogoutPage,
  ProblemPage,
  SignedOutPage,
  STYLESHEET,
  STYLESHEET_PATH,
} from './pages.js';
import { type DemoUser, findUser } from './users.js';

export type { IdentityProviderClient, IdentityProviderServiceClient } from './clients.js';
export { DEMO_USERS, type DemoUser } from './users.js';

export interface IdentityProviderOptions {
  /** Listen address; default '127.0.0.1'. */
  host?: string;
  /** Host name in the issuer URL; default 'localhost' (cross-site from the console's 127.0.0.1). */
  hostname?: string;
  /** Default 0: any free port. */
  port?: number;
  clients: IdentityProviderClient[];
  /** Clients acting as themselves (client-credentials grant); default none. */
  serviceClients?: IdentityProviderServiceClient[];
  /** The `aud` of every access token; default 'prism-admin'. */
  audience?: string;
  /** Default 300. */
  accessTokenTtlSeconds?: number;
  /** Default 12 hours. */
  refreshTokenTtlSeconds?: number;
}

export interface DemoIdentityProvider {
  /** For example 'http://localhost:45678' (no trailing slash). */
  readonly issuer: string;
  readonly jwksUri: string;
  /**
   * The resource indicator (RFC 8707) standing for the audience. Clients need not send it: every
   * authorization defaults to it. A `resource` parameter must be an absolute URI, so an audience
   * like 'prism-admin' is indicated as 'urn:prism-admin'.
   */
  readonly resource: string;
  /** Closes the listener and every connection. */
  stop(): Promise<void>;
}

/** What the pages link to, served by this server itself. */
const ASSETS: ReadonlyMap<string, { type: string; body: string }> = new Map([
  [STYLESHEET_PATH, { type: 'text/css; charset=utf-8', body: STYLESHEET }],
  [ICON_PATH, { type: 'image/svg+xml', body: ICON }],
]);

const TWELVE_HOURS = 12 * 60 * 60;
const ID_TOKEN_TTL = 60 * 60;
const INTERACTION_TTL = 10 * 60;

export async function startIdentityProvider(
  options: IdentityProviderOptions,
): Promise<DemoIdentityProvider> {
  const host = options.host ?? '127.0.0.1';
  const hostname = options.hostname ?? 'localhost';
  const audience = options.audience ?? 'prism-admin';
  const resource = URL.canParse(audience) ? audience : `urn:${audience}`;
  const accessTokenTtl = options.accessTokenTtlSeconds ?? 300;
  const refreshTokenTtl = options.refreshTokenTtlSeconds ?? TWELVE_HOURS;

  const config = await configuration({
    audience,
    resource,
    accessTokenTtl,
    refreshTokenTtl,
    options,
  });

  // The issuer holds the port, known once listening: nobody can know the address before then,
  // so the placeholder handler only answers a stray connection.
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.writeHead(503).end();
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${hostname}:${port}`;

  let provider: Provider;
  try {
    provider = new Provider(issuer, config);
    // Static clients are checked when first used; a demo with a mistyped redirect URI should
    // not start at all.
    for (const client of [...options.clients, ...(options.serviceClients ?? [])]) {
      await provider.Client.find(client.clientId);
    }
  } catch (error) {
    server.close();
    // oidc-provider's message is the error code; the description says what is wrong.
    const description = (error as { error_description?: string }).error_description;
    throw description ? new Error(`identity provider: ${description}`, { cause: error }) : error;
  }
  // Errors the provider answers itself (bad requests) are the client's business; its own faults
  // are reported on stderr like any other demo component's.
  provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) => {
    console.error('identity provider: server error', error);
  });
  const callback = provider.callback();

  handler = (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const asset = ASSETS.get(path);
    if (asset && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, {
        'content-type': asset.type,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : asset.body);
      return;
    }
    const interaction = INTERACTION_ROUTE.exec(path);
    if (interaction?.[1]) {
      handleInteraction(provider, req, res, interaction[1], interaction[2]).catch((error) => {
        console.error('identity provider: interaction failed', error);
        if (!res.headersSent) res.writeHead(500, PAGE_HEADERS);
        res.end();
      });
      return;
    }
    callback(req, res);
  };

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    resource,
    async stop() {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

interface ConfigurationInput {
  audience: string;
  resource: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  options: IdentityProviderOptions;
}

function accountFor(user: DemoUser): Account {
  return {
    accountId: user.username,
    // oidc-provider hands out only the claims of the granted scopes (see `claims` below).
    claims: () => ({
      sub: user.username,
      preferred_username: user.username,
      name: user.name,
      email: user.email,
      email_verified: true,
      groups: [...user.groups],
    }),
  };
}

async function configuration(input: ConfigurationInput): Promise<Configuration> {
  const { audience, resource, accessTokenTtl, refreshTokenTtl, options } = input;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = {
    ...(await exportJWK(privateKey)),
    kid: randomBytes(8).toString('hex'),
    alg: 'RS256',
    use: 'sig',
  };

  const serviceGroups = new Map(
    (options.serviceClients ?? []).map((client) => [client.clientId, client.groups]),
  );
  const clientName = (ctx: KoaContextWithOIDC) =>
    ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId;

  return {
    adapter: createMemoryAdapter(),
    clients: [
      ...options.clients.map(clientMetadata),
      ...(options.serviceClients ?? []).map(serviceClientMetadata),
    ],
    jwks: { keys: [signingKey] },
    cookies: {
      // Random per start: a restarted demo forgets its sessions anyway.
      keys: [randomBytes(32).toString('base64url')],
      // Own names, so they cannot collide with another app's cookies on the same host name.
      names: {
        session: 'prism_idp_session',
        interaction: 'prism_idp_interaction',
        resume: 'prism_idp_resume',
      },
    },
    findAccount: (_ctx, sub) => {
      const user = findUser(sub);
      return user ? accountFor(user) : undefined;
    },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'groups'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
      groups: ['groups'],
    },
    // The ID token carries the profile, email and groups claims, not only the userinfo endpoint.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    clientBasedCORS: () => false,
    responseTypes: ['code'],
    features: {
      devInteractions: { enabled: false },
      // Service clients only (their metadata allows no other grant; operators' clients not this).
      clientCredentials: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          setPageHeaders(ctx);
          ctx.body = await LogoutPage({ safeHtmlLogoutForm: form, clientName: clientName(ctx) });
        },
        postLogoutSuccessSource: async (ctx) => {
          setPageHeaders(ctx);
          ctx.body = await SignedOutPage({ clientName: clientName(ctx) });
        },
      },
      resourceIndicators: {
        enabled: true,
        // Every authorization is for the control plane, asked for or not: the client-credentials
        // grant too, so a service client gets the same JWT with or without a `resource`.
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== resource) throw new errors.InvalidTarget();
          return {
            scope: '',
            audience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: accessTokenTtl,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    extraTokenClaims: (_ctx, token) => {
      if (token.kind === 'ClientCredentials') {
        const groups = token.clientId ? serviceGroups.get(token.clientId) : undefined;
        return groups ? { groups: [...groups] } : undefined;
      }
      const user = token.kind === 'AccessToken' ? findUser(token.accountId) : undefined;
      if (!user) return undefined;
      return { preferred_username: user.username, name: user.name, groups: [...user.groups] };
    },
    // A refresh token with every code, without asking for offline_access; each use rotates it,
    // and a used one presented again revokes the whole grant.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: {
      AccessToken: accessTokenTtl,
      ClientCredentials: accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: ID_TOKEN_TTL,
      RefreshToken: refreshTokenTtl,
      Interaction: INTERACTION_TTL,
      Session: refreshTokenTtl,
      Grant: refreshTokenTtl,
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    renderError: async (ctx, out) => {
      setPageHeaders(ctx);
      ctx.body = await ProblemPage({
        title: 'Sign-in problem',
        message: out.error_description ?? 'The request could not be completed.',
        detail: out.error,
      });
    },
  };
}

function setPageHeaders(ctx: KoaContextWithOIDC): void {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) ctx.set(name, value);
  ctx.type = 'html';
}
