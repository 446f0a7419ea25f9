// Who is calling. One interceptor (auth.ts) establishes the caller of every RPC and hands it to
// the handlers as a context value; the mutation runner writes its actor into the audit log and
// into created_by / updated_by.
//
// With `auth` configured the caller comes from a verified access token (auth.ts). Without it —
// tests of other behaviour, and callers that have not moved to sign-in yet — nothing is
// verified: the name comes from identifyCaller below and every call is allowed.

import type { ConnectError } from '@connectrpc/connect';
import { createContextKey } from '@connectrpc/connect';
import type { Role } from './roles.js';

export interface CallerIdentity {
  /** Written to audit entries and to created_by / updated_by. */
  readonly actor: string;
}

export type IdentifyCaller = (headers: Headers) => CallerIdentity | Promise<CallerIdentity>;

/** What the interceptor established about the caller of one RPC. */
export interface Caller extends CallerIdentity {
  /** The verified role; absent without auth (everything allowed) or when the token has none. */
  readonly role?: Role;
  /**
   * Set when the call is refused (UNAUTHENTICATED, PERMISSION_DENIED). Refused reads never reach
   * a handler; a refused mutation does, so that the mutation runner audits it as DENIED with its
   * resource, reason and request id, and then throws this error without acting.
   */
  readonly refusal?: ConnectError;
}

/** The caller of the current RPC, set by the auth interceptor for every call. */
export const callerKey = createContextKey<Caller | undefined>(undefined, {
  description: 'the caller of this RPC',
});

export const ACTOR_HEADER = 'x-prism-actor';
export const ANONYMOUS = 'anonymous';

/**
 * Bearer JWT → its preferred_username (or sub), read WITHOUT verifying the signature (used only
 * without auth, see above). Without a usable token: the x-prism-actor header, else "anonymous".
 */
export const identifyCaller: IdentifyCaller = (headers) => {
  const fromToken = actorFromBearerToken(headers.get('authorization'));
  if (fromToken) return { actor: fromToken };
  const fromHeader = headers.get(ACTOR_HEADER)?.trim();
  return { actor: fromHeader ? fromHeader.slice(0, 128) : ANONYMOUS };
};

function actorFromBearerToken(authorization: string | null): string | undefined {
  const match = authorization?.match(/^Bearer\s+([^.\s]+)\.([^.\s]+)\.([^.\s]*)$/i);
  const payload = match?.[2];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof claims !== 'object' || claims === null) return undefined;
    const { preferred_username: username, sub } = claims as Record<string, unknown>;
    if (typeof username === 'string' && username !== '') return username;
    if (typeof sub === 'string' && sub !== '') return sub;
  } catch {
    // Not a JWT: fall through to the header.
  }
  return undefined;
}
