/*
 * A deliberately simple OpenID provider for negative tests: it signs in whoever asks (the
 * authorization endpoint redirects straight back with a code) and lets a test spoil what it
 * answers — the ID token's issuer, audience or nonce, the key it is signed with, the size of
 * the tokens — to show that the console refuses what it must not trust. It checks what a real
 * provider checks of the client (secret, PKCE, redirect URI, one use per code), so a correct
 * answer signs in and the refusals are the console's own doing.
 */

import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import {
  exportJWK,
  generateKeyPair,
  type CryptoKey as JoseKey,
  type JWTPayload,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

export interface Tamper {
  /** Rewrites the ID token's claims just before signing. */
  claims?: (claims: JWTPayload) => JWTPayload;
  /** Signs the ID token with a key that is not in the JWKS. */
  foreignKey?: boolean;
  /** An unsigned ID token (`alg: none`). */
  unsigned?: boolean;
  /** Answers the token request without an ID token. */
  noIdToken?: boolean;
}

export interface RogueIssuerOptions {
  clientId: string;
  clientSecret: string;
  /** Groups claim of the signed-in user; default ['prism-admins']. */
  groups?: string[];
  /** Pads the access, refresh and ID tokens with this many characters (large-token tests). */
  tokenPadding?: number;
}

export interface RogueIssuer {
  /** http://127.0.0.1:<port>, no trailing slash. */
  readonly issuer: string;
  /** What the next token answers spoil; reset it after each test. */
  tamper: Tamper;
  /** Every token answer so far, newest last (so a test can search pages for the tokens). */
  readonly issued: { access_token: string; refresh_token: string; id_token?: string }[];
  /** Token requests refused (a reused code, a wrong verifier...), with why. */
  readonly refusals: string[];
  stop(): Promise<void>;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  nonce: string | undefined;
  codeChallenge: string;
  used: boolean;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

export async function startRogueIssuer(options: RogueIssuerOptions): Promise<RogueIssuer> {
  const signing = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256');
  const kid = 'rogue-1';
  const publicJwk = { ...(await exportJWK(signing.publicKey)), kid, alg: 'RS256', use: 'sig' };
  const codes = new Map<string, PendingCode>();
  const padding = 'p'.repeat(options.tokenPadding ?? 0);

  const server = createServer((request, response) => {
    handle(request, response).catch((err: unknown) => {
      json(response, 500, { error: 'server_error', error_description: String(err) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const rogue: RogueIssuer = {
    issuer,
    tamper: {},
    issued: [],
    refusals: [],
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };

  async function signIdToken(claims: JWTPayload): Promise<string> {
    if (rogue.tamper.unsigned) return new UnsecuredJWT(claims).encode();
    const key: JoseKey = rogue.tamper.foreignKey ? foreign.privateKey : signing.privateKey;
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(key);
  }

  async function token(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(request));
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const [id, secret] = basic
      ? Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent)
      : [];
    const refuse = (why: string, error = 'invalid_grant') => {
      rogue.refusals.push(why);
      json(response, error === 'invalid_client' ? 401 : 400, {
        error,
        error_description: why,
      });
    };
    if (id !== options.clientId || secret !== options.clientSecret) {
      return refuse('client authentication failed', 'invalid_client');
    }
    if (form.get('grant_type') !== 'authorization_code') {
      return refuse('only authorization_code', 'unsupported_grant_type');
    }
    const pending = codes.get(form.get('code') ?? '');
    if (!pending) return refuse('unknown code');
    if (pending.used) return refuse('code already used');
    pending.used = true;
    if (pending.redirectUri !== form.get('redirect_uri')) return refuse('redirect_uri differs');
    const challenge = createHash('sha256')
      .update(form.get('code_verifier') ?? '')
      .digest('base64url');
    if (challenge !== pending.codeChallenge) return refuse('PKCE verifier does not match');

    const now = Math.floor(Date.now() / 1000);
    const claims: JWTPayload = {
      iss: issuer,
      sub: 'rogue-user',
      aud: pending.clientId,
      iat: now,
      exp: now + 300,
      ...(pending.nonce ? { nonce: pending.nonce } : {}),
      preferred_username: 'rita',
      name: 'Rita Rogue',
      groups: options.groups ?? ['prism-admins'],
      ...(padding ? { padding } : {}),
    };
    const idToken = rogue.tamper.noIdToken
      ? undefined
      : await signIdToken(rogue.tamper.claims ? rogue.tamper.claims(claims) : claims);
    const answer = {
      access_token: `rogue-access-${randomBytes(16).toString('base64url')}${padding}`,
      refresh_token: `rogue-refresh-${randomBytes(16).toString('base64url')}${padding}`,
      ...(idToken ? { id_token: idToken } : {}),
    };
    rogue.issued.push(answer);
    json(response, 200, { ...answer, token_type: 'Bearer', expires_in: 300 });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', issuer);
    if (request.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      return json(response, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        end_session_endpoint: `${issuer}/logout`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
        scopes_supported: ['openid', 'profile', 'email', 'groups'],
      });
    }
    if (request.method === 'GET' && url.pathname === '/jwks') {
      return json(response, 200, { keys: [publicJwk] });
    }
    if (request.method === 'GET' && url.pathname === '/authorize') {
      const q = url.searchParams;
      const redirectUri = q.get('redirect_uri');
      const state = q.get('state');
      const challenge = q.get('code_challenge');
      if (
        q.get('client_id') !== options.clientId ||
        q.get('response_type') !== 'code' ||
        q.get('code_challenge_method') !== 'S256' ||
        !redirectUri ||
        !challenge
      ) {
        return json(response, 400, { error: 'invalid_request' });
      }
      const code = randomBytes(24).toString('base64url');
      codes.set(code, {
        clientId: options.clientId,
        redirectUri,
        nonce: q.get('nonce') ?? undefined,
        codeChallenge: challenge,
        used: false,
      });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      if (state !== null) back.searchParams.set('state', state);
      response.writeHead(302, { location: back.href });
      response.end();
      return;
    }
    if (request.method === 'POST' && url.pathname === '/token') return token(request, response);
    json(response, 404, { error: 'not_found' });
  }

  return rogue;
}

/** A console (not listening) whose identity provider is `rogue`. */
export async function consoleFor(
  rogue: RogueIssuer,
  options: { clientId: string; clientSecret: string; env?: Record<string, string> },
): Promise<FastifyInstance> {
  const app = await buildApp({
    config: loadConfig({
      PUBLIC_URL: 'http://127.0.0.1:8000',
      // Never called by the sign-in flow; nothing listens there.
      CONTROL_PLANE_URL: 'http://127.0.0.1:9',
      OIDC_ISSUER: rogue.issuer,
      OIDC_CLIENT_ID: options.clientId,
      OIDC_CLIENT_SECRET: options.clientSecret,
      SESSION_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'silent',
      ...options.env,
    }),
  });
  await app.ready();
  return app;
}

export interface RogueSignIn {
  /** GET /auth/sign-in. */
  start: LightMyRequestResponse;
  /** The login cookie as sent back (name=value). */
  loginCookie: string;
  /** Path and query the rogue issuer sent the browser back to. */
  callback: string;
}

/** Starts a sign-in at `app` and follows the rogue issuer's redirect back (not the callback). */
export async function beginRogueSignIn(app: FastifyInstance, returnTo = '/'): Promise<RogueSignIn> {
  const start = await app.inject({ url: `/auth/sign-in?return=${encodeURIComponent(returnTo)}` });
  const location = start.headers.location;
  if (start.statusCode !== 303 || typeof location !== 'string') {
    throw new Error(`sign-in did not redirect: ${start.statusCode} ${start.body}`);
  }
  const loginCookie = (
    [start.headers['set-cookie'] ?? []].flat().find((line) => /prism-login=/.test(line)) ?? ''
  ).split(';')[0];
  if (!loginCookie) throw new Error('no login cookie');
  const authorize = await fetch(location, { redirect: 'manual' });
  const back = authorize.headers.get('location');
  if (authorize.status !== 302 || !back) throw new Error(`authorize: ${authorize.status}`);
  const url = new URL(back);
  return { start, loginCookie, callback: `${url.pathname}${url.search}` };
}
