import type { FastifyBaseLogger, FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedRateLimitStore } from '../../src/plugins/rate-limit-store.js';
import { REDIS_COMMAND_TIMEOUT_MS, SessionStoreUnavailable } from '../../src/sessions/index.js';
import { parseHtml, textOf } from '../dom.js';
import { type Stack, startStack } from '../helper.js';
import { type RedisServer, startRedisServer } from '../sessions/redis-server.js';

/*
 * Two console replicas sharing one Redis (Debian's redis-server, started here): the sign-in rate
 * limit is counted there, so a client address gets 30 attempts a minute across all replicas, not
 * 30 on each. A frozen Redis (SIGSTOP) lets attempts through uncounted, without hanging.
 */

const LIMIT = 30;

let redis: RedisServer;
let stack: Stack;
/** The first console: `stack.app`. The second: */
let replica: FastifyInstance;

beforeAll(async () => {
  redis = await startRedisServer();
  stack = await startStack({ env: { REDIS_URL: redis.url }, signInAdmin: false });
  replica = await stack.replica();
}, 60_000);
afterAll(async () => {
  redis?.resume();
  await stack?.close();
  await redis?.stop();
});

/** A client address of its own per test: counts in Redis outlive a test. */
let address = 0;
function nextAddress(): string {
  address += 1;
  return `203.0.113.${address}`;
}

const signIn = (app: FastifyInstance, remoteAddress: string) =>
  app.inject({ url: '/auth/sign-in', remoteAddress });

function expectTooMany(response: LightMyRequestResponse) {
  expect(response.statusCode).toBe(429);
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(60);
  expect(String(response.headers['content-type'])).toMatch(/^text\/html/);
  const doc = parseHtml(response.body);
  expect(doc.title).toMatch(/^Too many sign-in attempts/);
  const alert = textOf(doc.querySelector('[role="alert"], [data-testid="error"]'));
  expect(alert).toMatch(/Too many sign-in attempts/);
  expect(alert).toMatch(/try again in \d+ (second|minute)/i);
}

describe('sign-in rate limit shared by replicas through Redis', () => {
  it('30 attempts spread over both replicas from one address; the 31st is refused on either', async () => {
    const from = nextAddress();
    for (let i = 0; i < LIMIT; i++) {
      const answer = await signIn(i % 2 === 0 ? stack.app : replica, from);
      expect(answer.statusCode, `attempt ${i + 1}`).toBe(303);
    }
    expectTooMany(await signIn(stack.app, from));
    expectTooMany(await signIn(replica, from));

    // The count is in Redis, under the console's prefix, and ends with its window.
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const keys = await client.keys(`prism-console:rate-limit:*${from}`);
      expect(keys).toEqual([`prism-console:rate-limit:GET/auth/sign-in:${from}`]);
      expect(Number(await client.get(keys[0] ?? ''))).toBe(LIMIT + 2);
      const ttl = await client.pTTL(keys[0] ?? '');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      await client.close();
    }
  });

  it('another address still gets through, on both replicas', async () => {
    const from = nextAddress();
    for (let i = 0; i < LIMIT + 1; i++) await signIn(i % 2 === 0 ? replica : stack.app, from);
    expectTooMany(await signIn(stack.app, from));
    const other = nextAddress();
    expect((await signIn(stack.app, other)).statusCode).toBe(303);
    expect((await signIn(replica, other)).statusCode).toBe(303);
  });

  it('the return from the identity provider has its own shared count', async () => {
    const from = nextAddress();
    const callback = (app: FastifyInstance) =>
      app.inject({ url: '/auth/callback?code=x&state=y', remoteAddress: from });
    for (let i = 0; i < LIMIT; i++) {
      expect((await callback(i % 2 === 0 ? stack.app : replica)).statusCode).not.toBe(429);
    }
    expectTooMany(await callback(replica));
    // Sign-in itself is still open to that address.
    expect((await signIn(stack.app, from)).statusCode).toBe(303);
  });

  it('with Redis frozen, a sign-in attempt neither hangs nor is refused, and counting resumes after', async () => {
    const limited = nextAddress();
    for (let i = 0; i < LIMIT + 1; i++) await signIn(i % 2 === 0 ? stack.app : replica, limited);
    expectTooMany(await signIn(replica, limited));

    redis.pause();
    try {
      for (const [app, from] of [
        [stack.app, nextAddress()],
        [replica, nextAddress()],
        [stack.app, limited], // over the limit, but uncounted while Redis is away: fail open
      ] as const) {
        const started = performance.now();
        const answer = await signIn(app, from);
        expect(performance.now() - started).toBeLessThan(REDIS_COMMAND_TIMEOUT_MS + 1500);
        expect(answer.statusCode).not.toBe(429);
        expect(answer.statusCode).toBeLessThan(500);
      }
    } finally {
      redis.resume();
    }

    // Back: the address still over its limit is refused again, on either replica.
    expectTooMany(await signIn(stack.app, limited));
    expectTooMany(await signIn(replica, limited));
  });
});

describe('sharedRateLimitStore when the counter fails', () => {
  it('lets the request through uncounted and warns once per minute, not per request', async () => {
    const warnings: unknown[] = [];
    const log = {
      warn: (fields: unknown) => warnings.push(fields),
      error: (fields: unknown) => warnings.push(fields),
    } as unknown as FastifyBaseLogger;
    const Store = sharedRateLimitStore(
      {
        incrementWindow: () => Promise.reject(new SessionStoreUnavailable('Redis did not answer')),
      },
      log,
    );
    const store = new Store({}).child({
      routeInfo: { method: 'GET', url: '/auth/sign-in' },
    } as never);
    const incr = () =>
      new Promise<{ current: number; ttl: number } | undefined>((resolve, reject) =>
        store.incr('192.0.2.1', (err, result) => (err ? reject(err) : resolve(result)), 60_000, 30),
      );
    expect(await incr()).toEqual({ current: 0, ttl: 60_000 });
    expect(await incr()).toEqual({ current: 0, ttl: 60_000 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ err: expect.any(SessionStoreUnavailable), uncounted: 1 });
  });
});
