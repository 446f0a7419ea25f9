import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DEMO_USERS,
  type DemoIdentityProvider,
  startIdentityProvider,
} from '../../../src/dev/identity-provider/index.js';
import {
  authorizationUrl,
  authorize,
  CookieJar,
  exchangeCode,
  followWithin,
  type TokenResponse,
  tokenRequest,
} from './flow.js';

const client = {
  clientId: 'prism-console',
  clientSecret: 'console-secret',
  redirectUri: 'http://127.0.0.1:3000/auth/callback',
};

let idp: DemoIdentityProvider;
let jwks: ReturnType<typeof createRemoteJWKSet>;
const consoleOutput = [
  vi.spyOn(console, 'log'),
  vi.spyOn(console, 'info'),
  vi.spyOn(console, 'warn'),
  vi.spyOn(console, 'error'),
];

beforeAll(async () => {
  idp = await startIdentityProvider({
    clients: [
      {
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        redirectUris: [client.redirectUri],
        postLogoutRedirectUris: ['http://127.0.0.1:3000/auth/signed-out'],
      },
    ],
  });
  jwks = createRemoteJWKSet(new URL(idp.jwksUri));
});

afterAll(async () => {
  await idp?.stop();
});

async function signIn(username = 'admin', password = `${username}-pass`) {
  const authorization = await authorize(idp.issuer, { ...client, username, password });
  const tokens = await exchangeCode(idp.issuer, client, authorization);
  return { authorization, tokens };
}

function verifyAccessToken(token: string) {
  return jwtVerify(token, jwks, {
    issuer: idp.issuer,
    audience: 'prism-admin',
    algorithms: ['RS256'],
    typ: 'at+jwt',
  });
}

describe('discovery', () => {
  it('describes a code-flow issuer with PKCE S256, both secret methods, groups and logout', async () => {
    const response = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;

    expect(idp.issuer).toMatch(/^http:\/\/localhost:\d+$/);
    expect(metadata.issuer).toBe(idp.issuer);
    expect(metadata.jwks_uri).toBe(idp.jwksUri);
    expect(metadata.authorization_endpoint).toBe(`${idp.issuer}/auth`);
    expect(metadata.token_endpoint).toBe(`${idp.issuer}/token`);
    expect(metadata.end_session_endpoint).toBe(`${idp.issuer}/session/end`);
    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
    );
    expect(metadata.scopes_supported).toEqual(
      expect.arrayContaining(['openid', 'profile', 'email', 'groups']),
    );
    expect(metadata.claims_supported).toEqual(
      expect.arrayContaining(['sub', 'preferred_username', 'name', 'email', 'groups']),
    );
    expect(metadata.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token']),
    );
  });

  it('publishes one RS256 signing key, public only', async () => {
    const { keys } = (await (await fetch(idp.jwksUri)).json()) as {
      keys: Record<string, string>[];
    };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(keys[0]).not.toHaveProperty('d');
  });
});

describe('authorization code flow with PKCE', () => {
  it('gives a JWT access token for prism-admin with the operator claims, and an ID token', async () => {
    const { authorization, tokens } = await signIn('admin');

    const callback = new URL(authorization.callbackUrl);
    expect(`${callback.origin}${callback.pathname}`).toBe(client.redirectUri);
    expect(callback.searchParams.get('iss')).toBe(idp.issuer);
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.expires_in).toBe(300);
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const access = await verifyAccessToken(tokens.access_token);
    expect(access.protectedHeader.alg).toBe('RS256');
    expect(access.payload).toMatchObject({
      iss: idp.issuer,
      aud: 'prism-admin',
      sub: 'admin',
      preferred_username: 'admin',
      name: 'Ada Admin',
      groups: ['prism-admins'],
      client_id: client.clientId,
    });
    expect(Number(access.payload.exp) - Number(access.payload.iat)).toBe(300);

    const id = await jwtVerify(tokens.id_token ?? '', jwks, {
      issuer: idp.issuer,
      audience: client.clientId,
    });
    expect(id.payload).toMatchObject({
      sub: 'admin',
      nonce: authorization.nonce,
      preferred_username: 'admin',
      name: 'Ada Admin',
      email: 'admin@prism.example',
      groups: ['prism-admins'],
    });
  });

  it.each(DEMO_USERS.map((user) => [user.username, user] as const))(
    'carries the groups of %s',
    async (username, user) => {
      const { tokens } = await signIn(username, user.password);
      const { payload } = await verifyAccessToken(tokens.access_token);
      expect(payload.groups).toEqual(user.groups);
      expect(payload.name).toBe(user.name);
    },
  );

  it('accepts client_secret_post as well as client_secret_basic', async () => {
    const authorization = await authorize(idp.issuer, {
      ...client,
      username: 'viewer',
      password: 'viewer-pass',
    });
    const tokens = await exchangeCode(
      idp.issuer,
      { ...client, auth: 'client_secret_post' },
      authorization,
    );
    expect((await verifyAccessToken(tokens.access_token)).payload.sub).toBe('viewer');
  });

  it('gives an access token for prism-admin to a client naming the resource itself', async () => {
    const authorization = await authorize(idp.issuer, {
      ...client,
      username: 'operator',
      password: 'operator-pass',
      extra: { resource: idp.resource },
    });
    expect(idp.resource).toBe('urn:prism-admin');
    const tokens = await exchangeCode(idp.issuer, client, authorization);
    expect((await verifyAccessToken(tokens.access_token)).payload.aud).toBe('prism-admin');
  });

  it('refuses a resource it does not serve', async () => {
    const prepared = authorizationUrl(idp.issuer, {
      ...client,
      extra: { resource: 'https://elsewhere.example/api' },
    });
    const response = await fetch(prepared.url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '', idp.issuer);
    expect(location.searchParams.get('error')).toBe('invalid_target');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('uses a code once', async () => {
    const { authorization } = await signIn('viewer');
    const again = await tokenRequest(idp.issuer, client, {
      grant_type: 'authorization_code',
      code: authorization.code,
      code_verifier: authorization.codeVerifier,
      redirect_uri: client.redirectUri,
    });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });

  it('refuses a wrong client secret', async () => {
    const authorization = await authorize(idp.issuer, {
      ...client,
      username: 'viewer',
      password: 'viewer-pass',
    });
    const answer = await tokenRequest(
      idp.issuer,
      { ...client, clientSecret: 'not-the-secret' },
      {
        grant_type: 'authorization_code',
        code: authorization.code,
        code_verifier: authorization.codeVerifier,
        redirect_uri: client.redirectUri,
      },
    );
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('invalid_client');
  });
});

describe('PKCE', () => {
  it('refuses an authorization request without a code challenge', async () => {
    const prepared = authorizationUrl(idp.issuer, {
      ...client,
      extra: { code_challenge: undefined, code_challenge_method: undefined },
    });
    const { response } = await followWithin(new CookieJar(), prepared.url);
    const location = new URL(response.headers.get('location') ?? '', idp.issuer);
    expect(response.status).toBe(303);
    expect(`${location.origin}${location.pathname}`).toBe(client.redirectUri);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
    expect(location.searchParams.get('code')).toBeNull();
    expect(location.searchParams.get('state')).toBe(prepared.state);
  });

  it('refuses the plain method', async () => {
    const prepared = authorizationUrl(idp.issuer, {
      ...client,
      extra: { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' },
    });
    const response = await fetch(prepared.url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '', idp.issuer);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('refuses a code exchanged with the wrong verifier, or none', async () => {
    const authorization = await authorize(idp.issuer, {
      ...client,
      username: 'admin',
      password: 'admin-pass',
    });
    const params = {
      grant_type: 'authorization_code',
      code: authorization.code,
      redirect_uri: client.redirectUri,
    };
    const none = await tokenRequest(idp.issuer, client, params);
    expect(none.status).toBe(400);
    expect(none.body.error).toBe('invalid_grant');

    const other = await authorize(idp.issuer, {
      ...client,
      username: 'admin',
      password: 'admin-pass',
    });
    const wrong = await tokenRequest(idp.issuer, client, {
      ...params,
      code: other.code,
      code_verifier: authorization.codeVerifier,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');
  });
});

describe('refresh tokens', () => {
  async function refresh(refreshToken: string, auth?: 'client_secret_post') {
    return tokenRequest(
      idp.issuer,
      { ...client, auth },
      { grant_type: 'refresh_token', refresh_token: refreshToken },
    );
  }

  it('give a new access token and a new refresh token; the used one is refused', async () => {
    const { tokens } = await signIn('operator');
    const first = tokens.refresh_token ?? '';

    const renewed = await refresh(first);
    expect(renewed.status).toBe(200);
    const next = renewed.body as unknown as TokenResponse;
    expect(next.access_token).not.toBe(tokens.access_token);
    expect(next.refresh_token).toEqual(expect.any(String));
    expect(next.refresh_token).not.toBe(first);
    const { payload } = await verifyAccessToken(next.access_token);
    expect(payload).toMatchObject({
      aud: 'prism-admin',
      sub: 'operator',
      preferred_username: 'operator',
      groups: ['prism-operators'],
    });

    const replayed = await refresh(first);
    expect(replayed.status).toBe(400);
    expect(replayed.body.error).toBe('invalid_grant');
  });

  it('revoke the whole chain when a used one comes back', async () => {
    const { tokens } = await signIn('viewer');
    const renewed = await refresh(tokens.refresh_token ?? '', 'client_secret_post');
    expect(renewed.status).toBe(200);
    expect((await refresh(tokens.refresh_token ?? '')).status).toBe(400);
    // Reuse means the token leaked: the rotated one is revoked with it.
    const after = await refresh(String(renewed.body.refresh_token));
    expect(after.status).toBe(400);
    expect(after.body.error).toBe('invalid_grant');
  });

  it('are refused to another client', async () => {
    const { tokens } = await signIn('admin');
    const answer = await tokenRequest(
      idp.issuer,
      { clientId: 'someone-else', clientSecret: 'x' },
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '' },
    );
    expect(answer.status).toBe(401);
  });
});

describe('configuration', () => {
  it('takes the audience and token lifetimes from its options', async () => {
    const other = await startIdentityProvider({
      clients: [{ ...client, redirectUris: [client.redirectUri], postLogoutRedirectUris: [] }],
      audience: 'https://control-plane.example',
      accessTokenTtlSeconds: 5,
    });
    try {
      const authorization = await authorize(other.issuer, {
        ...client,
        username: 'admin',
        password: 'admin-pass',
      });
      const tokens = await exchangeCode(other.issuer, client, authorization);
      expect(tokens.expires_in).toBe(5);
      const { payload } = await jwtVerify(
        tokens.access_token,
        createRemoteJWKSet(new URL(other.jwksUri)),
        {
          issuer: other.issuer,
          audience: 'https://control-plane.example',
        },
      );
      expect(Number(payload.exp) - Number(payload.iat)).toBe(5);
      // Keys are made per start: another issuer's key does not verify this token.
      expect(decodeProtectedHeader(tokens.access_token).kid).not.toBe(
        decodeProtectedHeader((await signIn('admin')).tokens.access_token).kid,
      );
    } finally {
      await other.stop();
    }
  });

  it('listens where asked and names itself by the given host name', async () => {
    const other = await startIdentityProvider({ clients: [], hostname: '127.0.0.1' });
    try {
      expect(other.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const metadata = (await (
        await fetch(`${other.issuer}/.well-known/openid-configuration`)
      ).json()) as { issuer: string };
      expect(metadata.issuer).toBe(other.issuer);
    } finally {
      await other.stop();
    }
  });

  it('refuses to start with a client it could not serve', async () => {
    await expect(
      startIdentityProvider({
        clients: [
          {
            clientId: 'c',
            clientSecret: 's',
            redirectUris: ['not a url'],
            postLogoutRedirectUris: [],
          },
        ],
      }),
    ).rejects.toThrow(/redirect_uris/);
  });

  it('stops at once, keep-alive connections and all', async () => {
    const other = await startIdentityProvider({ clients: [] });
    await fetch(`${other.issuer}/.well-known/openid-configuration`); // leaves a kept-alive socket
    const started = performance.now();
    await other.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(fetch(`${other.issuer}/jwks`)).rejects.toThrow();
  });

  it('writes nothing to the console while serving (no oidc-provider development notices)', () => {
    for (const spy of consoleOutput) expect(spy).not.toHaveBeenCalled();
  });
});
