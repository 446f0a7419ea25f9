// The console wired to the conformance server (grpc-js, grpc-go's ways) instead of the demo
// control plane, signed in through the real identity provider: what the console tests here use.

import type { FastifyInstance } from 'fastify';
import type { SignedIn, Stack } from '../helper.js';
import { startStack } from '../helper.js';
import { seedInfrastructure, seedNamespace } from './fixtures.js';
import {
  type ConformanceOptions,
  type ConformanceServer,
  startConformanceServer,
} from './server.js';

export interface ConsoleOnConformance {
  stack: Stack;
  server: ConformanceServer;
  app: FastifyInstance;
  admin: SignedIn;
  operator: SignedIn;
  viewer: SignedIn;
  close(): Promise<void>;
}

export async function consoleOnConformance(
  options: ConformanceOptions = {},
): Promise<ConsoleOnConformance> {
  const stack = await startStack();
  const server = await startConformanceServer(options);
  seedInfrastructure(server);
  seedNamespace(server, 'orders');
  seedNamespace(server, 'billing');
  const app = await stack.replica({ env: { CONTROL_PLANE_URL: server.url } });
  const [admin, operator, viewer] = await Promise.all([
    stack.signIn('admin', app),
    stack.signIn('operator', app),
    stack.signIn('viewer', app),
  ]);
  return {
    stack,
    server,
    app,
    admin,
    operator,
    viewer,
    async close() {
      await stack.close();
      await server.stop();
    },
  };
}
