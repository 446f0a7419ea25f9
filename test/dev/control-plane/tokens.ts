// A stand-in identity provider for the control plane's auth tests: an RS256 key pair, its
// public key set, and access tokens minted with jose the way the demo issuer mints them
// (iss, aud prism-admin, sub, preferred_username, name, groups, short expiry).

import type { CallOptions } from '@connectrpc/connect';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose';
import type { ControlPlaneAuth } from '../../../src/dev/control-plane/index.js';

export const ISSUER = 'https://idp.test.example';
export const AUDIENCE = 'prism-admin';
export const KEY_ID = 'test-key-1';

type SigningKey = Parameters<SignJWT['sign']>[0];

/** The demo operators of the shared decisions, plus one without a mapped group. */
export const USERS = {
  admin: {
    sub: 'u-admin',
    preferred_username: 'admin',
    name: 'Ada Admin',
    groups: ['prism-admins'],
  },
  operator: {
    sub: 'u-operator',
    preferred_username: 'operator',
    name: 'Oscar Operator',
    groups: ['prism-operators'],
  },
  viewer: {
    sub: 'u-viewer',
    preferred_username: 'viewer',
    name: 'Vera Viewer',
    groups: ['prism-viewers'],
  },
  nobody: {
    sub: 'u-nobody',
    preferred_username: 'nobody',
    name: 'Nora Nobody',
    groups: ['marketing'],
  },
} as const satisfies Record<string, JWTPayload>;

export interface MintOptions {
  issuer?: string;
  audience?: string;
  /** jose time span or epoch seconds; default '5m'. null: no exp claim at all. */
  expiresAt?: string | number | null;
  /** Sign with this key instead of the issuer's (a forged token). */
  key?: SigningKey;
  alg?: string;
  /** null: no kid in the header. */
  kid?: string | null;
}

export interface TestIssuer {
  readonly jwks: JSONWebKeySet;
  /** The key set as the control plane should use it in most tests. */
  readonly keySet: JWTVerifyGetKey;
  /** The auth settings of a control plane that trusts this issuer. */
  auth(overrides?: Partial<ControlPlaneAuth>): ControlPlaneAuth;
  mint(claims: JWTPayload, options?: MintOptions): Promise<string>;
  /** Call options carrying `Authorization: Bearer <token>`. */
  bearer(token: string): CallOptions;
}

export async function createTestIssuer(): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' };
  const jwks: JSONWebKeySet = { keys: [jwk] };
  const keySet = createLocalJWKSet(jwks);
  return {
    jwks,
    keySet,
    auth: (overrides) => ({ issuer: ISSUER, audience: AUDIENCE, jwks: keySet, ...overrides }),
    async mint(claims, options = {}) {
      const alg = options.alg ?? 'RS256';
      const kid = options.kid === undefined ? KEY_ID : options.kid;
      const jwt = new SignJWT(claims)
        .setProtectedHeader(kid === null ? { alg } : { alg, kid })
        .setIssuer(options.issuer ?? ISSUER)
        .setAudience(options.audience ?? AUDIENCE)
        .setIssuedAt();
      const expiresAt = options.expiresAt === undefined ? '5m' : options.expiresAt;
      if (expiresAt !== null) jwt.setExpirationTime(expiresAt);
      return jwt.sign(options.key ?? privateKey);
    },
    bearer: (token) => ({ headers: { authorization: `Bearer ${token}` } }),
  };
}
