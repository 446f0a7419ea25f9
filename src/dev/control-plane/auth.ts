// Authentication and role checks, as one Connect interceptor covering every RPC (unary and
// streaming) — like faults.ts, and installed after it, so injected faults still apply to callers
// that would be refused.
//
// With ControlPlaneAuth every call needs `Authorization: Bearer <JWT>`, verified with jose
// (signature against the issuer's key set, issuer, audience, expiry; RS256 or ES256 only); the
// role comes from a claim through a mapping and is checked against roles.ts. Without it the
// caller is named by identifyCaller (unverified) and every call is allowed, as before sign-in.

import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { ANONYMOUS, type Caller, callerKey, type IdentifyCaller } from './identity.js';
import {
  DEFAULT_ROLE_CLAIM,
  DEFAULT_ROLE_MAPPING,
  type Role,
  roleAllows,
  roleFromClaim,
  rpcAccess,
} from './roles.js';

export interface ControlPlaneAuth {
  /** The expected `iss`: the identity provider's issuer URL. */
  issuer: string;
  /** The expected `aud`, e.g. 'prism-admin'. */
  audience: string;
  /**
   * The issuer's signing keys: a URL is fetched (and cached) with createRemoteJWKSet; a function
   * is used as is (for example createLocalJWKSet in tests).
   */
  jwks: JWTVerifyGetKey | URL;
  /** The claim holding the caller's groups; default 'groups'. */
  roleClaim?: string;
  /** Claim value → role; default prism-admins=admin, prism-operators=operator, prism-viewers=viewer. */
  roleMapping?: Record<string, Role>;
}

export const ALLOWED_ALGORITHMS = ['RS256', 'ES256'];
/** Longest actor name kept, as for the x-prism-actor header. */
const MAX_ACTOR_LENGTH = 128;

/**
 * Establishes the caller of every RPC and stores it under callerKey for the handlers. A refused
 * read is thrown here and not audited (nothing happened, and the audit log records changes); a
 * refused mutation goes on to its handler, whose mutation runner audits it as DENIED and throws
 * the refusal before acting.
 */
export function authInterceptor(
  auth: ControlPlaneAuth | undefined,
  identifyCaller: IdentifyCaller,
): Interceptor {
  const roleClaim = auth?.roleClaim ?? DEFAULT_ROLE_CLAIM;
  const identify = auth
    ? verifyingIdentifier(auth)
    : async (headers: Headers): Promise<Caller> => ({
        actor: (await identifyCaller(headers)).actor,
      });
  return (next) => async (request) => {
    const access = rpcAccess(request.method);
    const caller = await identify(request.header);
    const refusal =
      caller.refusal ??
      (auth ? roleRefusal(caller, request.method.name, access.role, roleClaim) : undefined);
    if (refusal && !access.mutation) throw refusal;
    request.contextValues.set(callerKey, refusal ? { ...caller, refusal } : caller);
    return next(request);
  };
}

function roleRefusal(
  caller: Caller,
  rpc: string,
  required: Role,
  roleClaim: string,
): ConnectError | undefined {
  if (caller.role === undefined) {
    return new ConnectError(
      `${caller.actor} has no Prism role: nothing in the token's "${roleClaim}" claim maps to one`,
      Code.PermissionDenied,
    );
  }
  if (roleAllows(caller.role, required)) return undefined;
  return new ConnectError(
    `${caller.role} may not call ${rpc}; it needs ${required}`,
    Code.PermissionDenied,
  );
}

/** Bearer token → the verified caller with their role, or a refusal naming what is wrong. */
function verifyingIdentifier(auth: ControlPlaneAuth): (headers: Headers) => Promise<Caller> {
  // One remote key set for the server's life: jose caches the keys and refetches on an unknown
  // key id (with a cooldown), so a key rotation at the issuer is picked up.
  const keys = auth.jwks instanceof URL ? createRemoteJWKSet(auth.jwks) : auth.jwks;
  const roleClaim = auth.roleClaim ?? DEFAULT_ROLE_CLAIM;
  const roleMapping = auth.roleMapping ?? DEFAULT_ROLE_MAPPING;
  const unauthenticated = (message: string): Caller => ({
    actor: ANONYMOUS,
    refusal: new ConnectError(message, Code.Unauthenticated),
  });

  return async (headers) => {
    const authorization = headers.get('authorization');
    if (authorization === null) {
      return unauthenticated('missing access token: send Authorization: Bearer <token>');
    }
    const token = /^Bearer +(\S+)$/i.exec(authorization.trim())?.[1];
    if (token === undefined) {
      return unauthenticated('the Authorization header is not "Bearer <token>"');
    }
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, keys, {
        issuer: auth.issuer,
        audience: auth.audience,
        algorithms: ALLOWED_ALGORITHMS,
        // jose checks exp only when present; a token that never expires is refused.
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (err) {
      if (isKeySetUnavailable(err)) {
        // Not the caller's fault: the token may be fine, the keys could not be fetched.
        return {
          actor: ANONYMOUS,
          refusal: new ConnectError(
            `cannot check the access token: the identity provider's keys are unavailable (${errorMessage(err)})`,
            Code.Unavailable,
          ),
        };
      }
      return unauthenticated(describeTokenError(err, auth));
    }
    const actor = actorOf(claims);
    if (actor === undefined) return unauthenticated('access token names no subject');
    return { actor, role: roleFromClaim(claims[roleClaim], roleMapping) };
  };
}

/** preferred_username, else sub — the name operators know each other by. */
function actorOf(claims: JWTPayload): string | undefined {
  for (const value of [claims.preferred_username, claims.sub]) {
    if (typeof value === 'string' && value.trim() !== '') {
      return value.trim().slice(0, MAX_ACTOR_LENGTH);
    }
  }
  return undefined;
}

/** Why jose refused a token, in words an operator can act on. */
function describeTokenError(err: unknown, auth: ControlPlaneAuth): string {
  if (err instanceof errors.JWTExpired) return 'access token expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'iss':
        return `access token was not issued by ${auth.issuer}`;
      case 'aud':
        return `access token is not for audience ${auth.audience}`;
      case 'nbf':
      case 'iat':
        return 'access token is not valid yet';
      default:
        return `access token claim "${err.claim}" is ${err.reason === 'missing' ? 'missing' : 'invalid'}`;
    }
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return 'access token signature does not verify';
  }
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    return 'access token was not signed with a key of the identity provider';
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) {
    return `access token algorithm is not allowed (only ${ALLOWED_ALGORITHMS.join(', ')})`;
  }
  return `access token is malformed (${errorMessage(err)})`;
}

/** The remote key set could not be fetched: timeout, connection refused, not 200, not JSON. */
function isKeySetUnavailable(err: unknown): boolean {
  if (err instanceof errors.JWKSTimeout) return true;
  if (err instanceof errors.JOSEError) return err.code === 'ERR_JOSE_GENERIC';
  // fetch's own failures (TypeError: fetch failed); jose's verification failures are JOSEErrors.
  return err instanceof TypeError;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
