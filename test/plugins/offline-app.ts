import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

/**
 * The whole console (every plugin and hook) pointed at a control plane and an identity provider
 * that never answer: for tests of a plugin through public routes of their own, which make no call.
 */
export function offlineApp(): Promise<FastifyInstance> {
  return buildApp({
    config: loadConfig({
      PUBLIC_URL: 'http://127.0.0.1:8000',
      CONTROL_PLANE_URL: 'http://127.0.0.1:1',
      OIDC_ISSUER: 'http://127.0.0.1:1',
      OIDC_CLIENT_ID: 'prism-console',
      OIDC_CLIENT_SECRET: 'unused',
      SESSION_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'silent',
    }),
  });
}
