// An independent AdminService for conformance tests: @grpc/grpc-js and @grpc/proto-loader over
// our .proto files — not our generated code, not Connect — answering the way a grpc-go
// control plane does: errors as trailers-only responses with grpc-status, grpc-message and
// grpc-status-details-bin (a google.rpc.Status with Any details), GOAWAY on max connection
// age, and grpc-go's default keepalive enforcement (a ping sooner than 5 minutes after the
// previous one while calls are open, or than 2 hours without calls, is a strike; the third
// strike is answered GOAWAY ENHANCE_YOUR_CALM "too_many_pings"). It keeps namespaces in memory, honours request ids like the demo control
// plane, and lets a test script its failures. Roles are out of scope: any well-formed bearer
// token is accepted.

import * as http2 from 'node:http2';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';

const PROTO_ROOT = join(import.meta.dirname, '../../proto');
const ADMIN_FILES = [
  'prism/admin/v1/admin_service.proto',
  'prism/admin/v1/namespace.proto',
  'prism/admin/v1/cluster.proto',
];
const RPC_FILES = ['google/rpc/status.proto', 'google/rpc/error_details.proto'];

/** grpc-go's default server keepalive policy (keepalive.EnforcementPolicy{}). */
const MIN_PING_INTERVAL_MS = 5 * 60_000;
const MAX_PING_STRIKES = 2;
const NO_STREAM_PING_INTERVAL_MS = 2 * 60 * 60_000;

/** A detail as a test writes it: the google.rpc message name and its fields (snake_case). */
export interface Detail {
  type: 'BadRequest' | 'PreconditionFailure' | 'ErrorInfo' | 'RetryInfo' | 'ResourceInfo';
  value: Record<string, unknown>;
}

export interface ScriptedError {
  code: grpc.status;
  message: string;
  details?: Detail[];
}

/** A namespace as proto-loader hands it over (camelCase fields, int64 as strings). */
export type NamespaceObject = Record<string, unknown> & { name: string; version: string };

export interface ConformanceServer {
  readonly url: string;
  readonly namespaces: Map<string, NamespaceObject>;
  /** Method names (`CreateNamespace`) of every call that reached a handler, in order. */
  readonly calls: string[];
  /** `CreateNamespace <request id>` for each mutation that acted (a replay does not). */
  readonly applied: string[];
  /** Methods answered UNIMPLEMENTED, as a server that does not have them yet. */
  readonly unimplemented: Set<string>;
  /** The next call of `method` answers this error instead of being handled. */
  failNext(method: string, error: ScriptedError): void;
  /** The next call of `method` is handled (applied), then its connection is cut unanswered. */
  cutAfterApplying(method: string): void;
  /** The next call of `method` has its connection cut before it is handled. */
  cutBeforeHandling(method: string): void;
  /** GOAWAY frames sent, by error code name (NO_ERROR on max age, ENHANCE_YOUR_CALM...). */
  readonly goaways: string[];
  /** HTTP/2 connections accepted so far. */
  connections(): number;
  stop(): Promise<void>;
}

export interface ConformanceOptions {
  /** grpc.max_connection_age_ms: each connection gets a GOAWAY after about this long. */
  maxConnectionAgeMs?: number;
}

// snake_case field names, as in the .proto files (and as tests write details).
const rpcRoot = new protobuf.Root().loadSync(
  RPC_FILES.map((file) => join(PROTO_ROOT, file)),
  { keepCase: true },
);
const StatusType = rpcRoot.lookupType('google.rpc.Status');

/** grpc-status-details-bin: a google.rpc.Status whose details are Any messages. */
export function statusDetailsBin(error: ScriptedError): Buffer {
  const details = (error.details ?? []).map((detail) => {
    const type = rpcRoot.lookupType(`google.rpc.${detail.type}`);
    const problem = type.verify(detail.value);
    if (problem) throw new Error(`google.rpc.${detail.type}: ${problem}`);
    return {
      type_url: `type.googleapis.com/google.rpc.${detail.type}`,
      value: type.encode(type.fromObject(detail.value)).finish(),
    };
  });
  const status = StatusType.fromObject({ code: error.code, message: error.message, details });
  return Buffer.from(StatusType.encode(status).finish());
}

function serviceError(error: ScriptedError): Partial<grpc.ServiceError> {
  const metadata = new grpc.Metadata();
  if (error.details?.length) metadata.set('grpc-status-details-bin', statusDetailsBin(error));
  return { code: error.code, details: error.message, metadata };
}

type Handler = (request: Record<string, unknown>) => Record<string, unknown>;

class Refusal extends Error {
  constructor(readonly error: ScriptedError) {
    super(error.message);
  }
}

function refuse(code: grpc.status, message: string, details?: Detail[]): never {
  throw new Refusal({ code, message, ...(details ? { details } : {}) });
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

  const namespaces = new Map<string, NamespaceObject>();
  const calls: string[] = [];
  const applied: string[] = [];
  const unimplemented = new Set<string>();
  const scripted = new Map<string, ScriptedError>();
  const cutAfter = new Set<string>();
  const cutBefore = new Set<string>();
  const goaways: string[] = [];
  const sessions = new Set<http2.ServerHttp2Session>();
  let connectionCount = 0;
  /** request id → the first outcome, replayed to a retry (what grpc-go servers of ours do). */
  const outcomes = new Map<string, { method: string; result: Record<string, unknown> | Refusal }>();

  const now = () => {
    const ms = Date.now();
    return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
  };
  const namespaceOf = (name: string) =>
    namespaces.get(name) ??
    refuse(grpc.status.NOT_FOUND, `namespace ${name} not found`, [
      {
        type: 'ResourceInfo',
        value: { resource_type: 'prism.admin.v1.Namespace', resource_name: name },
      },
    ]);

  /** Request ids and reasons, and replay, as every mutation of the contract. */
  function mutation(method: string, act: Handler): Handler {
    return (request) => {
      const requestId = String(request.requestId ?? '');
      const previous = outcomes.get(requestId);
      if (previous && previous.method === method) {
        if (previous.result instanceof Refusal) throw previous.result;
        return previous.result;
      }
      const violations: { field: string; description: string }[] = [];
      if (requestId === '') violations.push({ field: 'request_id', description: 'is required' });
      if (String(request.reason ?? '').trim() === '') {
        violations.push({ field: 'reason', description: 'is required' });
      }
      if (violations.length > 0) {
        refuse(grpc.status.INVALID_ARGUMENT, 'invalid request', [
          { type: 'BadRequest', value: { field_violations: violations } },
        ]);
      }
      let result: Record<string, unknown> | Refusal;
      try {
        result = act(request);
        applied.push(`${method} ${requestId}`);
      } catch (err) {
        if (!(err instanceof Refusal)) throw err;
        result = err;
      }
      outcomes.set(requestId, { method, result });
      if (result instanceof Refusal) throw result;
      return result;
    };
  }

  const handlers: Record<string, Handler> = {
    ListNamespaces: () => ({
      namespaces: [...namespaces.values()].sort((a, b) => a.name.localeCompare(b.name)),
      totalSize: namespaces.size,
    }),
    GetNamespace: (request) => ({ namespace: namespaceOf(String(request.name)) }),
    CreateNamespace: mutation('CreateNamespace', (request) => {
      const input = (request.namespace ?? {}) as Record<string, unknown>;
      const name = String(input.name ?? '');
      if (namespaces.has(name)) {
        refuse(grpc.status.ALREADY_EXISTS, `namespace ${name} already exists`, [
          {
            type: 'ResourceInfo',
            value: { resource_type: 'prism.admin.v1.Namespace', resource_name: name },
          },
        ]);
      }
      const namespace: NamespaceObject = {
        ...input,
        name,
        status:
          input.status === 'NAMESPACE_STATUS_UNSPECIFIED'
            ? 'NAMESPACE_STATUS_ACTIVE'
            : input.status,
        createTime: now(),
        updateTime: now(),
        createdBy: 'conformance',
        updatedBy: 'conformance',
        version: '1',
      };
      namespaces.set(name, namespace);
      return { namespace };
    }),
    UpdateNamespace: mutation('UpdateNamespace', (request) => {
      const input = (request.namespace ?? {}) as Record<string, unknown>;
      const current = namespaceOf(String(input.name ?? ''));
      if (String(input.version) !== current.version) {
        refuse(
          grpc.status.FAILED_PRECONDITION,
          `namespace ${current.name} is at version ${current.version}, not ${String(input.version)}`,
          [
            {
              type: 'PreconditionFailure',
              value: {
                violations: [
                  {
                    type: 'VERSION',
                    subject: `prism.admin.v1.Namespace/${current.name}`,
                    description: `is at version ${current.version}`,
                  },
                ],
              },
            },
          ],
        );
      }
      const updated: NamespaceObject = {
        ...current,
        description: input.description,
        quota: input.quota,
        config: input.config,
        ...(input.status !== 'NAMESPACE_STATUS_UNSPECIFIED' ? { status: input.status } : {}),
        version: String(BigInt(current.version) + 1n),
        updateTime: now(),
      };
      namespaces.set(current.name, updated);
      return { namespace: updated };
    }),
    DeleteNamespace: mutation('DeleteNamespace', (request) => {
      const current = namespaceOf(String(request.name));
      namespaces.delete(current.name);
      return {};
    }),
  };

  const server = new grpc.Server({
    ...(options.maxConnectionAgeMs
      ? {
          'grpc.max_connection_age_ms': options.maxConnectionAgeMs,
          'grpc.max_connection_age_grace_ms': 10_000,
        }
      : {}),
  });

  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [key, method] of Object.entries(service)) {
    const name = method.originalName ? upperFirst(method.originalName) : key;
    if (method.responseStream) {
      implementation[key] = (call: grpc.ServerWritableStream<unknown, unknown>) => {
        if (!authorized(call.metadata)) {
          call.emit('error', serviceError(unauthenticated()));
          return;
        }
        call.end();
      };
      continue;
    }
    implementation[key] = (
      call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      if (cutBefore.delete(name)) {
        cutConnections();
        return;
      }
      calls.push(name);
      if (!authorized(call.metadata)) return callback(serviceError(unauthenticated()));
      const error = scripted.get(name);
      if (error) {
        scripted.delete(name);
        return callback(serviceError(error));
      }
      const handler = handlers[name];
      if (unimplemented.has(name)) {
        return callback(
          serviceError({ code: grpc.status.UNIMPLEMENTED, message: `unknown method ${name}` }),
        );
      }
      let response: Record<string, unknown>;
      try {
        // Every call the tests do not care about answers an empty message.
        response = handler ? handler(call.request) : {};
      } catch (err) {
        if (err instanceof Refusal) return callback(serviceError(err.error));
        return callback(
          serviceError({ code: grpc.status.INTERNAL, message: `internal error: ${String(err)}` }),
        );
      }
      if (cutAfter.delete(name)) {
        // Applied, but the answer is lost: the connection goes away before it is sent.
        cutConnections();
        return;
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

  return {
    url: `http://127.0.0.1:${port}`,
    namespaces,
    calls,
    applied,
    unimplemented,
    goaways,
    failNext(method, error) {
      scripted.set(method, error);
    },
    cutAfterApplying(method) {
      cutAfter.add(method);
    },
    cutBeforeHandling(method) {
      cutBefore.add(method);
    },
    connections: () => connectionCount,
    async stop() {
      server.forceShutdown();
    },
  };
}

function upperFirst(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function authorized(metadata: grpc.Metadata): boolean {
  const [value] = metadata.get('authorization');
  return typeof value === 'string' && /^Bearer [A-Za-z0-9._~+/-]+=*$/.test(value);
}

function unauthenticated(): ScriptedError {
  return { code: grpc.status.UNAUTHENTICATED, message: 'missing or malformed bearer token' };
}

function goawayName(code: number): string {
  const entry = Object.entries(http2.constants).find(
    ([key, value]) => key.startsWith('NGHTTP2_') && value === code && !key.includes('FLAG'),
  );
  return entry ? entry[0].replace('NGHTTP2_', '') : String(code);
}
