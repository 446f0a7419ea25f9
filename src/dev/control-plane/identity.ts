// Who is calling. This is the one place that turns request headers into an identity; the
// sign-in issue replaces it with real verification (JWT signature, issuer and audience checked
// with jose) and adds roles. Until then nothing is verified: the development control plane only
// needs a name to write into the audit log.

export interface CallerIdentity {
  /** Written to audit entries and to created_by / updated_by. */
  readonly actor: string;
}

export type IdentifyCaller = (headers: Headers) => CallerIdentity | Promise<CallerIdentity>;

export const ACTOR_HEADER = 'x-prism-actor';
export const ANONYMOUS = 'anonymous';

/**
 * Bearer JWT → its preferred_username (or sub), read WITHOUT verifying the signature (dev only,
 * see above). Without a usable token: the x-prism-actor header, else "anonymous".
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
