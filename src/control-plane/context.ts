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
 * Asked for the token when a call starts, instead of kAccessToken: a stream (or its reopening)
 * may start long after the request did, when the token it began with is about to expire.
 */
export const kAccessTokenSource = createContextKey<(() => Promise<string | undefined>) | undefined>(
  undefined,
  { description: 'operator access token, fetched at call start' },
);
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
