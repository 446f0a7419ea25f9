import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/project-root.js';
import {
  type ConsoleSession,
  createMemorySessionStore,
  createRedisSessionStore,
  newSessionId,
  SessionStoreUnavailable,
} from '../../src/sessions/index.js';
import { parseHtml, textOf } from '../dom.js';
import { freePort, type Stack, startStack } from '../helper.js';
import { type RedisServer, startRedisServer } from './redis-server.js';

/*
 * Redis frozen (SIGSTOP: its connections stay open and nothing is answered — what no socket error
 * reveals) and thawed (SIGCONT), under a console signed in against it.
 */
let redis: RedisServer;
let stack: Stack;
beforeAll(async () => {
  redis = await startRedisServer();
  stack = await startStack({ env: { REDIS_URL: redis.url } });
}, 60_000);
afterAll(async () => {
  redis?.resume();
  await stack?.close();
  await redis?.stop();
});

function session(overrides: Partial<ConsoleSession> = {}): ConsoleSession {
  const at = Date.now();
  return {
    id: newSessionId(),
    subject: 'user-ada',
    username: 'admin',
    name: 'Ada Admin',
    role: 'admin',
    accessToken: 'token',
    accessTokenExpiresAt: at + 60_000,
    idToken: 'id-token',
    createdAt: at,
    lastSeenAt: at,
    absoluteExpiresAt: at + 3_600_000,
    idleTimeoutMs: 1_800_000,
    ip: '127.0.0.1',
    userAgent: 'vitest',
    ...overrides,
  };
}

describe('a frozen Redis under a signed-in console', () => {
  it('answers a clear 503 page and fragment at once, fails readiness, and recovers by itself', async () => {
    expect((await stack.admin.inject({ url: '/' })).statusCode).toBe(200);
    redis.pause();
    try {
      let started = Date.now();
      const page = await stack.admin.inject({ url: '/' });
      expect(Date.now() - started).toBeLessThan(2500);
      expect(page.statusCode).toBe(503);
      const error = textOf(parseHtml(page.body).querySelector('[data-testid="error"]'));
      expect(error).toContain('Session store unavailable');
      expect(error).not.toContain('Something went wrong');

      const fragment = await stack.admin.inject({ url: '/', headers: { 'hx-request': 'true' } });
      expect(fragment.statusCode).toBe(503);
      expect(fragment.headers['hx-retarget']).toBe('#alerts');
      expect(fragment.body).toContain('Session store unavailable');
      expect(fragment.body).not.toContain('<html');

      started = Date.now();
      const ready = await stack.app.inject({ url: '/readyz' });
      expect(Date.now() - started).toBeLessThan(1500);
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ sessionStore: 'unreachable' });
      expect((await stack.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      redis.resume();
    }
    await expect
      .poll(async () => (await stack.admin.inject({ url: '/' })).statusCode, { timeout: 5000 })
      .toBe(200);
    expect((await stack.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('fails every store operation within its timeout with SessionStoreUnavailable', async () => {
    const store = await createRedisSessionStore(redis.url, {
      prefix: `outage-${newSessionId()}:`,
      commandTimeoutMs: 300,
    });
    const ada = session();
    await store.create(ada);
    redis.pause();
    try {
      for (const operation of [
        () => store.get(ada.id),
        () => store.touch(ada.id, Date.now() + 60_000),
        () => store.update(ada.id, { name: 'Ada' }),
        () => store.create(session()),
        () => store.delete(ada.id),
        () => store.list(),
        () => store.ping(),
      ]) {
        const started = Date.now();
        const error = await operation().catch((err: unknown) => err);
        expect(Date.now() - started).toBeLessThan(1000);
        expect(error).toBeInstanceOf(SessionStoreUnavailable);
        expect((error as SessionStoreUnavailable).statusCode).toBe(503);
      }
    } finally {
      redis.resume();
    }
    // Back by itself (what was sent before the timeout may still have been carried out, as
    // with any write whose answer never came: the delete above, say).
    await expect
      .poll(
        () =>
          store.ping().then(
            () => 'answers',
            () => 'silent',
          ),
        { timeout: 3000 },
      )
      .toBe('answers');
    const bob = session({ username: 'bob' });
    await store.create(bob);
    await expect(store.get(bob.id)).resolves.toEqual(bob);
    await store.close();
  });
});

describe('the index of sessions in Redis', () => {
  it('is pruned of sessions Redis forgot without anyone opening the sessions page', async () => {
    const prefix = `prune-${newSessionId()}:`;
    const writer = await createRedisSessionStore(redis.url, { prefix, pruneIntervalMs: 0 });
    const client = await createClient({ url: redis.url }).connect();
    const kept = session();
    await writer.create(kept);
    // More than one batch of the prune, gone from Redis (their TTL) but not from the index.
    for (let i = 0; i < 450; i++) await writer.create(session({ idleTimeoutMs: 300 }));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await client.zCard(`${prefix}sessions`)).toBe(451);
    await writer.close();
    const store = await createRedisSessionStore(redis.url, { prefix, pruneIntervalMs: 200 });
    try {
      await expect
        .poll(() => client.zCard(`${prefix}sessions`), { timeout: 5000, interval: 200 })
        .toBe(1);
      expect(await client.zRange(`${prefix}sessions`, 0, -1)).toEqual([kept.id]);
    } finally {
      await client.close();
      await store.close();
    }
  });
});

describe('the memory store', () => {
  it('keeps at most its maximum, ending the least recently used session and saying so', async () => {
    const evicted: string[] = [];
    const store = createMemorySessionStore({
      maxSessions: 3,
      onEvict: (s, max) => evicted.push(`${s.username}/${max}`),
    });
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((username) => session({ username }));
    if (!a || !b || !c || !d) throw new Error('four sessions');
    for (const s of [a, b, c]) await store.create(s);
    await store.get(a.id); // a is used: b is now the least recently used
    await store.create(d);
    expect(evicted).toEqual(['b/3']);
    expect(await store.get(b.id)).toBeUndefined();
    expect((await store.list()).map((s) => s.username).sort()).toEqual(['a', 'c', 'd']);
    await store.close();
  });
});

describe('serve mode started before Redis answers', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('waits with one clear line per attempt, no stack trace, and starts once Redis answers', async () => {
    const frozen = await startRedisServer();
    frozen.pause();
    const port = await freePort();
    let output = '';
    const root = projectRoot();
    // Node itself with tsx's loader: the tsx wrapper process would relay signals with its own
    // timing and exit codes.
    child = spawn(
      join(root, 'node_modules', '.bin', 'node'),
      ['--import', 'tsx', 'src/server.ts'],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH ?? '',
          ...stack.env,
          PORT: String(port),
          REDIS_URL: frozen.url,
          SHUTDOWN_GRACE_MS: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    try {
      await expect
        .poll(() => output, { timeout: 20_000, interval: 200 })
        .toContain('waiting for the session store');
      const line = output.split('\n').find((l) => l.includes('waiting for the session store'));
      expect(line).toMatch(
        new RegExp(
          `^prism-web-console: waiting for the session store \\(attempt 1\\): Cannot connect to Redis at redis://127\\.0\\.0\\.1:${frozen.port}: .+; retrying in 2 s$`,
        ),
      );
      expect(output).not.toMatch(/^\s+at /m);
      frozen.resume();
      await expect
        .poll(
          async () => {
            try {
              return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
            } catch {
              return 0;
            }
          },
          { timeout: 20_000, interval: 250 },
        )
        .toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      await frozen.stop();
    }
  }, 60_000);
});
