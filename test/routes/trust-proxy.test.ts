import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

/*
 * Who the client is behind an ingress (TRUST_PROXY): what rate limits and the sessions page's
 * "from where" read as request.ip. A probe route reports it; nothing here needs the control
 * plane or the identity provider.
 */
const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function ipSeenWith(trustProxy: string | undefined, headers: Record<string, string>) {
  const app = await buildApp({
    config: loadConfig({
      CONTROL_PLANE_URL: 'http://127.0.0.1:1',
      PUBLIC_URL: 'https://console.example',
      OIDC_ISSUER: 'https://login.example',
      OIDC_CLIENT_ID: 'prism-console',
      OIDC_CLIENT_SECRET: 'secret',
      SESSION_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'silent',
      ...(trustProxy === undefined ? {} : { TRUST_PROXY: trustProxy }),
    }),
  });
  apps.push(app);
  app.get('/__test/ip', { config: { public: true } }, async (request) => ({ ip: request.ip }));
  await app.ready();
  const res = await app.inject({ url: '/__test/ip', remoteAddress: '10.1.2.3', headers });
  return (res.json() as { ip: string }).ip;
}

describe('TRUST_PROXY', () => {
  const forwarded = { 'x-forwarded-for': '203.0.113.9, 198.51.100.4' };

  it('by default believes no X-Forwarded-For: the address is the peer', async () => {
    expect(await ipSeenWith(undefined, forwarded)).toBe('10.1.2.3');
  });

  it('with a hop count, takes the address the nearest proxies were given', async () => {
    expect(await ipSeenWith('1', forwarded)).toBe('198.51.100.4');
    expect(await ipSeenWith('2', forwarded)).toBe('203.0.113.9');
  });

  it('with addresses and ranges, believes only proxies inside them', async () => {
    expect(await ipSeenWith('10.0.0.0/8', forwarded)).toBe('198.51.100.4');
    expect(await ipSeenWith('10.0.0.0/8,198.51.100.0/24', forwarded)).toBe('203.0.113.9');
    expect(await ipSeenWith('192.168.0.0/16', forwarded)).toBe('10.1.2.3');
  });
});
