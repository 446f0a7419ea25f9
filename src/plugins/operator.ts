import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export type Role = 'viewer' | 'operator' | 'admin';

/** The signed-in person a request acts for. */
export interface Operator {
  subject: string;
  username: string;
  name: string;
  role: Role;
  /** Stays on the server: forwarded to the control plane, never rendered. */
  accessToken: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The signed-in operator (filled from the server-side session), null on public routes.
     * Everything that acts for someone reads it from here.
     */
    operator: Operator | null;
  }
}

const rank: Readonly<Record<Role, number>> = { viewer: 1, operator: 2, admin: 3 };

/** True when `role` includes everything `needed` may do (admin ⊇ operator ⊇ viewer). */
export function hasRole(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && rank[role] >= rank[needed];
}

/**
 * The highest role any of the claim's values maps to (a list of strings or one string);
 * undefined when none does. Shared by the console and the demo control plane, so both read a
 * token's groups the same way.
 */
export function roleFromClaim(
  claim: unknown,
  mapping: Readonly<Record<string, Role>>,
): Role | undefined {
  const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? [claim] : [];
  let best: Role | undefined;
  for (const value of values) {
    // Own keys only: a group called "constructor" must not find Object.prototype's.
    if (typeof value !== 'string' || !Object.hasOwn(mapping, value)) continue;
    const role = mapping[value];
    if (role && (!best || rank[role] > rank[best])) best = role;
  }
  return best;
}

export default fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('operator', null);
  },
  { name: 'operator' },
);
