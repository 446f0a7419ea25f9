import {
  type CallOptions,
  type Client,
  type ContextValues,
  createClient,
  createContextValues,
  type Transport,
} from '@connectrpc/connect';
import { createGrpcTransport, type Http2SessionOptions } from '@connectrpc/connect-node';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ControlPlaneTls } from '../config.js';
import {
  type EtagCollector,
  type IncomingTraceContext,
  kAccessToken,
  kAccessTokenSource,
  kBypassCache,
  kEtagParts,
  kLogger,
  kMinVersion,
  kRequestId,
  kTraceContext,
} from '../control-plane/context.js';
import { transportFailureInterceptor } from '../control-plane/errors.js';
import {
  type ControlPlaneMetrics,
  identityInterceptor,
  loggingInterceptor,
  metricsInterceptor,
  retryReadsInterceptor,
  traceContextInterceptor,
} from '../control-plane/interceptors.js';
import { ReadCache, servingKeptReads } from '../control-plane/read-cache.js';
import { ReloadableSessions, readTlsFiles, sameTls, watchFolders } from '../control-plane/tls.js';
import { AdminService } from '../gen/prism/admin/v1/admin_service_pb.js';
import type { ChangeFeed } from '../live/changes.js';
import type { ServiceTokenSource } from '../live/service-token.js';

// The parts are in src/control-plane/; these are what tests and the bench use from here.
export { kAccessToken, kRequestId } from '../control-plane/context.js';
export {
  type ControlPlaneMetrics,
  identityInterceptor,
  parseTraceparent,
  retryReadsInterceptor,
} from '../control-plane/interceptors.js';
export { streamWithReconnect } from '../control-plane/streams.js';

export type ControlPlaneClient = Client<typeof AdminService>;

/*
 * Aborted when the response closes before it is finished: the browser went away. (Fastify's
 * request.signal follows the request stream instead, which Node closes as soon as a body has
 * been read — every form post would cancel its own calls.)
 */
const kDisconnect = Symbol('browser disconnect');
/** Aborted when the response closes, finished or not: nothing reads a stream for it after. */
const kResponseClosed = Symbol('response closed');
/**
 * kResponseClosed of a request whose response closed before it opened a stream. Aborting a
 * controller makes a DOMException (with its stack): done for every page, that was a visible part
 * of a page's cost, so only requests that open a stream get a controller of their own.
 */
const ABORTED = new AbortController();
ABORTED.abort();
/** What this request's reads showed, for its page's ETag (created by its first read). */
const kReads = Symbol('reads shown');

/**
 * Set for a few seconds after a change succeeded (src/plugins/page.tsx seeOther): the pages that
 * follow read straight from the control plane, on any replica, so the operator sees the write.
 */
export const FRESH_COOKIE = 'prism-fresh';
const FRESH = /(?:^|;)\s*prism-fresh=1\s*(?:;|$)/;

/** The fingerprints of what this request read so far; undefined when it read nothing. */
export function readsOf(request: FastifyRequest): EtagCollector | undefined {
  return request[kReads] ?? undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    controlPlane: ControlPlaneClient;
    /** The control plane's base URL, for "Copy as command" (src/views/commands.ts). */
    controlPlaneUrl: string;
    /** Shared reads (src/control-plane/read-cache.ts): stats() for tests and the bench. */
    readCache: ReadCache;
    /**
     * The replica's own access token (client-credentials grant), for what it does as itself:
     * the Watch, live renders, shared reads. Undefined without a service client.
     */
    serviceToken: ServiceTokenSource | undefined;
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
    /** Made by the first rpcStream(); ABORTED when the response closed before that. */
    [kResponseClosed]: AbortController | null;
    [kReads]: EtagCollector | null;
  }
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
  /** Coalesces and keeps reads; outermost, so a read served from it is not a control-plane call. */
  readCache?: ReadCache | undefined;
  /** The replica's own token source (src/live/service-token.ts); none without a service client. */
  serviceToken?: ServiceTokenSource | undefined;
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
      ...(options.readCache ? [options.readCache.interceptor] : []),
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
  request[kReads] ??= { parts: [], complete: true };
  contextValues.set(kEtagParts, request[kReads]);
  const cookie = request.headers.cookie;
  if (cookie && FRESH.test(cookie)) contextValues.set(kBypassCache, true);
  // The fan-out's render of a region (src/live/render-identity.ts) reads as the replica itself,
  // at least as new as the change it renders.
  const live = request.liveRender;
  if (live) {
    const serviceToken = request.server.serviceToken;
    if (serviceToken) contextValues.set(kAccessTokenSource, serviceToken);
    if (live.minVersion > 0n) contextValues.set(kMinVersion, live.minVersion);
  }
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
  request[kResponseClosed] ??= new AbortController();
  return { contextValues, timeoutMs: 0, signal: request[kResponseClosed].signal };
}

export default fp(
  async (app: FastifyInstance, options: ControlPlaneOptions) => {
    const readCache = new ReadCache();
    let transport = options.transport;
    if (!transport) {
      const own = createControlPlaneTransport({ logger: app.log, readCache, ...options });
      app.addHook('onClose', async () => own.close());
      transport = servingKeptReads(own, readCache);
    }
    app.decorate('controlPlane', createClient(AdminService, transport));
    app.decorate('controlPlaneUrl', options.url);
    app.decorate('serviceToken', options.serviceToken);
    app.decorate('readCache', readCache);
    // The change feed (src/plugins/live.ts) may be registered after this plugin.
    app.addHook('onReady', async () => {
      const feed: ChangeFeed | undefined = Reflect.get(app, 'changes');
      readCache.attach(feed, options.serviceToken);
    });
    app.decorateRequest(kDisconnect, null as unknown as AbortController);
    app.decorateRequest(kResponseClosed, null);
    app.decorateRequest(kReads, null);
    app.addHook('onRequest', async (request, reply) => {
      const disconnect = new AbortController();
      request[kDisconnect] = disconnect;
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) disconnect.abort();
        const closed = request[kResponseClosed];
        if (closed) closed.abort();
        else request[kResponseClosed] = ABORTED;
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
