// What the conformance server puts on the wire besides messages: errors the way grpc-go's
// status package writes them (grpc-status, grpc-message, grpc-status-details-bin holding a
// google.rpc.Status with Any details), timestamps and opaque page tokens.

import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';

export const PROTO_ROOT = join(import.meta.dirname, '../../proto');
const RPC_FILES = ['google/rpc/status.proto', 'google/rpc/error_details.proto'];

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

/** A message as proto-loader hands it over and takes it back (camelCase, int64 as strings). */
export type Message = Record<string, unknown>;

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

export function serviceError(error: ScriptedError): Partial<grpc.ServiceError> {
  const metadata = new grpc.Metadata();
  if (error.details?.length) metadata.set('grpc-status-details-bin', statusDetailsBin(error));
  return { code: error.code, details: error.message, metadata };
}

/** A handler's refusal: answered as a gRPC error, and remembered for a retried request id. */
export class Refusal extends Error {
  constructor(readonly error: ScriptedError) {
    super(error.message);
  }
}

export function refuse(code: grpc.status, message: string, details?: Detail[]): never {
  throw new Refusal({ code, message, ...(details ? { details } : {}) });
}

/** INVALID_ARGUMENT with one BadRequest field violation per problem, as grpc-go servers do. */
export function invalid(violations: { field: string; description: string }[]): never {
  const noun = violations.length === 1 ? 'problem' : 'problems';
  refuse(grpc.status.INVALID_ARGUMENT, `invalid request: ${violations.length} ${noun}`, [
    { type: 'BadRequest', value: { field_violations: violations } },
  ]);
}

export function notFound(resourceType: string, name: string, what = name): never {
  refuse(grpc.status.NOT_FOUND, `${what} not found`, [
    { type: 'ResourceInfo', value: { resource_type: resourceType, resource_name: name } },
  ]);
}

/** FAILED_PRECONDITION for a stale version, with a PreconditionFailure VERSION violation. */
export function staleVersion(subject: string, what: string, current: string, sent: string): never {
  refuse(grpc.status.FAILED_PRECONDITION, `${what} is at version ${current}, not ${sent}`, [
    {
      type: 'PreconditionFailure',
      value: {
        violations: [{ type: 'VERSION', subject, description: `is at version ${current}` }],
      },
    },
  ]);
}

/** The Connect / gRPC code name as the audit log writes it: "failed_precondition". */
export function codeName(code: grpc.status): string {
  return (grpc.status[code] ?? 'unknown').toLowerCase();
}

export interface Timestamp {
  seconds: string;
  nanos: number;
}

export function timestamp(ms: number = Date.now()): Timestamp {
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

/** A Timestamp or Duration as proto-loader gives it (seconds as a string), in ms; or undefined. */
export function millis(value: unknown): number | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown };
  return Number(seconds ?? 0) * 1000 + Math.floor(Number(nanos ?? 0) / 1_000_000);
}

/** An opaque page token: the offset into a list, bound to the query it was made for. */
export function pageToken(offset: number, query: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: query })).toString('base64url');
}

/**
 * Page size and offset from a list request; INVALID_ARGUMENT for a size out of range or a token
 * that is not ours or was made for another query (what grpc-go servers answer).
 */
export function parsePage(
  request: Message,
  query: string,
  limits: { defaultSize: number; maxSize: number },
  sizeField = 'page_size',
): { size: number; offset: number } {
  const requested = Number(request.pageSize ?? 0);
  if (requested < 0 || requested > limits.maxSize) {
    invalid([{ field: sizeField, description: `must be between 0 and ${limits.maxSize}` }]);
  }
  const token = String(request.pageToken ?? '');
  let offset = 0;
  if (token !== '') {
    let parsed: { o?: unknown; q?: unknown } | undefined;
    try {
      parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    } catch {
      parsed = undefined;
    }
    if (!parsed || typeof parsed.o !== 'number' || parsed.q !== query) {
      invalid([{ field: 'page_token', description: 'is not valid for this request' }]);
    }
    offset = parsed.o as number;
  }
  return { size: requested === 0 ? limits.defaultSize : requested, offset };
}

/** One page of `items` and the tokens around it. */
export function paginate<T>(
  items: readonly T[],
  page: { size: number; offset: number },
  query: string,
): { items: T[]; nextPageToken: string; previousPageToken: string; totalSize: number } {
  const end = page.offset + page.size;
  return {
    items: items.slice(page.offset, end),
    nextPageToken: end < items.length ? pageToken(end, query) : '',
    previousPageToken:
      page.offset > 0 ? pageToken(Math.max(0, page.offset - page.size), query) : '',
    totalSize: items.length,
  };
}

/** preferred_username (or sub) of a bearer JWT, unverified, as the demo does without auth. */
export function actorOf(metadata: grpc.Metadata): string {
  const [value] = metadata.get('authorization');
  const payload = typeof value === 'string' ? value.split('.')[1] : undefined;
  if (!payload) return 'anonymous';
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Message;
    const name = claims.preferred_username ?? claims.sub;
    return typeof name === 'string' && name !== '' ? name : 'anonymous';
  } catch {
    return 'anonymous';
  }
}

/** Wakes everyone waiting once something changed. */
export class Changes {
  private waiters = new Set<() => void>();

  notify(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** Resolves at the next notify(), or when the signal aborts. */
  wait(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const wake = () => {
        signal.removeEventListener('abort', wake);
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }
}
