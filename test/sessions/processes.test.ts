import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/project-root.js';
import { freePort, type SignedIn, type Stack, startStack } from '../helper.js';
import { type RedisServer, startRedisServer } from './redis-server.js';

/*
 * Two console processes sharing one Redis, as two replicas behind one address: this test's own
 * console and a second one started as a child process (`src/server.ts`, serve mode) with the same
 * configuration but its own port and its own Redis connection.
 */
let redis: RedisServer;
let stack: Stack;
let child: ChildProcess;
let childUrl: string;
let output = '';

beforeAll(async () => {
  redis = await startRedisServer();
  stack = await startStack({ env: { REDIS_URL: redis.url }, signInAdmin: false });
  const port = await freePort();
  childUrl = `http://127.0.0.1:${port}`;
  const root = projectRoot();
  child = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['src/server.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...stack.env, PORT: String(port), SHUTDOWN_GRACE_MS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${childUrl}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      throw new Error(`the second console did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await stack?.close();
  await redis?.stop();
});

/** A request to the second process, with the operator's cookie, as the browser would send it. */
function onChild(who: SignedIn, path: string, init: RequestInit = {}) {
  return fetch(`${childUrl}${path}`, {
    ...init,
    redirect: 'manual',
    headers: { cookie: who.cookie, origin: stack.baseUrl, ...(init.headers ?? {}) },
  });
}

async function refusedWithin(check: () => Promise<number>, ms: number): Promise<number> {
  const started = Date.now();
  let status = await check();
  while (status === 200 && Date.now() - started < ms) status = await check();
  expect(Date.now() - started).toBeLessThan(ms);
  return status;
}

describe('two console processes sharing one Redis', () => {
  it('a sign-in on one process is a session on the other', async () => {
    const operator = await stack.signIn('operator');
    const page = await onChild(operator, '/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Oscar Operator');
  });

  it('signed out on the other process, the first refuses the cookie within a second', async () => {
    const viewer = await stack.signIn('viewer');
    const out = await onChild(viewer, '/auth/sign-out', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: viewer.csrfToken }),
    });
    expect(out.status).toBe(303);
    const status = await refusedWithin(
      async () => (await viewer.inject({ url: '/' })).statusCode,
      1000,
    );
    expect(status).toBe(303);
  });

  it('revoked on the first process, the other refuses the cookie within a second', async () => {
    const admin = await stack.signIn('admin');
    const operator = await stack.signIn('operator');
    expect((await onChild(operator, '/')).status).toBe(200);
    const sid = (await stack.app.sessions.list()).find(
      (s) => s.username === 'operator' && s.accessToken === operator.accessToken,
    )?.id;
    expect(sid).toBeDefined();
    await stack.app.sessions.delete(String(sid));
    const status = await refusedWithin(async () => (await onChild(operator, '/')).status, 1000);
    expect(status).toBe(303);
    // The admin, untouched, still works on both.
    expect((await onChild(admin, '/')).status).toBe(200);
  });
});
