// An independent AdminService for conformance tests: @grpc/grpc-js and @grpc/proto-loader over
// our .proto files — not our generated code, not Connect — answering the way a grpc-go
// control plane does: errors as trailers-only responses with grpc-status, grpc-message and
// grpc-status-details-bin (a google.rpc.Status with Any details), errors after some messages of
// a stream as trailers after them, GOAWAY on max connection age, and grpc-go's default
// keepalive enforcement (a ping sooner than 5 minutes after the previous one while calls are
// open, or than 2 hours without calls, is a strike; the third strike is answered GOAWAY
// ENHANCE_YOUR_CALM "too_many_pings"). It keeps its world in memory (handlers/*), honours
// request ids and writes the audit log like the demo control plane, and lets a test script its
// failures. Roles are out of scope: any well-formed bearer token is accepted.

import { once } from 'node:events';
import * as http2 from 'node:http2';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { auditHandlers } from './handlers/audit.js';
import { clientConfigurationHandlers } from './handlers/client-configurations.js';
import { createDrains, type Drains } from './handlers/drains.js';
import { infrastructureHandlers } from './handlers/infrastructure.js';
import { namespaceHandlers } from './handlers/namespaces.js';
import { operationHandlers } from './handlers/operations.js';
import type { Streaming, Unary } from './handlers/types.js';
import { type CallContext, createWorld, Mutations, type World } from './state.js';
import { Tokens } from './tokens.js';
import {
  actorOf,
  type Message,
  PROTO_ROOT,
  Refusal,
  type ScriptedError,
  serviceError,
} from './wire.js';

export type {
  AuditEntryObject,
  ClientConfigurationObject,
  NamespaceObject,
  SessionObject,
} from './state.js';
export type { Detail, ScriptedError } from './wire.js';
export { statusDetailsBin } from './wire.js';

const ADMIN_FILES = ['prism/admin/v1/admin_service.proto'];

/** grpc-go's default server keepalive policy (keepalive.EnforcementPolicy{}). */
const MIN_PING_INTERVAL_MS = 5 * 60_000;
const MAX_PING_STRIKES = 2;
const NO_STREAM_PING_INTERVAL_MS = 2 * 60 * 60_000;

/** What happens to the next call of a streaming method after `after` messages. */
export interface StreamScript {
  after: number;
  /** Ends the stream with this status (in trailers, after the messages). */
  error?: ScriptedError;
  /** Cuts the connection instead. */
  cut?: boolean;
  /** Waits for this before sending more (a stream that stalls). */
  until?: Promise<unknown>;
}

export interface ConformanceServer extends World {
  readonly url: string;
  /** Method names (`CreateNamespace`) of every call that reached a handler, in order. */
  readonly calls: string[];
  /** The request of the last call of `method` (proto-loader's shape: camelCase, enum names). */
  lastRequest(method: string): Message | undefined;
  /** Methods answered UNIMPLEMENTED, as a server that does not have them yet. */
  readonly unimplemented: Set<string>;
  /** Drains as operations: hold them, step them, look at them. */
  readonly drains: Drains;
  /** The world's current maintenance status (a test may set it directly). */
  maintenance: World['maintenance'];
  /** The next call (or `times` calls) of `method` answers this error instead of being handled. */
  failNext(method: string, error: ScriptedError, times?: number): void;
  /** Forgets what failNext scripted for `method`. */
  stopFailing(method: string): void;
  /** The next call of `method` is handled (applied), then its connection is cut unanswered. */
  cutAfterApplying(method: string): void;
  /** The next call of `method` has its connection cut before it is handled. */
  cutBeforeHandling(method: string): void;
  /** The next call of the streaming `method` fails, cuts or stalls after some messages. */
  scriptStream(method: string, script: StreamScript): void;
  /** GOAWAY frames sent, by error code name (NO_ERROR on max age, ENHANCE_YOUR_CALM...). */
  readonly goaways: string[];
  /** HTTP/2 connections accepted so far. */
  connections(): number;
  /** Calls of `method` still open (streams being answered). */
  openStreams(method: string): number;
  /** The bearer token the last call of `method` came with. */
  lastToken(method: string): string | undefined;
  /** Refuses `token` from now on (UNAUTHENTICATED), ending the streams it opened. */
  revoke(token: string): void;
  stop(): Promise<void>;
}

export interface ConformanceOptions {
  /** grpc.max_connection_age_ms: each connection gets a GOAWAY after about this long. */
  maxConnectionAgeMs?: number;
  /** grpc.max_connection_age_grace_ms: how long calls may go on after that GOAWAY (10 s). */
  maxConnectionAgeGraceMs?: number;
  /** How often a running drain makes progress (a quarter of its sessions a step). */
  drainStepMs?: number;
  /** Entries per GetAuditLog message (grpc-go servers of ours send 100). */
  auditBatchSize?: number;
  /** total_size in an empty message after the last batch instead of on it. */
  auditTotalInOwnMessage?: boolean;
  /** Changes kept for Watch resumes (default 10,000); fewer lets a test outrun them quickly. */
  retainedChanges?: number;
}

export async function startConformanceServer(
  options: ConformanceOptions = {},
): Promise<ConformanceServer> {
  const definition = protoLoader.loadSync(
    ADMIN_FILES.map((file) => join(PROTO_ROOT, file)),
    { includeDirs: [PROTO_ROOT], longs: String, enums: String, defaults: true, oneofs: true },
  );
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    prism: { admin: { v1: { AdminService: grpc.ServiceClientConstructor } } };
  };
  const service = loaded.prism.admin.v1.AdminService.service;

  const world = createWorld(options.retainedChanges);
  const mutations = new Mutations(world);
  const drains = createDrains(world, options.drainStepMs ?? 100);
  const deps = { world, mutations };
  const unary: Record<string, Unary> = {};
  const streaming: Record<string, Streaming> = {};
  for (const handlers of [
    namespaceHandlers(deps),
    clientConfigurationHandlers(deps),
    infrastructureHandlers(deps),
    operationHandlers(deps, drains),
    auditHandlers(deps, {
      batchSize: options.auditBatchSize ?? 100,
      totalInOwnMessage: options.auditTotalInOwnMessage ?? false,
    }),
  ]) {
    Object.assign(unary, handlers.unary);
    Object.assign(streaming, handlers.streaming);
  }

  const calls: string[] = [];
  const tokens = new Tokens();
  const lastRequests = new Map<string, Message>();
  const unimplemented = new Set<string>();
  const scripted = new Map<string, { error: ScriptedError; times: number }>();
  const streamScripts = new Map<string, StreamScript>();
  const cutAfter = new Set<string>();
  const cutBefore = new Set<string>();
  const goaways: string[] = [];
  const sessions = new Set<http2.ServerHttp2Session>();
  const open = new Map<string, number>();
  let connectionCount = 0;

  /** What every call goes through before its handler; an error to answer, or undefined. */
  function admit(
    name: string,
    call: { metadata: grpc.Metadata; request: Message },
  ): ScriptedError | undefined {
    const { metadata } = call;
    calls.push(name);
    lastRequests.set(name, call.request);
    if (!authorized(metadata)) return unauthenticated();
    if (!tokens.admit(name, metadata)) return REVOKED;
    const failing = scripted.get(name);
    if (failing) {
      failing.times--;
      if (failing.times <= 0) scripted.delete(name);
      return failing.error;
    }
    if (unimplemented.has(name)) {
      return { code: grpc.status.UNIMPLEMENTED, message: `unknown method ${name}` };
    }
    return undefined;
  }

  function failure(err: unknown): Partial<grpc.ServiceError> {
    if (err instanceof Refusal) return serviceError(err.error);
    return serviceError({ code: grpc.status.INTERNAL, message: `internal error: ${String(err)}` });
  }

  async function answerStream(
    name: string,
    call: grpc.ServerWritableStream<Message, Message>,
  ): Promise<void> {
    const controller = new AbortController();
    call.once('cancelled', () => controller.abort());
    call.once('close', () => controller.abort());
    const context: CallContext = {
      method: name,
      actor: actorOf(call.metadata),
      signal: controller.signal,
    };
    const untrack = tokens.track(call.metadata, () => {
      if (controller.signal.aborted) return;
      call.emit('error', serviceError(REVOKED));
      controller.abort();
    });
    const script = streamScripts.get(name);
    streamScripts.delete(name);
    open.set(name, (open.get(name) ?? 0) + 1);
    let sent = 0;
    let performed = false;
    /** What the script says, once: true when the stream ends here (cut, or an error status). */
    const perform = async (): Promise<boolean> => {
      if (!script || performed) return false;
      performed = true;
      if (script.until) {
        await script.until;
        return false;
      }
      if (script.cut) {
        cutConnections();
        return true;
      }
      if (script.error) {
        call.emit('error', serviceError(script.error));
        return true;
      }
      return false;
    };
    try {
      // Every stream the tests do not care about ends at once with OK.
      const handler = streaming[name];
      const messages = handler ? handler(call.request, context) : [];
      for await (const message of messages) {
        if (controller.signal.aborted) return;
        // `after: 0` acts once the handler has acted (a drain started), before its first answer.
        if (script?.after === 0 && (await perform())) return;
        sent++;
        if (!call.write(message)) {
          await once(call, 'drain', { signal: controller.signal }).catch(() => undefined);
        }
        // Right after the last message it may send: a stream that waits for changes next
        // fails (or stalls) now, not when its next change comes.
        if (sent === script?.after && (await perform())) return;
      }
      if (controller.signal.aborted) return;
      // Fewer messages than `after`: at the end, instead of OK.
      if (await perform()) return;
      call.end();
    } catch (err) {
      if (!controller.signal.aborted) call.emit('error', failure(err));
    } finally {
      untrack();
      open.set(name, (open.get(name) ?? 1) - 1);
      controller.abort();
    }
  }

  const server = new grpc.Server({
    ...(options.maxConnectionAgeMs
      ? {
          'grpc.max_connection_age_ms': options.maxConnectionAgeMs,
          'grpc.max_connection_age_grace_ms': options.maxConnectionAgeGraceMs ?? 10_000,
        }
      : {}),
  });

  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [key, method] of Object.entries(service)) {
    const name = method.originalName ? upperFirst(method.originalName) : key;
    if (method.responseStream) {
      implementation[key] = (call: grpc.ServerWritableStream<Message, Message>) => {
        if (cutBefore.delete(name)) return cutConnections();
        const error = admit(name, call);
        if (error) return void call.emit('error', serviceError(error));
        void answerStream(name, call);
      };
      continue;
    }
    implementation[key] = (
      call: grpc.ServerUnaryCall<Message, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      if (cutBefore.delete(name)) return cutConnections();
      const error = admit(name, call);
      if (error) return callback(serviceError(error));
      let response: Message;
      try {
        // Every call the tests do not care about answers an empty message.
        const handler = unary[name];
        response = handler
          ? handler(call.request, {
              method: name,
              actor: actorOf(call.metadata),
              signal: new AbortController().signal,
            })
          : {};
      } catch (err) {
        return callback(failure(err));
      }
      if (cutAfter.delete(name)) {
        // Applied, but the answer is lost: the connection goes away before it is sent.
        return cutConnections();
      }
      callback(null, response);
    };
  }
  server.addService(service, implementation);

  function cutConnections(): void {
    for (const session of sessions) session.socket?.destroy();
  }

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );

  // grpc-js does not enforce a keepalive policy; grpc-go does by default. Its HTTP/2 servers
  // are internal, so reach them to watch each connection's pings.
  const internal = server as unknown as { http2Servers: Map<http2.Http2Server, unknown> };
  for (const h2 of internal.http2Servers.keys()) {
    h2.on('session', (session: http2.ServerHttp2Session) => {
      connectionCount++;
      sessions.add(session);
      session.once('close', () => sessions.delete(session));
      enforceKeepalive(session);
      const goaway = session.goaway.bind(session);
      session.goaway = (code?: number, ...rest: unknown[]) => {
        goaways.push(goawayName(code ?? 0));
        return (goaway as (...args: unknown[]) => void)(code, ...rest);
      };
    });
  }

  /** grpc-go's http2Server.handlePing, with its default EnforcementPolicy. */
  function enforceKeepalive(session: http2.ServerHttp2Session): void {
    let lastPing = 0;
    let strikes = 0;
    let activeStreams = 0;
    // grpc-go forgets the strikes once it has written headers or data since the last ping.
    let resetStrikes = false;
    session.on('stream', (stream) => {
      activeStreams++;
      stream.once('close', () => {
        activeStreams--;
        resetStrikes = true;
      });
    });
    session.on('ping', () => {
      const at = Date.now();
      const previous = lastPing;
      lastPing = at;
      if (resetStrikes) {
        resetStrikes = false;
        strikes = 0;
        return;
      }
      // Without calls a ping is only due after the 2 h keepalive default; with calls, 5 min.
      const minimum = activeStreams < 1 ? NO_STREAM_PING_INTERVAL_MS : MIN_PING_INTERVAL_MS;
      if (previous !== 0 && at - previous < minimum) strikes++;
      if (strikes > MAX_PING_STRIKES) {
        session.goaway(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM, 0, Buffer.from('too_many_pings'));
        session.close();
      }
    });
  }

  return Object.assign(world, {
    url: `http://127.0.0.1:${port}`,
    calls,
    unimplemented,
    goaways,
    drains,
    failNext(method: string, error: ScriptedError, times = 1) {
      scripted.set(method, { error, times });
    },
    stopFailing(method: string) {
      scripted.delete(method);
    },
    cutAfterApplying(method: string) {
      cutAfter.add(method);
    },
    cutBeforeHandling(method: string) {
      cutBefore.add(method);
    },
    scriptStream(method: string, script: StreamScript) {
      streamScripts.set(method, script);
    },
    lastRequest: (method: string) => lastRequests.get(method),
    connections: () => connectionCount,
    openStreams: (method: string) => open.get(method) ?? 0,
    lastToken: (method: string) => tokens.last(method),
    revoke: (token: string) => tokens.revoke(token),
    async stop() {
      drains.stopAll();
      server.forceShutdown();
    },
  });
}

function upperFirst(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function authorized(metadata: grpc.Metadata): boolean {
  const [value] = metadata.get('authorization');
  return typeof value === 'string' && /^Bearer [A-Za-z0-9._~+/-]+=*$/.test(value);
}

const REVOKED: ScriptedError = { code: grpc.status.UNAUTHENTICATED, message: 'token revoked' };

function unauthenticated(): ScriptedError {
  return { code: grpc.status.UNAUTHENTICATED, message: 'missing or malformed bearer token' };
}

/** RFC 9113's error codes, by number (http2.constants also has other names for 0, 1...). */
const HTTP2_ERRORS = [
  'NO_ERROR',
  'PROTOCOL_ERROR',
  'INTERNAL_ERROR',
  'FLOW_CONTROL_ERROR',
  'SETTINGS_TIMEOUT',
  'STREAM_CLOSED',
  'FRAME_SIZE_ERROR',
  'REFUSED_STREAM',
  'CANCEL',
  'COMPRESSION_ERROR',
  'CONNECT_ERROR',
  'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY',
  'HTTP_1_1_REQUIRED',
];

function goawayName(code: number): string {
  return HTTP2_ERRORS[code] ?? String(code);
}
