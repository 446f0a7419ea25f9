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
  type Transport,
} from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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

/*
 * Aborted when the response closes before it is finished: the browser went away. (Fastify's
 * request.signal follows the request stream instead, which Node closes as soon as a body has
 * been read — every form post would cancel its own calls.)
 */
const kDisconnect = Symbol('browser disconnect');

declare module 'fastify' {
  interface FastifyInstance {
    controlPlane: ControlPlaneClient;
  }
  interface FastifyRequest {
    /** Call options for the control plane on behalf of this request (token, request id). */
    rpc(): CallOptions;
    [kDisconnect]: AbortController;
  }
}

/** Sends the console request id (for log correlation) and the operator's bearer token. */
export const identityInterceptor: Interceptor = (next) => async (req) => {
  const requestId = req.contextValues.get(kRequestId);
  if (requestId) req.header.set('x-request-id', requestId);
  const token = req.contextValues.get(kAccessToken);
  if (token) req.header.set('authorization', `Bearer ${token}`);
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
  timeoutMs: number;
  readRetries: number;
  /** Tests may hand in their own transport (for example an in-memory router transport). */
  transport?: Transport;
}

/** One HTTP/2 transport for the whole process; every cross-cutting concern is an interceptor. */
export function createControlPlaneTransport(options: ControlPlaneOptions): Transport {
  return createGrpcTransport({
    baseUrl: options.url,
    defaultTimeoutMs: options.timeoutMs,
    interceptors: [identityInterceptor, retryReadsInterceptor(options.readRetries)],
    // Notice a dead peer quickly instead of waiting on TCP, and let idle connections go.
    pingIntervalMs: 10_000,
    pingTimeoutMs: 5_000,
    idleConnectionTimeoutMs: 60_000,
  });
}

function callOptions(request: FastifyRequest): CallOptions {
  const contextValues: ContextValues = createContextValues().set(kRequestId, request.id);
  const token = request.operator?.accessToken;
  if (token) contextValues.set(kAccessToken, token);
  // A browser that gives up on a page cancels the reads made for it. A change it submitted
  // is not cancelled: it gets the control plane's answer (and its audit entry) either way,
  // bounded by the deadline.
  if (request.method !== 'GET' && request.method !== 'HEAD') return { contextValues };
  return { contextValues, signal: request[kDisconnect].signal };
}

export default fp(
  async (app: FastifyInstance, options: ControlPlaneOptions) => {
    const transport = options.transport ?? createControlPlaneTransport(options);
    app.decorate('controlPlane', createClient(AdminService, transport));
    app.decorateRequest(kDisconnect, null as unknown as AbortController);
    app.addHook('onRequest', async (request, reply) => {
      const controller = new AbortController();
      request[kDisconnect] = controller;
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) controller.abort();
      });
    });
    app.decorateRequest('rpc', function (this: FastifyRequest) {
      return callOptions(this);
    });
  },
  { name: 'control-plane', dependencies: ['operator'] },
);
