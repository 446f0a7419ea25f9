import type { FastifyInstance } from 'fastify';

// Namespaces area: being built (list, detail, create, edit, delete).
export default async function namespaceRoutes(_app: FastifyInstance) {}
