import { setTimeout as sleep } from 'node:timers/promises';
import { MethodOptions_IdempotencyLevel } from '@bufbuild/protobuf/wkt';
import {
  type CallOptions,
  type Client,
  Code,
  ConnectError,
  type ContextValues,
  createClient,
  createContextKey,
  createContextValues,
  type Interceptor,
  type StreamResponse,
  type Transport,
} from '@connectrpc/connect';
import { codeToString } from '@connectrpc/connect/protocol-connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AdminService } from '../gen/prism/admin/v1/admin_service_pb.js';

export type ControlPlaneClient = Client<typeof AdminService>;

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

/*
 * Aborted when the response closes before it is finished: the browser went away. (Fastify's
 * request.signal follows the request stream instead, which Node closes as soon as a body has
 * been read — every form post would cancel its own calls.)
 */
const kDisconnect = Symbol('browser disconnect');
/** Aborted when the response closes, finished or not: nothing reads a stream for it after. */
const kResponseClosed = Symbol('response closed');

declare module 'fastify' {
  interface FastifyInstance {
    controlPlane: ControlPlaneClient;
  }
  interface FastifyRequest {
    /** Call options for the control plane on behalf of this request (token, request id). */
    rpc(): CallOptions;
    /**
     * Call options for a server stream on behalf of this request: no deadline, cancelled when
     * the response closes (the browser went away, or the answer ended), and the token fetched
     * (renewed if due) when the call starts — call it again for each reopening.
     */
    rpcStream(): CallOptions & { signal: AbortSignal };
    [kDisconnect]: AbortController;
    [kResponseClosed]: AbortController;
  }
}

/** Sends the console request id (for log correlation) and the operator's bearer token. */
export const identityInterceptor: Interceptor = (next) => async (req) => {
  const requestId = req.contextValues.get(kRequestId);
  if (requestId) req.header.set('x-request-id', requestId);
  const tokenSource = req.contextValues.get(kAccessTokenSource);
  const token = tokenSource ? await tokenSource() : req.contextValues.get(kAccessToken);
  if (tokenSource && !token) {
    throw new ConnectError('the console session has ended', Code.Unauthenticated);
  }
  if (token) req.header.set('authorization', `Bearer ${token}`);
  return next(req);
};

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
    let res: Awaited<ReturnType<typeof next>>;
    try {
      res = await next(req);
    } catch (err) {
      log(err);
      throw err;
    }
    if (!res.stream) {
      log();
      return res;
    }
    return { ...res, message: loggedStream(res, log) };
  };
}

async function* loggedStream(res: StreamResponse, log: (err?: unknown) => void) {
  try {
    yield* res.message;
  } catch (err) {
    log(err);
    throw err;
  }
  log();
}

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

export interface ControlPlaneOptions {
  url: string;
  /** Deadline of unary calls; server streams opened with rpcStream() have none. */
  timeoutMs: number;
  readRetries: number;
  /** Where calls are logged when they carry no request logger (the plugin passes app.log). */
  logger?: FastifyBaseLogger;
  /** Tests may hand in their own transport (for example an in-memory router transport). */
  transport?: Transport;
}

/** One HTTP/2 transport for the whole process; every cross-cutting concern is an interceptor. */
export function createControlPlaneTransport(options: ControlPlaneOptions): Transport {
  return createGrpcTransport({
    baseUrl: options.url,
    defaultTimeoutMs: options.timeoutMs,
    // Logging outermost: one line per call, its duration covering the token and every retry.
    interceptors: [
      loggingInterceptor(options.logger),
      identityInterceptor,
      retryReadsInterceptor(options.readRetries),
    ],
    // Notice a dead peer quickly instead of waiting on TCP, and let idle connections go.
    pingIntervalMs: 10_000,
    pingTimeoutMs: 5_000,
    idleConnectionTimeoutMs: 60_000,
  });
}

function callOptions(request: FastifyRequest): CallOptions {
  const contextValues: ContextValues = createContextValues()
    .set(kRequestId, request.id)
    .set(kLogger, request.log);
  const token = request.operator?.accessToken;
  if (token) contextValues.set(kAccessToken, token);
  // A browser that gives up on a page cancels the reads made for it. A change it submitted
  // is not cancelled: it gets the control plane's answer (and its audit entry) either way,
  // bounded by the deadline.
  if (request.method !== 'GET' && request.method !== 'HEAD') return { contextValues };
  return { contextValues, signal: request[kDisconnect].signal };
}

function streamCallOptions(request: FastifyRequest): CallOptions & { signal: AbortSignal } {
  const contextValues: ContextValues = createContextValues()
    .set(kRequestId, request.id)
    .set(kLogger, request.log);
  if (request.consoleSession) {
    contextValues.set(kAccessTokenSource, () => request.freshAccessToken());
  }
  // timeoutMs 0: no deadline (Connect-ES treats <= 0 as "none", instead of the transport's
  // default, which is meant for unary calls and would cut a stream after a few seconds).
  return { contextValues, timeoutMs: 0, signal: request[kResponseClosed].signal };
}

/**
 * Reads a server stream, opening it again when it breaks in a way a new stream may mend: the
 * control plane unavailable or cutting the stream itself (a leader change, a restart), or —
 * right after it had delivered — the token refused (each opening fetches a fresh one when
 * `open` uses request.rpcStream()). `signal` is the streams' own (rpcStream().signal): once it
 * aborts, nothing is reopened. Backs off between attempts and gives up after `retries` failed
 * openings in a row. Whatever happened between two openings is not seen: a Watch consumer
 * re-reads after a reopening (its first, empty batch marks it).
 */
export async function* streamWithReconnect<T>(
  open: () => AsyncIterable<T>,
  options: { signal: AbortSignal; retries?: number; baseDelayMs?: number },
): AsyncGenerator<T, void, undefined> {
  const { signal, retries = 5, baseDelayMs = 250 } = options;
  for (let failures = 0; ; failures++) {
    let delivered = false;
    try {
      for await (const message of open()) {
        delivered = true;
        failures = 0;
        yield message;
      }
      return;
    } catch (err) {
      const code = ConnectError.from(err).code;
      const mendable =
        code === Code.Unavailable ||
        code === Code.Canceled || // by the control plane: ours is the signal, checked below
        (code === Code.Unauthenticated && delivered);
      if (!mendable || failures >= retries || signal.aborted) throw err;
    }
    try {
      await sleep(baseDelayMs * 2 ** failures, undefined, { signal });
    } catch {
      return; // nobody reads any more
    }
  }
}

export default fp(
  async (app: FastifyInstance, options: ControlPlaneOptions) => {
    const transport =
      options.transport ?? createControlPlaneTransport({ logger: app.log, ...options });
    app.decorate('controlPlane', createClient(AdminService, transport));
    app.decorateRequest(kDisconnect, null as unknown as AbortController);
    app.decorateRequest(kResponseClosed, null as unknown as AbortController);
    app.addHook('onRequest', async (request, reply) => {
      const disconnect = new AbortController();
      const closed = new AbortController();
      request[kDisconnect] = disconnect;
      request[kResponseClosed] = closed;
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) disconnect.abort();
        closed.abort();
      });
    });
    app.decorateRequest('rpc', function (this: FastifyRequest) {
      return callOptions(this);
    });
    app.decorateRequest('rpcStream', function (this: FastifyRequest) {
      return streamCallOptions(this);
    });
  },
  { name: 'control-plane', dependencies: ['operator'] },
);
