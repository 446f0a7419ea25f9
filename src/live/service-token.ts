import type { FastifyBaseLogger } from 'fastify';
import * as oidc from 'openid-client';
import { LOOPBACK_HOSTS } from '../config.js';

/*
 * The console's own access token (OAuth client-credentials grant at the operators' issuer), for
 * what a replica does as itself: its one Watch stream, the live renders of the fan-out, and reads
 * shared between operators. One token per replica, reused until shortly before it expires.
 */

/** Asked when a call starts (kAccessTokenSource): resolves the token, or rejects while none. */
export interface ServiceTokenSource {
  (): Promise<string>;
  /**
   * The control plane refused `token` (UNAUTHENTICATED: revoked, or signed with a key it no
   * longer trusts): the next call asks the issuer for a new one instead of using it until it
   * expires. At most once per REFUSED_REGRANT_INTERVAL_MS, so a control plane that refuses
   * every token (a wrong audience) does not turn each call into a grant.
   */
  rejected(token: string): void;
}

export interface ServiceTokenOptions {
  clientId: string;
  clientSecret: string;
  issuer: URL;
  /** Resource indicator for the control plane; unset sends none. */
  audience?: string | undefined;
  /**
   * The issuer as the console discovered it for sign-in (app.oidcConfiguration): its metadata is
   * reused, so a replica discovers once for both clients.
   */
  discovered?: (() => Promise<oidc.Configuration>) | undefined;
  logger?: FastifyBaseLogger | undefined;
  now?: () => number;
}

/** Renew this long before expiry, so no call leaves with a token about to lapse. */
const REFRESH_MARGIN_MS = 60_000;
/** A token the control plane refused is dropped at most this often (see `rejected`). */
const REFUSED_REGRANT_INTERVAL_MS = 10_000;
/** After a failure, the next attempt waits this long, doubling up to the maximum. */
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;

export function createServiceTokenSource(options: ServiceTokenOptions): ServiceTokenSource {
  const now = options.now ?? Date.now;
  let configuration: Promise<oidc.Configuration> | undefined;
  let token: { value: string; expiresAt: number; renewAt: number } | undefined;
  let inFlight: Promise<string> | undefined;
  let failures = 0;
  let retryAt = 0;
  let lastError: unknown;
  let droppedAt = Number.NEGATIVE_INFINITY;

  const configure = () => {
    configuration ??= (async () => {
      const { issuer, clientId, clientSecret } = options;
      const auth = oidc.ClientSecretBasic(clientSecret);
      const execute = LOOPBACK_HOSTS.has(issuer.hostname) ? [oidc.allowInsecureRequests] : [];
      if (options.discovered) {
        const server = (await options.discovered()).serverMetadata();
        const config = new oidc.Configuration(server, clientId, undefined, auth);
        for (const apply of execute) apply(config);
        config.timeout = 5;
        return config;
      }
      return oidc.discovery(issuer, clientId, undefined, auth, { execute, timeout: 5 });
    })();
    // The identity provider may be down at start: discover again on the next attempt.
    configuration.catch(() => {
      configuration = undefined;
    });
    return configuration;
  };

  const fetchToken = async (): Promise<string> => {
    try {
      const parameters = options.audience ? { resource: options.audience } : undefined;
      const config = await configure();
      // The lifetime counts from when the token was asked for (it was issued after that), and
      // is the issuer's own figure: expiresIn() would subtract whatever time has passed since.
      const obtained = now();
      const grant = await oidc.clientCredentialsGrant(config, parameters);
      const lifetimeMs = (grant.expires_in ?? 300) * 1000;
      // A short-lived token (tests) is renewed half-way rather than at once.
      const renewIn = Math.max(lifetimeMs - REFRESH_MARGIN_MS, lifetimeMs / 2);
      token = {
        value: grant.access_token,
        expiresAt: obtained + lifetimeMs,
        renewAt: obtained + renewIn,
      };
      if (failures > 0) options.logger?.info('service client token obtained again');
      failures = 0;
      return grant.access_token;
    } catch (err) {
      if (failures === 0) {
        options.logger?.warn({ err }, 'service client token could not be obtained; retrying');
      }
      failures += 1;
      retryAt = now() + Math.min(FIRST_BACKOFF_MS * 2 ** (failures - 1), MAX_BACKOFF_MS);
      lastError = err;
      throw err;
    }
  };

  const source = async () => {
    const at = now();
    if (token && at < token.renewAt) return token.value;
    // Backing off: a token that has not expired yet still works; otherwise the last failure.
    if (failures > 0 && at < retryAt) {
      if (token && at < token.expiresAt) return token.value;
      throw lastError;
    }
    // One grant at a time, however many calls start together.
    inFlight ??= fetchToken().finally(() => {
      inFlight = undefined;
    });
    try {
      return await inFlight;
    } catch (err) {
      if (token && now() < token.expiresAt) return token.value;
      throw err;
    }
  };
  const rejected = (value: string) => {
    // Another call's refusal already replaced it, or one was dropped a moment ago.
    if (token?.value !== value || now() - droppedAt < REFUSED_REGRANT_INTERVAL_MS) return;
    droppedAt = now();
    token = undefined;
    options.logger?.warn('the control plane refused the service client token; asking for another');
  };
  return Object.assign(source, { rejected });
}
