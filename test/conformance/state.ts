// The conformance server's in-memory world, and the rules every mutation keeps there the way
// our grpc-go control plane does: request id and reason required (BadRequest), a retried
// request id answered with its first outcome without acting again, and an audit entry for
// every attempt, successful or not.

import { ChangeLog } from './changes.js';
import { Changes, codeName, invalid, type Message, Refusal, timestamp } from './wire.js';

/** A namespace as proto-loader hands it over (camelCase fields, int64 as strings). */
export type NamespaceObject = Message & { name: string; version: string };
export type ClientConfigurationObject = Message & {
  name: string;
  namespace: string;
  pattern: string | number;
  backend: string;
  options: Record<string, string>;
  description: string;
  version: string;
};
export type SessionObject = Message & { id: string; namespace: string; status: string };
export type AuditEntryObject = Message & {
  id: string;
  actor: string;
  operation: string;
  resource: string;
  namespace: string;
  outcome: string;
  reason: string;
  requestId: string;
};
export type MaintenanceObject = Message & { enabled: boolean };

/** What a handler knows about its call. */
export interface CallContext {
  readonly method: string;
  readonly actor: string;
  /** Aborted when the client cancels or the connection goes away. */
  readonly signal: AbortSignal;
}

export interface World {
  readonly namespaces: Map<string, NamespaceObject>;
  readonly clientConfigurations: Map<string, ClientConfigurationObject>;
  readonly sessions: Map<string, SessionObject>;
  /** Backends by name (ListBackends / GetBackendStatus, and the configurations' backend). */
  readonly backends: Map<string, Message & { name: string }>;
  /** PatternAssignment messages (ListPatterns). */
  readonly patterns: Message[];
  /** Launcher messages (ListLaunchers). */
  readonly launchers: Message[];
  /** Oldest first; the server streams it newest first. */
  readonly auditLog: AuditEntryObject[];
  maintenance: MaintenanceObject;
  /** `CreateNamespace <request id>` for each mutation that acted (a replay does not). */
  readonly applied: string[];
  /** Notified after every change (maintenance, sessions, operations). */
  readonly changes: Changes;
  /** What Watch streams announce, with resource versions; retained for resumes. */
  readonly watch: ChangeLog;
}

export function createWorld(retainedChanges?: number): World {
  return {
    namespaces: new Map(),
    clientConfigurations: new Map(),
    sessions: new Map(),
    backends: new Map(),
    patterns: [],
    launchers: [],
    auditLog: [],
    maintenance: { enabled: false, message: '' },
    applied: [],
    changes: new Changes(),
    watch: new ChangeLog(retainedChanges),
  };
}

let auditSequence = 0;

export interface AuditInput {
  actor: string;
  operation: string;
  resource: string;
  namespace: string;
  outcome: string;
  reason: string;
  requestId: string;
  errorCode?: string;
  errorMessage?: string;
}

export function appendAudit(world: World, entry: AuditInput): void {
  auditSequence++;
  world.auditLog.push({
    errorCode: '',
    errorMessage: '',
    ...entry,
    id: `audit-${String(auditSequence).padStart(8, '0')}`,
    time: timestamp(),
  });
}

export interface MutationSpec<T> {
  /** For the audit entry: "namespaces/orders", "maintenance", "operations/op-1". */
  resource: string;
  /** For the audit entry; '' when not about one namespace. */
  namespace: string;
  /** Field problems of the request itself (request id and reason are checked already). */
  validate?(): { field: string; description: string }[];
  act(): T;
  /** The Watch event an attempt that acted announces (enum names), in `namespace`. */
  announces?: { kind: string; id: string; change: string };
}

/** Runs mutations: validation, replay of a retried request id, an audit entry per attempt. */
export class Mutations {
  private readonly outcomes = new Map<string, { method: string; result: unknown }>();

  constructor(private readonly world: World) {}

  run<T>(request: Message, context: CallContext, spec: MutationSpec<T>): T {
    const requestId = String(request.requestId ?? '');
    const reason = String(request.reason ?? '');
    const previous = this.outcomes.get(requestId);
    if (previous && previous.method === context.method) {
      if (previous.result instanceof Refusal) throw new Refusal(previous.result.error);
      return previous.result as T;
    }
    let result: unknown;
    try {
      const violations: { field: string; description: string }[] = [];
      if (requestId === '') violations.push({ field: 'request_id', description: 'is required' });
      else if (previous) {
        violations.push({
          field: 'request_id',
          description: `was already used for ${previous.method}`,
        });
      }
      if (reason.trim() === '') violations.push({ field: 'reason', description: 'is required' });
      violations.push(...(spec.validate?.() ?? []));
      if (violations.length > 0) invalid(violations);
      result = spec.act();
      this.world.applied.push(`${context.method} ${requestId}`);
      const { announces } = spec;
      if (announces) {
        this.world.watch.emit(announces.kind, announces.id, announces.change, spec.namespace);
      }
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      result = err;
    }
    const failed = result instanceof Refusal ? result.error : undefined;
    appendAudit(this.world, {
      actor: context.actor,
      operation: context.method,
      resource: spec.resource,
      namespace: spec.namespace,
      outcome: failed ? 'AUDIT_OUTCOME_FAILURE' : 'AUDIT_OUTCOME_SUCCESS',
      errorCode: failed ? codeName(failed.code) : '',
      errorMessage: failed?.message ?? '',
      reason,
      requestId,
    });
    if (requestId !== '' && !previous)
      this.outcomes.set(requestId, { method: context.method, result });
    if (result instanceof Refusal) throw result;
    return result as T;
  }
}
