import { describe, expect, it } from 'vitest';
import {
  type AdminMethodName,
  RPC_ACCESS,
  requiredRole,
} from '../../src/dev/control-plane/roles.js';
import type { Role } from '../../src/plugins/operator.js';
import { type GuardedAction, NEEDS, permissionsFor } from '../../src/views/permissions.js';

const actions = Object.keys(NEEDS) as GuardedAction[];

describe('NEEDS', () => {
  it('asks for the role the control plane requires for each RPC', () => {
    // Typed as AdminMethodName: an action that is no RPC of AdminService fails to compile.
    const rpcs: readonly AdminMethodName[] = actions;
    for (const rpc of rpcs) expect(NEEDS[rpc as GuardedAction], rpc).toBe(requiredRole(rpc));
  });

  it('covers every mutation of the control plane the console offers a form for', () => {
    const writes = Object.entries(RPC_ACCESS)
      .filter(([, access]) => access.mutation)
      .map(([rpc]) => rpc)
      // Terminating sessions has its own role constant (TERMINATE_SESSIONS_ROLE).
      .filter((rpc) => rpc !== 'terminateClientSession');
    expect([...actions].sort()).toEqual(writes.sort());
  });
});

describe('permissionsFor', () => {
  it.each<[Role | undefined, boolean]>([
    [undefined, false],
    ['viewer', false],
    ['operator', false],
    ['admin', true],
  ])('%s may change namespaces: %s', (role, allowed) => {
    const can = permissionsFor(role);
    for (const action of ['createNamespace', 'updateNamespace', 'deleteNamespace'] as const) {
      expect(can[action]).toEqual({ allowed, needs: 'admin' });
    }
  });

  it.each<[Role | undefined, boolean]>([
    [undefined, false],
    ['viewer', false],
    ['operator', true],
    ['admin', true],
  ])('%s may set maintenance, drain and cancel: %s', (role, allowed) => {
    const can = permissionsFor(role);
    for (const action of ['setMaintenanceMode', 'drainConnections', 'cancelOperation'] as const) {
      expect(can[action]).toEqual({ allowed, needs: 'operator' });
    }
  });
});
