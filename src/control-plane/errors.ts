import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import {
  ErrorInfoSchema,
  PreconditionFailureSchema,
  RetryInfoSchema,
} from '../gen/google/rpc/error_details_pb.js';

/*
 * The control plane's error model as grpc-go speaks it, read in one place: lost answers told
 * apart from refusals (transportFailureInterceptor), and the standard google.rpc details
 * (RetryInfo, ErrorInfo, PreconditionFailure) read for describeError and writeFailure.
 * BadRequest field violations are read by the forms kit (src/forms/errors.ts).
 */

/**
 * Node error codes of a request that was never sent: no connection, or no stream could be
 * opened on it (it had received GOAWAY, or was already destroyed).
 */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_INVALID_SESSION',
]);
/** Node error codes of a connection that broke: the request may have arrived. */
const BROKEN = new Set([
  'ECONNRESET',
  'EPIPE',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_STREAM_CANCEL',
  'ERR_HTTP2_ERROR',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_DESTROYED',
]);
/** What Connect-ES says when a stream is reset (RST_STREAM) or a GOAWAY ends it. */
const H2_CLOSED = /^(http\/2 stream closed with error code|stream closed with error code) /i;
/**
 * What Connect-ES says when the connection dies under a call (its PING unanswered) or the
 * answer stops short: no grpc-status at all, a message cut in the middle.
 */
const CUT_SHORT = /^(PING timed out|protocol error: (missing status|incomplete envelope))$/;
/** Errors mapped from a broken connection after the request may have been sent. */
const lostAnswers = new WeakSet<ConnectError>();

function nodeCodes(err: unknown): string[] {
  const codes: string[] = [];
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
  }
  return codes;
}

/**
 * How a failure came about when the connection, not the control plane, produced it: 'unsent'
 * (no connection, or HTTP/2 REFUSED_STREAM, which guarantees the request was not processed),
 * 'lost' (it broke after the request may have arrived), or undefined for an answer of the
 * control plane itself (a grpc-status it sent) and for the console's own cancellation.
 */
export function transportFailure(
  err: ConnectError,
  signal: AbortSignal,
): 'unsent' | 'lost' | undefined {
  if (err.code === Code.DeadlineExceeded) return undefined;
  if (err.code === Code.Canceled && signal.aborted) return undefined; // the browser went away
  const codes = nodeCodes(err.cause);
  const reset = H2_CLOSED.test(err.rawMessage);
  const refused = reset && err.rawMessage.includes('REFUSED_STREAM');
  if (codes.some((c) => NOT_SENT.has(c)) || refused) return 'unsent';
  if (codes.some((c) => BROKEN.has(c)) || reset || CUT_SHORT.test(err.rawMessage)) return 'lost';
  // A CANCELLED the console did not ask for: the peer or a proxy cut the call.
  if (err.code === Code.Canceled) return 'lost';
  return undefined;
}

/**
 * Maps transport failures (a reset connection, a killed control plane, GOAWAY, REFUSED_STREAM,
 * an unexpected close — which Connect-ES reports as CANCELLED, INTERNAL, UNKNOWN or even
 * RESOURCE_EXHAUSTED) to UNAVAILABLE, so reads are retried (it runs inside the retry
 * interceptor) and writes are answered as "not known whether it was applied"
 * (`answerMayHaveArrived`). A CANCELLED stays one only when the console's own signal aborted.
 */
export const transportFailureInterceptor: Interceptor = (next) => async (req) => {
  const map = (err: unknown): unknown => {
    const error = ConnectError.from(err);
    const failure = transportFailure(error, req.signal);
    if (failure === undefined) return err;
    if (failure === 'unsent' && error.code === Code.Unavailable) return err;
    const mapped = new ConnectError(
      `connection to the control plane failed: ${error.rawMessage}`,
      Code.Unavailable,
      error.metadata,
      undefined,
      error,
    );
    if (failure === 'lost') lostAnswers.add(mapped);
    return mapped;
  };
  let res: Awaited<ReturnType<typeof next>>;
  try {
    res = await next(req);
  } catch (err) {
    throw map(err);
  }
  if (!res.stream) return res;
  // A server stream cut half-way is UNAVAILABLE too, which streamWithReconnect mends.
  return { ...res, message: mappedStream(res.message, map) };
};

async function* mappedStream<T>(messages: AsyncIterable<T>, map: (err: unknown) => unknown) {
  try {
    yield* messages;
  } catch (err) {
    throw map(err);
  }
}

/**
 * True when a write's outcome is unknown: the control plane may have received it and acted,
 * but its answer never came (the connection broke, or the deadline passed).
 */
export function answerMayHaveArrived(err: unknown): boolean {
  if (!(err instanceof ConnectError)) return false;
  return err.code === Code.DeadlineExceeded || lostAnswers.has(err);
}

/** RetryInfo's delay in whole seconds, rounded up (for Retry-After); undefined without one. */
export function retryAfterSeconds(err: ConnectError): number | undefined {
  const delay = err.findDetails(RetryInfoSchema)[0]?.retryDelay;
  if (!delay) return undefined;
  const seconds = Number(delay.seconds) + delay.nanos / 1e9;
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : 0;
}

/** ErrorInfo reasons the control plane gave (`NOT_LEADER`, `STALE_VERSION`, …). */
export function errorReasons(err: ConnectError): string[] {
  return err.findDetails(ErrorInfoSchema).map((info) => info.reason);
}

/**
 * The member reached is not the Raft leader: ErrorInfo NOT_LEADER, or an UNAVAILABLE that says
 * so in words (as hashicorp/raft's ErrNotLeader, "node is not the leader").
 */
export function isNotLeader(err: ConnectError): boolean {
  if (errorReasons(err).some((reason) => /^NOT_(THE_)?LEADER$/.test(reason))) return true;
  return err.code === Code.Unavailable && /\bnot (the )?leader\b/i.test(err.rawMessage);
}

/**
 * A FAILED_PRECONDITION that may be a stale version (the conflict handling explains it with the
 * current values): its PreconditionFailure names a VERSION violation, or it has none to say
 * otherwise. One that names another precondition (say, sessions still open) is only a refusal.
 */
export function mayBeStaleVersion(err: ConnectError): boolean {
  const failures = err.findDetails(PreconditionFailureSchema).flatMap((f) => f.violations);
  return failures.length === 0 || failures.some((v) => v.type === 'VERSION');
}
