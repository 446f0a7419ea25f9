import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import {
  type ControlPlaneOptions,
  type DemoControlPlane,
  startControlPlane,
} from '../src/dev/control-plane/index.js';

export interface Stack {
  controlPlane: DemoControlPlane;
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * The console wired to a real demo control plane over HTTP/2 — what route and browser tests run
 * against. The simulator is off unless asked for, so what a test sees is what it did.
 */
export async function startStack(
  options: { env?: Record<string, string>; controlPlane?: ControlPlaneOptions } = {},
): Promise<Stack> {
  const controlPlane = await startControlPlane({ simulate: false, ...options.controlPlane });
  const config = loadConfig({
    CONTROL_PLANE_URL: controlPlane.url,
    CONTROL_PLANE_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const app = await buildApp({ config });
  await app.ready();
  return {
    controlPlane,
    app,
    async close() {
      await app.close();
      await controlPlane.stop();
    },
  };
}

/** Listens on a free loopback port, for browser tests; returns the base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  return `http://127.0.0.1:${address.port}`;
}
