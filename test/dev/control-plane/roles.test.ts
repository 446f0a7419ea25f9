// Every RPC of AdminService, called as every role over HTTP/2, is allowed or refused exactly as
// DESIGN.md says — the expectation is derived here from the proto's NO_SIDE_EFFECTS marks and
// the operator/admin lists of DESIGN.md, not from the server's own table.

import { create, type DescMethod } from '@bufbuild/protobuf';
import { MethodOptions_IdempotencyLevel } from '@bufbuild/protobuf/wkt';
import { type CallOptions, Code, ConnectError } from '@connectrpc/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminMethodName,
  DEFAULT_ROLE_MAPPING,
  type Role,
  requiredRole,
  roleAllows,
  roleFromClaim,
} from '../../../src/dev/control-plane/index.js';
import { AdminService } from '../../../src/gen/prism/admin/v1/admin_service_pb.js';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';
import { type AdminClient, type Harness, rid, startHarness } from './harness.js';
import { createTestIssuer, type TestIssuer, USERS } from './tokens.js';

const OPERATOR_RPCS = new Set([
  'TerminateClientSession',
  'SetMaintenanceMode',
  'DrainConnections',
  'CancelOperation',
]);
/** Server streams that only read (the DESIGN's role rules: viewers read, Watch included). */
const STREAMING_READS = new Set(['Watch', 'WatchOperation']);
const ADMIN_ONLY_READS = new Set(['GetAuditLog']);

function isRead(method: DescMethod): boolean {
  return (
    method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS ||
    STREAMING_READS.has(method.name) ||
    ADMIN_ONLY_READS.has(method.name)
  );
}

/** What DESIGN.md says each RPC needs. */
function expectedRole(method: DescMethod): Role {
  if (ADMIN_ONLY_READS.has(method.name)) return 'admin';
  if (isRead(method)) return 'viewer';
  if (OPERATOR_RPCS.has(method.name)) return 'operator';
  return 'admin';
}

const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
const USER_OF_ROLE = { viewer: USERS.viewer, operator: USERS.operator, admin: USERS.admin };

describe('the role table', () => {
  it.each(AdminService.methods.map((m) => [m.name, m] as const))(
    '%s needs the role DESIGN.md gives it',
    (_, method) => {
      expect(requiredRole(method)).toBe(expectedRole(method));
      expect(requiredRole(method.localName as AdminMethodName)).toBe(expectedRole(method));
    },
  );

  it('orders roles admin ⊇ operator ⊇ viewer', () => {
    expect(ROLES.map((r) => ROLES.filter((required) => roleAllows(r, required)))).toEqual([
      ['viewer'],
      ['viewer', 'operator'],
      ['viewer', 'operator', 'admin'],
    ]);
  });

  it('maps claim values to the highest mapped role, ignoring the rest', () => {
    expect(roleFromClaim(['prism-viewers', 'prism-admins', 'prism-operators'])).toBe('admin');
    expect(roleFromClaim('prism-operators')).toBe('operator');
    expect(roleFromClaim(['marketing', 42, null])).toBeUndefined();
    expect(roleFromClaim(['constructor', 'toString', '__proto__'])).toBeUndefined();
    expect(roleFromClaim(undefined)).toBeUndefined();
    expect(roleFromClaim({ 'prism-admins': true })).toBeUndefined();
    expect(DEFAULT_ROLE_MAPPING).toEqual({
      'prism-admins': 'admin',
      'prism-operators': 'operator',
      'prism-viewers': 'viewer',
    });
  });
});

let idp: TestIssuer;
let h: Harness;
beforeAll(async () => {
  idp = await createTestIssuer();
  h = await startHarness({ auth: idp.auth() });
});
afterAll(() => h.close());

type AnyCall = (
  request: unknown,
  options: CallOptions,
) => Promise<unknown> | AsyncIterable<unknown>;

/**
 * Calls any RPC with a nearly empty request (mutations get a request id and a reason) and
 * returns the error code, or undefined when it answered. A stream counts as answered at its
 * first message; it is then cancelled (Watch would never end).
 */
async function call(
  client: AdminClient,
  method: DescMethod,
  options: CallOptions,
  requestId: string,
): Promise<Code | undefined> {
  const fields = new Set(method.input.fields.map((f) => f.localName));
  const init: Record<string, unknown> = {};
  if (fields.has('requestId')) init.requestId = requestId;
  if (fields.has('reason')) init.reason = 'checking the role table';
  const request = create(method.input, init);
  const fn = (client as unknown as Record<string, AnyCall>)[method.localName];
  if (!fn) throw new Error(`no client method ${method.localName}`);
  const abort = new AbortController();
  try {
    const answer = fn(request, { ...options, signal: abort.signal });
    if (method.methodKind === 'unary') await answer;
    else {
      for await (const _ of answer as AsyncIterable<unknown>) break;
    }
    return undefined;
  } catch (err) {
    return ConnectError.from(err).code;
  } finally {
    abort.abort();
  }
}

const REFUSALS = [Code.PermissionDenied, Code.Unauthenticated];
const codeName = (code: Code | undefined) => (code === undefined ? 'OK' : Code[code]);

describe.each(ROLES)('as %s', (role) => {
  let options: CallOptions;
  beforeAll(async () => {
    options = idp.bearer(await idp.mint(USER_OF_ROLE[role]));
  });

  it.each(AdminService.methods.map((m) => [m.name, m] as const))('%s', async (_, method) => {
    const requestId = rid();
    const auditSize = h.cp.state.auditLog.length;
    const code = await call(h.client, method, options, requestId);
    if (roleAllows(role, expectedRole(method))) {
      expect(REFUSALS, `${method.name} answered ${codeName(code)}`).not.toContain(code);
      return;
    }
    expect(codeName(code)).toBe(codeName(Code.PermissionDenied));
    if (isRead(method)) {
      // Refused reads are not audited: nothing happened.
      expect(h.cp.state.auditLog.length).toBe(auditSize);
    } else {
      expect(h.cp.state.findAuditEntry(requestId)).toMatchObject({
        actor: USER_OF_ROLE[role].preferred_username,
        operation: method.name,
        outcome: AuditOutcome.DENIED,
        errorCode: 'permission_denied',
      });
    }
  });
});

describe('without a mapped role, or without a token', () => {
  it.each(AdminService.methods.map((m) => [m.name, m] as const))(
    '%s is refused',
    async (_, method) => {
      const nobody = idp.bearer(await idp.mint(USERS.nobody));
      expect(codeName(await call(h.client, method, nobody, rid()))).toBe(
        codeName(Code.PermissionDenied),
      );
      expect(codeName(await call(h.client, method, {}, rid()))).toBe(
        codeName(Code.Unauthenticated),
      );
    },
  );
});
