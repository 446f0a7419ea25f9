import { createContextKey } from '@connectrpc/connect';
import type { FastifyBaseLogger } from 'fastify';

/*
 * What a control-plane call carries besides its message, for the interceptors
 * (src/control-plane/interceptors.ts): set per console request by request.rpc()/rpcStream().
 */

/** Per-call values the interceptors read: who is calling, and which console request it is. */
export const kRequestId = createContextKey<string | undefined>(undefined, {
  description: 'console request id',
});
/** Slot for the operator's access token; the sign-in plugin fills it. */
export const kAccessToken = createContextKey<string | undefined>(undefined, {
  description: 'operator access token',
});
/**
 * Where a call gets its bearer token when it starts. `rejected` hears that the control plane
 * refused a token it gave (UNAUTHENTICATED), so that a source able to get another one (the
 * replica's service token, src/live/service-token.ts) does so for the next call; an operator's
 * token cannot be replaced that way, and its source has none.
 */
export interface AccessTokenSource {
  (): Promise<string | undefined>;
  rejected?: ((token: string) => void) | undefined;
}

/**
 * Asked for the token when a call starts, instead of kAccessToken: a stream (or its reopening)
 * may start long after the request did, when the token it began with is about to expire.
 */
export const kAccessTokenSource = createContextKey<AccessTokenSource | undefined>(undefined, {
  description: 'access token, fetched at call start',
});
/** The console request's logger (it carries the request id); the process logger otherwise. */
export const kLogger = createContextKey<FastifyBaseLogger | undefined>(undefined, {
  description: 'console request logger',
});

/** The console request's W3C trace context headers, as they came (checked when sent on). */
export interface IncomingTraceContext {
  traceparent?: string | undefined;
  tracestate?: string | undefined;
}
export const kTraceContext = createContextKey<IncomingTraceContext | undefined>(undefined, {
  description: 'incoming W3C trace context',
});

/**
 * Served only from an answer read at or after this change-feed version (the live hub's renders
 * pass the version of the change they render); see src/control-plane/read-cache.ts.
 */
export const kMinVersion = createContextKey<bigint | undefined>(undefined, {
  description: 'least change-feed version an answer must show',
});
/** Straight to the control plane with the operator's token (read-your-writes after a change). */
export const kBypassCache = createContextKey<boolean>(false, {
  description: 'bypass the read cache',
});

/**
 * What the reads of one console request showed, for the page's ETag: a fingerprint per answer,
 * and whether every read left one (a failed read, a stream or the audit log does not).
 */
export interface EtagCollector {
  readonly parts: string[];
  complete: boolean;
}
export const kEtagParts = createContextKey<EtagCollector | undefined>(undefined, {
  description: 'fingerprints of the answers a page shows',
});
