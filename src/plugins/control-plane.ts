import { randomBytes } from 'node:crypto';
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import type { SecureClientSessionOptions } from 'node:http2';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSecureContext } from 'node:tls';
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
import {
  createGrpcTransport,
  Http2SessionManager,
  type Http2SessionOptions,
} from '@connectrpc/connect-node';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ControlPlaneTls } from '../config.js';
import { AdminService } from '../gen/prism/admin/v1/admin_service_pb.js';
import { transportFailureInterceptor } from './control-plane-errors.js';

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

/** The console request's W3C trace context headers, as they came (checked when sent on). */
export interface IncomingTraceContext {
  traceparent?: string | undefined;
  tracestate?: string | undefined;
}
export const kTraceContext = createContextKey<IncomingTraceContext | undefined>(undefined, {
  description: 'incoming W3C trace context',
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
    let res: Awaited<ReturnType<typeof next>>;
    try {
      res = await next(req);
    } catch (err) {
      observe(err);
      throw err;
    }
    if (!res.stream) {
      observe();
      return res;
    }
    return { ...res, message: loggedStream(res, observe) };
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

export interface ControlPlaneOptions {
  url: string;
  /** Deadline of unary calls; server streams opened with rpcStream() have none. */
  timeoutMs: number;
  readRetries: number;
  /** HTTP/2 PING interval while a call is open, 0 for none; default 300000 (grpc-go's floor). */
  keepaliveMs?: number | undefined;
  /** CA bundle, client certificate and SNI name for an https:// control plane. */
  tls?: ControlPlaneTls | undefined;
  /** How long changes to the TLS files settle before they are read again; default 1000 ms. */
  tlsReloadDelayMs?: number | undefined;
  /** Where calls are logged when they carry no request logger (the plugin passes app.log). */
  logger?: FastifyBaseLogger | undefined;
  /** Where calls are counted (the metrics plugin's sink); none when unset. */
  metrics?: ControlPlaneMetrics | undefined;
  /** Tests may hand in their own transport (for example an in-memory router transport). */
  transport?: Transport | undefined;
}

/** The transport, and what stops its watching of the TLS files (the plugin does on close). */
export type ControlPlaneTransport = Transport & { close(): void };

/** grpc-go's default keepalive.EnforcementPolicy.MinTime: faster PINGs get GOAWAY. */
export const DEFAULT_KEEPALIVE_MS = 300_000;

/**
 * Keepalive a grpc-go server accepts by default (EnforcementPolicy{MinTime: 5m,
 * PermitWithoutStream: false}): a PING at most every `keepaliveMs`, and only while a call is
 * open — more often, or on a connection without streams, earns strikes and, at the third,
 * GOAWAY too_many_pings, which cuts every stream on the connection. (Connect-ES also PINGs
 * once before reusing a connection idle for longer than the interval; with the default that
 * never happens, because idle connections close after a minute; with a shorter one, grpc-go does
 * not count it, since the server has written to the connection after the previous PING.)
 */
function sessionOptions(keepaliveMs: number): Http2SessionOptions {
  return {
    pingIntervalMs: keepaliveMs > 0 ? keepaliveMs : Number.POSITIVE_INFINITY,
    pingIdleConnection: false,
    pingTimeoutMs: 5_000,
    idleConnectionTimeoutMs: 60_000,
  };
}

/** The TLS files' contents as http2.connect() takes them; throws naming an unreadable file. */
function readTlsFiles(tls: ControlPlaneTls): SecureClientSessionOptions {
  const read = (file: string | undefined) => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`cannot read the control plane TLS file ${file}`, { cause: err });
    }
  };
  const [ca, cert, key] = [read(tls.caFile), read(tls.certFile), read(tls.keyFile)];
  // Refuses a half-written or mismatched set (a rotation in progress) before it is used.
  createSecureContext({ ca, cert, key });
  return {
    ...(ca !== undefined ? { ca } : {}),
    ...(cert !== undefined ? { cert } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(tls.serverName !== undefined ? { servername: tls.serverName } : {}),
  };
}

const sameTls = (a: SecureClientSessionOptions, b: SecureClientSessionOptions) =>
  a.ca === b.ca && a.cert === b.cert && a.key === b.key;

/**
 * The transport's HTTP/2 connections, whose TLS settings can change: replace() makes new
 * connections use new ones, while calls in flight finish on the connection they started on
 * (which closes once idle).
 */
class ReloadableSessions implements Pick<Http2SessionManager, 'authority' | 'request'> {
  readonly authority: string;
  private current: Http2SessionManager;
  private readonly managerOf = new WeakMap<object, Http2SessionManager>();

  constructor(
    private readonly url: string,
    private readonly options: Http2SessionOptions,
    tls: SecureClientSessionOptions,
  ) {
    this.current = new Http2SessionManager(url, options, tls);
    this.authority = this.current.authority;
  }

  replace(tls: SecureClientSessionOptions): void {
    this.current = new Http2SessionManager(this.url, this.options, tls);
  }

  async request(...args: Parameters<Http2SessionManager['request']>) {
    const manager = this.current;
    const stream = await manager.request(...args);
    this.managerOf.set(stream, manager);
    return stream;
  }

  notifyResponseByteRead(stream: Parameters<Http2SessionManager['notifyResponseByteRead']>[0]) {
    this.managerOf.get(stream)?.notifyResponseByteRead(stream);
  }
}

/**
 * Calls `onChange` once changes in the folders of `files` settle. Folders, not the files:
 * Kubernetes updates a mounted Secret by swapping a `..data` symlink beside them.
 */
function watchFolders(files: string[], delayMs: number, onChange: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const settle = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, delayMs).unref();
  };
  const watchers: FSWatcher[] = [...new Set(files.map((file) => dirname(resolve(file))))].map(
    (folder) => watch(folder, { persistent: false }, settle).on('error', () => {}),
  );
  return () => {
    clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  };
}

/** One HTTP/2 transport for the whole process; every cross-cutting concern is an interceptor. */
export function createControlPlaneTransport(options: ControlPlaneOptions): ControlPlaneTransport {
  const session = sessionOptions(options.keepaliveMs ?? DEFAULT_KEEPALIVE_MS);
  const tls = options.tls;
  let tlsOptions = tls ? readTlsFiles(tls) : undefined;
  const sessions = tlsOptions
    ? new ReloadableSessions(options.url, session, tlsOptions)
    : undefined;
  const transport = createGrpcTransport({
    baseUrl: options.url,
    defaultTimeoutMs: options.timeoutMs,
    // Logging outermost: one line per call, its duration covering the token and every retry.
    interceptors: [
      loggingInterceptor(options.logger),
      ...(options.metrics ? [metricsInterceptor(options.metrics)] : []),
      identityInterceptor,
      traceContextInterceptor,
      retryReadsInterceptor(options.readRetries),
      transportFailureInterceptor, // inside the retries: a lost read is retried
    ],
    ...(sessions ? { sessionManager: sessions } : session),
  });
  if (!tls || !sessions) return Object.assign(transport, { close() {} });

  const files = [tls.caFile, tls.certFile, tls.keyFile].filter((f) => f !== undefined);
  const stopWatching = watchFolders(files, options.tlsReloadDelayMs ?? 1000, () => {
    try {
      const next = readTlsFiles(tls);
      if (tlsOptions && sameTls(next, tlsOptions)) return;
      tlsOptions = next;
      sessions.replace(next);
      options.logger?.info({ files }, 'control plane TLS files changed: new connections use them');
    } catch (err) {
      // Half-way through a rotation, say: the next change is read again.
      options.logger?.warn({ err, files }, 'control plane TLS files unusable; keeping the old');
    }
  });
  return Object.assign(transport, { close: stopWatching });
}

function traceContextOf(request: FastifyRequest): IncomingTraceContext {
  const { traceparent, tracestate } = request.headers;
  return {
    traceparent: typeof traceparent === 'string' ? traceparent : undefined,
    // Several tracestate headers make one list (RFC 9110 field lines).
    tracestate: Array.isArray(tracestate) ? tracestate.join(',') : tracestate,
  };
}

function callOptions(request: FastifyRequest): CallOptions {
  const contextValues: ContextValues = createContextValues()
    .set(kRequestId, request.id)
    .set(kLogger, request.log)
    .set(kTraceContext, traceContextOf(request));
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
    .set(kLogger, request.log)
    .set(kTraceContext, traceContextOf(request));
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
    let transport = options.transport;
    if (!transport) {
      const own = createControlPlaneTransport({ logger: app.log, ...options });
      app.addHook('onClose', async () => own.close());
      transport = own;
    }
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
