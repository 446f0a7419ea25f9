import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export type Role = 'viewer' | 'operator' | 'admin';

/** The signed-in person a request acts for. */
export interface Operator {
  subject: string;
  name: string;
  role: Role;
  /** Stays on the server: forwarded to the control plane, never rendered. */
  accessToken: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Null until sign-in exists (the OIDC issue fills it from the server-side session).
     * Everything that acts for someone reads it from here.
     */
    operator: Operator | null;
  }
}

export default fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('operator', null);
  },
  { name: 'operator' },
);
