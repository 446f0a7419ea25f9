import { randomBytes } from 'node:crypto';
import { MethodOptions_IdempotencyLevel } from '@bufbuild/protobuf/wkt';
import {
  Code,
  ConnectError,
  type Interceptor,
  type StreamResponse,
  type UnaryResponse,
} from '@connectrpc/connect';
import { codeToString } from '@connectrpc/connect/protocol-connect';
import type { FastifyBaseLogger } from 'fastify';
import { kAccessToken, kAccessTokenSource, kLogger, kRequestId, kTraceContext } from './context.js';

/*
 * Every cross-cutting concern of a control-plane call, one interceptor each: identity (request
 * id and bearer token), logging, metrics, W3C trace context, and retrying idempotent reads.
 * The transport (src/plugins/control-plane.ts) puts them in order.
 */

/**
 * Sends the console request id (for log correlation) and the bearer token: the operator's, or
 * the replica's own. A token the control plane refuses (UNAUTHENTICATED, at once or later on a
 * stream) is reported to its source, which may get another for the next call.
 */
export const identityInterceptor: Interceptor = (next) => async (req) => {
  const requestId = req.contextValues.get(kRequestId);
  if (requestId) req.header.set('x-request-id', requestId);
  const tokenSource = req.contextValues.get(kAccessTokenSource);
  const token = tokenSource ? await tokenSource() : req.contextValues.get(kAccessToken);
  if (tokenSource && !token) {
    throw new ConnectError('the console session has ended', Code.Unauthenticated);
  }
  if (token) req.header.set('authorization', `Bearer ${token}`);
  const rejected = tokenSource?.rejected;
  if (!token || !rejected) return next(req);
  const refused = (err?: unknown) => {
    if (err !== undefined && ConnectError.from(err).code === Code.Unauthenticated) rejected(token);
  };
  return settling(() => next(req), refused);
};

/**
 * Makes the call, and tells `done` once it is over: with its error (at once, or later on its
 * stream), or with nothing when it succeeded (a stream: when its last message has been read).
 */
async function settling<R extends UnaryResponse | StreamResponse>(
  call: () => Promise<R>,
  done: (err?: unknown) => void,
): Promise<R> {
  let res: R;
  try {
    res = await call();
  } catch (err) {
    done(err);
    throw err;
  }
  if (!res.stream) {
    done();
    return res;
  }
  return { ...res, message: settledStream(res, done) };
}

async function* settledStream(res: StreamResponse, done: (err?: unknown) => void) {
  try {
    yield* res.message;
  } catch (err) {
    done(err);
    throw err;
  }
  done();
}

/**
 * One log line per control-plane call, retries included: method, outcome (`ok` or the Connect
 * code), duration and console request id. Success at debug, and a call the console cancelled
 * itself; other failures at warn. A server stream is logged when it ends, not when it opens.
 */
export function loggingInterceptor(processLogger?: FastifyBaseLogger): Interceptor {
  return (next) => async (req) => {
    const started = performance.now();
    const requestLogger = req.contextValues.get(kLogger);
    const logger = requestLogger ?? processLogger;
    const log = (err?: unknown) => {
      if (!logger) return;
      const code = err === undefined ? 'ok' : codeToString(ConnectError.from(err).code);
      const line = {
        rpc: req.method.name,
        code,
        durationMs: Math.round(performance.now() - started),
        // A request's child logger already names its request.
        ...(requestLogger ? {} : { reqId: req.contextValues.get(kRequestId) }),
      };
      // Cancelled by the console itself is no failure: the browser went away, the page ended.
      const quiet = code === 'ok' || (code === 'canceled' && req.signal.aborted);
      if (quiet) logger.debug(line, 'control plane call');
      else logger.warn({ ...line, error: ConnectError.from(err).rawMessage }, 'control plane call');
    };
    return settling(() => next(req), log);
  };
}

/** Where control-plane calls are counted (the metrics plugin's sink). */
export interface ControlPlaneMetrics {
  /** One finished call, retries included: method name, `ok` or the Connect code, seconds. */
  observeCall(method: string, code: string, seconds: number): void;
}

/** Counts every call and its duration by method and outcome; a stream when it ends. */
export function metricsInterceptor(metrics: ControlPlaneMetrics): Interceptor {
  return (next) => async (req) => {
    const started = performance.now();
    const observe = (err?: unknown) => {
      const code = err === undefined ? 'ok' : codeToString(ConnectError.from(err).code);
      metrics.observeCall(req.method.name, code, (performance.now() - started) / 1000);
    };
    return settling(() => next(req), observe);
  };
}

/** version-traceid-parentid-flags; a later version may add fields after a dash. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
/** Printable ASCII within the size the W3C recommendation lets a vendor drop beyond. */
const TRACESTATE = /^[\x20-\x7e]{1,512}$/;

/**
 * The trace id and flags of a valid `traceparent` (W3C Trace Context), else undefined: an
 * unknown version ff, zero ids, upper case or extra fields on version 00 are invalid.
 */
export function parseTraceparent(
  value: string | undefined,
): { traceId: string; flags: string } | undefined {
  const match = TRACEPARENT.exec(value?.trim() ?? '');
  if (!match) return undefined;
  const [, version, traceId = '', parentId = '', flags = '', rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  return { traceId, flags };
}

/** 8 random bytes, never all zero (an invalid span id). */
function newSpanId(): string {
  const id = randomBytes(8).toString('hex');
  return /^0+$/.test(id) ? newSpanId() : id;
}

/**
 * Sends a W3C `traceparent` on every call: the console request's trace continued with a span
 * id of this call (flags kept), and its `tracestate` passed through; without a valid incoming
 * one, a new trace, sampled, so the control plane's parent-based sampling records it.
 */
export const traceContextInterceptor: Interceptor = (next) => async (req) => {
  const incoming = req.contextValues.get(kTraceContext);
  const parent = parseTraceparent(incoming?.traceparent);
  if (parent) {
    req.header.set('traceparent', `00-${parent.traceId}-${newSpanId()}-${parent.flags}`);
    const state = incoming?.tracestate?.trim();
    if (state && TRACESTATE.test(state)) req.header.set('tracestate', state);
  } else {
    const traceId = randomBytes(16).toString('hex');
    req.header.set('traceparent', `00-${traceId}-${newSpanId()}-01`);
    req.header.delete('tracestate');
  }
  return next(req);
};

/**
 * Retries reads the contract marks NO_SIDE_EFFECTS when the control plane is unavailable —
 * a leader change or a restarting pod. Writes are never retried here: they carry a request id,
 * and deciding to repeat one is the operator's call. The deadline covers all attempts, because
 * the transport starts it before interceptors run.
 */
export function retryReadsInterceptor(retries: number, baseDelayMs = 50): Interceptor {
  return (next) => async (req) => {
    if (req.stream || req.method.idempotency !== MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS) {
      return next(req);
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await next(req);
      } catch (err) {
        const code = ConnectError.from(err).code;
        if (code !== Code.Unavailable || attempt >= retries || req.signal.aborted) throw err;
        await new Promise((resolve) => setTimeout(resolve, baseDelayMs * 2 ** attempt));
      }
    }
  };
}
