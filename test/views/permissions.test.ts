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

  it('covers every namespace mutation of the control plane', () => {
    const namespaceWrites = Object.entries(RPC_ACCESS)
      .filter(([rpc, access]) => access.mutation && rpc.endsWith('Namespace'))
      .map(([rpc]) => rpc);
    expect([...actions].sort()).toEqual(namespaceWrites.sort());
    expect(namespaceWrites).toHaveLength(3);
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
    for (const action of actions) expect(can[action]).toEqual({ allowed, needs: 'admin' });
  });
});
