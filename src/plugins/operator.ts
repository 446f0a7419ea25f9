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

const rank: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** True when `role` includes everything `needed` may do. */
export function hasRole(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && rank[role] >= rank[needed];
}

/** The highest role that any of the claim's values maps to; undefined when none does. */
export function roleFromClaim(claim: unknown, mapping: Record<string, Role>): Role | undefined {
  const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? [claim] : [];
  let best: Role | undefined;
  for (const value of values) {
    const role = typeof value === 'string' ? mapping[value] : undefined;
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
