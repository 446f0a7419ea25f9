// The rules every mutation keeps, in one place: validate request_id and reason together with
// the request's own fields, replay a retried request_id instead of acting twice, and write an
// audit entry for every attempt, successful or not.

import { Code, ConnectError, type HandlerContext } from '@connectrpc/connect';
import { AuditOutcome } from '../../gen/prism/admin/v1/audit_pb.js';
import { ANONYMOUS, type Caller, callerKey } from './identity.js';
import type { ControlPlaneState } from './state.js';
import { codeName, invalidField, Violations } from './validation.js';

export interface MutationSpec<T> {
  readonly requestId: string;
  readonly reason: string;
  /** For the audit entry, e.g. "namespaces/orders-prod". */
  readonly resource: string;
  /** For the audit entry; '' when the change is not about one namespace. */
  readonly namespace: string;
  /** Adds the request's own field problems (request_id and reason are checked already). */
  validate?(violations: Violations): void;
  /**
   * Acts and returns the response. It must return a snapshot (cloned messages), because a
   * retry with the same request id gets this very value back later.
   */
  apply(actor: string): T;
}

type Outcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: ConnectError };

interface Remembered {
  readonly method: string;
  readonly outcome: Outcome;
}

/** How many request ids are remembered for replay; the oldest are forgotten first. */
export const REMEMBERED_REQUEST_IDS = 10_000;

/** How the runner learns who calls; by default what the auth interceptor established. */
export type IdentifyContext = (context: HandlerContext) => Caller | Promise<Caller>;

export const callerFromContext: IdentifyContext = (context) => {
  const caller = context.values.get(callerKey);
  if (!caller) {
    throw new ConnectError('no caller: the auth interceptor is not installed', Code.Internal);
  }
  return caller;
};

export class MutationRunner {
  private readonly remembered = new Map<string, Remembered>();

  constructor(
    private readonly state: ControlPlaneState,
    private readonly identify: IdentifyContext = callerFromContext,
  ) {}

  async run<T>(context: HandlerContext, spec: MutationSpec<T>): Promise<T> {
    const method = context.method.name;
    let caller: Caller;
    try {
      caller = await this.identify(context);
    } catch (err) {
      const error = ConnectError.from(err);
      this.audit(ANONYMOUS, method, spec, AuditOutcome.DENIED, error);
      throw error;
    }
    const { actor, refusal } = caller;
    if (refusal) {
      // Refused callers (a bad token, a role that may not do this) are audited too, as DENIED,
      // with their name when the token was valid. Nothing is remembered: a retry is checked again.
      this.audit(actor, method, spec, AuditOutcome.DENIED, refusal);
      throw refusal;
    }
    // From here on everything is synchronous, so two concurrent calls with the same request id
    // cannot both act: the second one sees what the first remembered.
    const previous = spec.requestId === '' ? undefined : this.remembered.get(spec.requestId);
    if (previous && previous.method !== method) {
      // Not a retry but a client bug; refuse it and keep the first outcome for real retries.
      const error = invalidField(
        'request_id',
        `was already used for ${previous.method}; use a new request id for every change`,
      );
      this.audit(actor, method, spec, AuditOutcome.FAILURE, error);
      throw error;
    }
    // A retry: the first outcome again, without acting or auditing a second time.
    if (previous) return replay(previous.outcome) as T;

    let outcome: Outcome;
    try {
      const violations = new Violations();
      violations.mutation(spec.requestId, spec.reason);
      spec.validate?.(violations);
      violations.throwIfAny();
      outcome = { ok: true, value: spec.apply(actor) };
    } catch (err) {
      // Anything but a ConnectError is a bug in this server: INTERNAL, not the caller's fault.
      const error =
        err instanceof ConnectError
          ? err
          : new ConnectError(
              `internal error: ${String(err)}`,
              Code.Internal,
              undefined,
              undefined,
              err,
            );
      outcome = { ok: false, error };
    }
    if (outcome.ok) this.audit(actor, method, spec, AuditOutcome.SUCCESS);
    else this.audit(actor, method, spec, AuditOutcome.FAILURE, outcome.error);
    // Internal errors are bugs, not outcomes: a retry should really try again.
    if (spec.requestId !== '' && (outcome.ok || outcome.error.code !== Code.Internal)) {
      this.remember(spec.requestId, { method, outcome });
    }
    return replay(outcome) as T;
  }

  private audit(
    actor: string,
    operation: string,
    spec: MutationSpec<unknown>,
    outcome: AuditOutcome,
    error?: ConnectError,
  ): void {
    this.state.appendAudit({
      actor,
      operation,
      resource: spec.resource,
      namespace: spec.namespace,
      outcome,
      errorCode: error ? codeName(error.code) : '',
      errorMessage: error?.rawMessage ?? '',
      reason: spec.reason,
      requestId: spec.requestId,
    });
  }

  private remember(requestId: string, remembered: Remembered): void {
    this.remembered.set(requestId, remembered);
    if (this.remembered.size > REMEMBERED_REQUEST_IDS) {
      const oldest = this.remembered.keys().next().value;
      if (oldest !== undefined) this.remembered.delete(oldest);
    }
  }
}

/** The value, or a fresh copy of the error (an error object is not thrown twice). */
function replay(outcome: Outcome): unknown {
  if (outcome.ok) return outcome.value;
  const { error } = outcome;
  const details = error.details.filter((detail) => 'desc' in detail);
  throw new ConnectError(error.rawMessage, error.code, error.metadata, details, error.cause);
}
