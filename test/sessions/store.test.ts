import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleSession,
  createMemorySessionStore,
  createRedisSessionStore,
  newSessionId,
  type SessionChange,
  type SessionStore,
  SessionStoreClosedError,
  sessionHandle,
} from '../../src/sessions/index.js';
import { type RedisServer, startRedisServer } from './redis-server.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** A clock the test moves by hand, starting at the real time (so Redis TTLs stay plausible). */
class Clock {
  at = Date.now();
  now = () => this.at;
  advance(ms: number): number {
    this.at += ms;
    return this.at;
  }
}

function session(clock: Clock, overrides: Partial<ConsoleSession> = {}): ConsoleSession {
  const at = clock.now();
  return {
    id: newSessionId(),
    subject: 'user-ada',
    username: 'admin',
    name: 'Ada Admin',
    role: 'admin',
    accessToken: `eyJhbGciOiJSUzI1NiJ9.${'a'.repeat(1200)}.signature`,
    accessTokenExpiresAt: at + 5 * MINUTE,
    refreshToken: 'refresh-1',
    idToken: 'eyJhbGciOiJSUzI1NiJ9.id.token',
    createdAt: at,
    lastSeenAt: at,
    absoluteExpiresAt: at + 12 * 60 * MINUTE,
    idleTimeoutMs: 30 * MINUTE,
    ip: '127.0.0.1',
    userAgent: 'vitest',
    ...overrides,
  };
}

/**
 * Resolves once `heard` (a listener's record on another replica) has a sign-in made on `from`:
 * that listener's subscription is made (with its first listener, so not at once). Resolves to
 * the handles of the sessions it made, which may still be on their way to listeners.
 */
async function heardFrom(from: SessionStore, heard: SessionChange[]): Promise<Set<string>> {
  const clock = new Clock();
  const made = new Set<string>();
  for (let attempt = 0; !heard.some((c) => 'handle' in c && made.has(c.handle)); attempt++) {
    if (attempt === 50) throw new Error('never subscribed');
    const probe = session(clock);
    made.add(sessionHandle(probe.id));
    await from.create(probe);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return made;
}

interface Replicas {
  /** The store a test works with. */
  store: SessionStore;
  /** Another replica of the console over the same sessions. */
  replica: SessionStore;
}

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const opened: SessionStore[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

const backends = [
  {
    name: 'memory',
    // One process holds the sessions of its one replica: every request sees the same map.
    async open(clock: Clock): Promise<Replicas> {
      const store = createMemorySessionStore({ now: clock.now });
      opened.push(store);
      return { store, replica: store };
    },
  },
  {
    name: 'redis',
    // Two connections with the same prefix: two console processes sharing one Redis.
    async open(clock: Clock): Promise<Replicas> {
      const prefix = `test-${randomUUID()}:`;
      const store = await createRedisSessionStore(redis.url, { prefix, now: clock.now });
      const replica = await createRedisSessionStore(redis.url, { prefix, now: clock.now });
      opened.push(store, replica);
      return { store, replica };
    },
  },
];

describe.each(backends)('$name session store', (backend) => {
  it('gives back the session it stored, tokens included, and nothing for an unknown id', async () => {
    const clock = new Clock();
    const { store } = await backend.open(clock);
    const ada = session(clock);
    await store.create(ada);

    await expect(store.get(ada.id)).resolves.toEqual(ada);
    await expect(store.get(newSessionId())).resolves.toBeUndefined();
    for (const forged of ['', 'sessions', '*', `${ada.id}x`, ada.id.slice(1), '../session']) {
      await expect(store.get(forged)).resolves.toBeUndefined();
    }
  });

  it('hands out copies: changing a session it returned changes nothing stored', async () => {
    const clock = new Clock();
    const { store } = await backend.open(clock);
    const ada = session(clock);
    await store.create(ada);
    ada.role = 'viewer';
    const read = await store.get(ada.id);
    if (!read) throw new Error('session missing');
    read.accessToken = 'tampered';
    await expect(store.get(ada.id)).resolves.toMatchObject({ role: 'admin' });
    await expect(store.get(ada.id)).resolves.not.toMatchObject({ accessToken: 'tampered' });
  });

  it('ends a session left idle for its idle timeout, and deletes it', async () => {
    const clock = new Clock();
    const { store } = await backend.open(clock);
    const ada = session(clock, { idleTimeoutMs: MINUTE });
    await store.create(ada);

    clock.advance(MINUTE - 1);
    await expect(store.get(ada.id)).resolves.toBeDefined();
    clock.advance(1);
    await expect(store.get(ada.id)).resolves.toBeUndefined();
    // Deleted, not merely hidden: turning the clock back does not bring it back.
    clock.advance(-MINUTE);
    await expect(store.get(ada.id)).resolves.toBeUndefined();
    await expect(store.list()).resolves.toEqual([]);
  });

  it('ends a session at its absolute expiry however busy it is', async () => {
    const clock = new Clock();
    const { store } = await backend.open(clock);
    const ada = session(clock, {
      idleTimeoutMs: MINUTE,
      absoluteExpiresAt: clock.now() + 10 * MINUTE,
    });
    await store.create(ada);

    // Used every 20 s: never idle, yet over at 10 minutes.
    while (clock.now() + 20 * SECOND < ada.absoluteExpiresAt) {
      await store.touch(ada.id, clock.advance(20 * SECOND));
      await expect(store.get(ada.id)).resolves.toBeDefined();
    }
    clock.at = ada.absoluteExpiresAt - 1;
    await expect(store.get(ada.id)).resolves.toBeDefined();
    clock.at = ada.absoluteExpiresAt;
    await expect(store.get(ada.id)).resolves.toBeUndefined();
    clock.advance(-MINUTE);
    await expect(store.get(ada.id)).resolves.toBeUndefined();
  });

  it('extends the idle timeout on touch', async () => {
    const clock = new Clock();
    const { store } = await backend.open(clock);
    const ada = session(clock, { idleTimeoutMs: MINUTE });
    await store.create(ada);

    await store.touch(ada.id, clock.advance(50 * SECOND));
    clock.advance(50 * SECOND);
    // 100 s after sign-in, 50 s after the last use: still signed in.
    await expect(store.get(ada.id)).resolves.toMatchObject({ lastSeenAt: ada.createdAt + 50_000 });
    clock.advance(10 * SECOND);
    await expect(store.get(ada.id)).resolves.toBeUndefined();
  });

  it('writes a touch at most every 15 s, or every quarter of a short idle timeout', async () => {
    const clock = new Clock();
    const { store } = await backend.open(clock);
    const ada = session(clock);
    await store.create(ada);

    await store.touch(ada.id, clock.advance(14 * SECOND));
    await expect(store.get(ada.id)).resolves.toMatchObject({ lastSeenAt: ada.createdAt });
    await store.touch(ada.id, clock.advance(SECOND));
    await expect(store.get(ada.id)).resolves.toMatchObject({ lastSeenAt: clock.now() });

    // A 2 s idle timeout (tests, demos) is not cut short: a touch after 0.5 s is written.
    const brief = session(clock, { idleTimeoutMs: 2 * SECOND });
    await store.create(brief);
    await store.touch(brief.id, clock.advance(499));
    await expect(store.get(brief.id)).resolves.toMatchObject({ lastSeenAt: brief.createdAt });
    await store.touch(brief.id, clock.advance(1));
    await expect(store.get(brief.id)).resolves.toMatchObject({ lastSeenAt: clock.now() });
  });

  it('does not bring back an ended session on touch or update', async () => {
    const clock = new Clock();
    const { store } = await backend.open(clock);
    const ada = session(clock, { idleTimeoutMs: MINUTE });
    await store.create(ada);
    clock.advance(MINUTE);
    await store.touch(ada.id, clock.now());
    await store.update(ada.id, { accessToken: 'refreshed', lastSeenAt: clock.now() });
    await expect(store.get(ada.id)).resolves.toBeUndefined();
    clock.advance(-MINUTE);
    await expect(store.get(ada.id)).resolves.toBeUndefined();

    const missing = newSessionId();
    await store.touch(missing, clock.now());
    await store.update(missing, { accessToken: 'refreshed' });
    await expect(store.get(missing)).resolves.toBeUndefined();
  });

  it('updates refreshed tokens, keeps the rest, removes fields set to undefined, never the id', async () => {
    const clock = new Clock();
    const { store } = await backend.open(clock);
    const ada = session(clock);
    await store.create(ada);

    const expiresAt = clock.advance(4 * MINUTE) + 5 * MINUTE;
    await store.update(ada.id, {
      id: newSessionId(),
      accessToken: 'access-2',
      accessTokenExpiresAt: expiresAt,
      refreshToken: 'refresh-2',
    });
    await expect(store.get(ada.id)).resolves.toEqual({
      ...ada,
      accessToken: 'access-2',
      accessTokenExpiresAt: expiresAt,
      refreshToken: 'refresh-2',
    });

    await store.update(ada.id, { refreshToken: undefined });
    const read = await store.get(ada.id);
    expect(read).toBeDefined();
    expect(read).not.toHaveProperty('refreshToken');
    expect(read?.accessToken).toBe('access-2');
  });

  it('never loses an update to a touch from another replica at the same moment', async () => {
    const clock = new Clock();
    const { store, replica } = await backend.open(clock);
    const ada = session(clock, { idleTimeoutMs: MINUTE });
    await store.create(ada);

    for (let round = 1; round <= 40; round++) {
      const at = clock.advance(20 * SECOND);
      await Promise.all([
        replica.touch(ada.id, at),
        store.update(ada.id, { accessToken: `access-${round}`, refreshToken: `refresh-${round}` }),
        replica.touch(ada.id, at),
      ]);
      const read = await replica.get(ada.id);
      expect(read).toMatchObject({
        accessToken: `access-${round}`,
        refreshToken: `refresh-${round}`,
        lastSeenAt: at,
      });
    }
  });

  it('signs out everywhere: a delete on one replica is seen by the other within a second', async () => {
    const clock = new Clock();
    const { store, replica } = await backend.open(clock);
    const ada = session(clock);
    await store.create(ada);
    await expect(replica.get(ada.id)).resolves.toEqual(ada);

    await store.delete(ada.id);
    await expect.poll(() => replica.get(ada.id), { timeout: SECOND, interval: 50 }).toBeUndefined();
    // A request already in flight on the other replica cannot revive it.
    await replica.touch(ada.id, clock.advance(MINUTE));
    await replica.update(ada.id, { accessToken: 'refreshed' });
    await expect(replica.get(ada.id)).resolves.toBeUndefined();
    await expect(store.list()).resolves.toEqual([]);
    await store.delete(ada.id); // twice is fine
  });

  it('lists the live sessions, newest first, without ended or deleted ones', async () => {
    const clock = new Clock();
    const { store, replica } = await backend.open(clock);
    const first = session(clock, { username: 'admin', idleTimeoutMs: 10 * MINUTE });
    await store.create(first);
    clock.advance(MINUTE);
    const idle = session(clock, { username: 'viewer', idleTimeoutMs: MINUTE });
    await store.create(idle);
    clock.advance(SECOND);
    const revoked = session(clock, { username: 'operator' });
    await replica.create(revoked);
    clock.advance(SECOND);
    const last = session(clock, { username: 'operator' });
    await replica.create(last);
    await store.delete(revoked.id);

    await expect(store.list()).resolves.toEqual(
      [last, revoked, idle, first].filter((s) => s !== revoked),
    );
    clock.advance(MINUTE);
    const names = (await replica.list()).map((s) => s.id);
    expect(names).toEqual([last.id, first.id]);
  });

  it("tells each replica of every sign-in and sign-out, by handle, once: its own at once, another's soon", async () => {
    const clock = new Clock();
    const { store, replica } = await backend.open(clock);
    const here: SessionChange[] = [];
    const there: SessionChange[] = [];
    let probes = new Set<string>();
    const record = (into: SessionChange[]) => (change: SessionChange) => {
      if (!('handle' in change && probes.has(change.handle))) into.push(change);
    };
    store.onChange(record(here));
    if (replica !== store) {
      replica.onChange(record(there));
      // Redis: each listens from when its subscription is made (with its first listener).
      probes = new Set([...(await heardFrom(replica, here)), ...probes]);
      probes = new Set([...(await heardFrom(store, there)), ...probes]);
      here.length = 0;
      there.length = 0;
    }
    const ada = session(clock);
    const bob = session(clock, { username: 'bob' });
    await store.create(ada);
    // Told before create() resolves: a page rendered next already has it.
    expect(here).toEqual([{ kind: 'created', handle: sessionHandle(ada.id) }]);
    await replica.create(bob);
    await store.delete(ada.id);
    await store.delete(ada.id); // gone already: nothing more to tell
    await replica.delete(newSessionId()); // never existed
    const expected: SessionChange[] = [
      { kind: 'created', handle: sessionHandle(ada.id) },
      { kind: 'created', handle: sessionHandle(bob.id) },
      { kind: 'deleted', handle: sessionHandle(ada.id) },
    ];
    const deadline = Date.now() + 2000;
    while (here.length < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(here).toEqual(expected);
    if (replica !== store) expect(there).toEqual(expected);
    // Never the id itself.
    expect(JSON.stringify([here, there])).not.toContain(ada.id);
  });

  it('stops telling a listener that stopped, and one that throws stops nobody else', async () => {
    const clock = new Clock();
    const { store } = await backend.open(clock);
    const heard: string[] = [];
    const stop = store.onChange(() => heard.push('stopped'));
    store.onChange(() => {
      throw new Error('a listener of its own failing');
    });
    store.onChange((change) => heard.push(change.kind));
    stop();
    await store.create(session(clock));
    expect(heard).toEqual(['created']);
  });

  it('closes: later calls fail instead of answering as if nobody were signed in', async () => {
    const clock = new Clock();
    const { store } = await backend.open(clock);
    const ada = session(clock);
    await store.create(ada);
    await store.close();
    await store.close();
    await expect(store.get(ada.id)).rejects.toBeInstanceOf(SessionStoreClosedError);
    await expect(store.list()).rejects.toBeInstanceOf(SessionStoreClosedError);
    await expect(store.create(session(clock))).rejects.toBeInstanceOf(SessionStoreClosedError);
  });
});

describe('session ids', () => {
  it('are 32 random bytes in base64url (43 characters), never repeated, evenly spread', () => {
    const ids = Array.from({ length: 2000 }, () => newSessionId());
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(32);
    }
    expect(new Set(ids).size).toBe(ids.length);

    // 512,000 bits: a fair source gives half ones within 0.2 % (more than six standard deviations).
    const bytes = Buffer.concat(ids.map((id) => Buffer.from(id, 'base64url')));
    let ones = 0;
    const seen = new Set<number>();
    for (const byte of bytes) {
      seen.add(byte);
      for (let bit = byte; bit; bit >>= 1) ones += bit & 1;
    }
    expect(Math.abs(ones / (bytes.length * 8) - 0.5)).toBeLessThan(0.002);
    expect(seen.size).toBe(256);
  });

  it('say nothing about who signed in: two sessions of one person share no part of their ids', () => {
    const clock = new Clock();
    const a = session(clock);
    const b = session(clock);
    expect(a.id).not.toBe(b.id);
    expect(a.id).not.toContain(a.subject);
    expect(a.id.slice(0, 8)).not.toBe(b.id.slice(0, 8));
  });
});

describe('redis session store in Redis', () => {
  const raw = () => {
    const client = createClient({ url: redis.url });
    return client.connect();
  };

  it('keeps each session as JSON under its prefix, with a TTL of what is left of it', async () => {
    const prefix = `test-${randomUUID()}:`;
    const clock = new Clock();
    const store = await createRedisSessionStore(redis.url, { prefix, now: clock.now });
    opened.push(store);
    const client = await raw();
    try {
      const ada = session(clock, {
        idleTimeoutMs: MINUTE,
        absoluteExpiresAt: clock.now() + 90_000,
      });
      await store.create(ada);
      const stored = await client.get(`${prefix}session:${ada.id}`);
      expect(JSON.parse(stored ?? 'null')).toEqual(ada);
      // Idle timeout first...
      expect(await client.pTTL(`${prefix}session:${ada.id}`)).toBeGreaterThan(59_000);
      expect(await client.pTTL(`${prefix}session:${ada.id}`)).toBeLessThanOrEqual(60_000);
      // ...then, touched 45 s later, the 45 s left until the absolute expiry.
      await store.touch(ada.id, clock.advance(45 * SECOND));
      expect(await client.pTTL(`${prefix}session:${ada.id}`)).toBeGreaterThan(44_000);
      expect(await client.pTTL(`${prefix}session:${ada.id}`)).toBeLessThanOrEqual(45_000);
      expect(await client.zRange(`${prefix}sessions`, 0, -1)).toEqual([ada.id]);
    } finally {
      await client.close();
    }
  });

  it('refreshes the TTL on touch, lets Redis forget an idle session, and list() drops what Redis forgot', async () => {
    const prefix = `test-${randomUUID()}:`;
    const store = await createRedisSessionStore(redis.url, { prefix });
    opened.push(store);
    const client = await raw();
    try {
      const clock = new Clock();
      const ada = session(clock, { idleTimeoutMs: SECOND });
      const key = `${prefix}session:${ada.id}`;
      await store.create(ada);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(await client.pTTL(key)).toBeLessThan(500);
      const touched = Date.now();
      await store.touch(ada.id, touched);
      // Refreshed to the idle timeout at the touch: only the time since has run off it (on a
      // busy machine that can be 100 ms and more). Not refreshed, it would hold 550 ms less.
      expect(await client.pTTL(key)).toBeGreaterThan(SECOND - (Date.now() - touched) - 50);

      await expect.poll(() => client.exists(key), { timeout: 3000, interval: 100 }).toBe(0);
      expect(await client.zCard(`${prefix}sessions`)).toBe(1);
      await expect(store.list()).resolves.toEqual([]);
      expect(await client.zCard(`${prefix}sessions`)).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('keeps consoles with different prefixes apart', async () => {
    const clock = new Clock();
    const one = await createRedisSessionStore(redis.url, {
      prefix: `a-${randomUUID()}:`,
      now: clock.now,
    });
    const two = await createRedisSessionStore(redis.url, {
      prefix: `b-${randomUUID()}:`,
      now: clock.now,
    });
    opened.push(one, two);
    const ada = session(clock);
    await one.create(ada);
    await expect(two.get(ada.id)).resolves.toBeUndefined();
    await expect(two.list()).resolves.toEqual([]);
  });

  it('keeps working where Redis refuses the subscription, and says so once', async () => {
    // A Redis user allowed everything but SUBSCRIBE (an ACL some managed Redis setups have).
    const admin = await raw();
    const user = `no-subscribe-${randomUUID()}`;
    const password = randomUUID();
    await admin.sendCommand([
      'ACL',
      'SETUSER',
      user,
      'on',
      `>${password}`,
      '~*',
      '&*',
      '+@all',
      '-subscribe',
    ]);
    try {
      const url = new URL(redis.url);
      url.username = user;
      url.password = password;
      const refused: Error[] = [];
      const clock = new Clock();
      const prefix = `test-${randomUUID()}:`;
      const store = await createRedisSessionStore(url.toString(), {
        prefix,
        now: clock.now,
        onChangesError: (err) => refused.push(err),
      });
      const other = await createRedisSessionStore(redis.url, { prefix, now: clock.now });
      opened.push(store, other);
      const heard: SessionChange[] = [];
      store.onChange((change) => heard.push(change));
      const deadline = Date.now() + 3000;
      while (refused.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(refused).toHaveLength(1);
      expect(refused[0]?.message).toMatch(/NOPERM|permission/i);
      // The sessions work; its own changes are still told; another's cannot be.
      const ada = session(clock);
      await store.create(ada);
      await expect(other.get(ada.id)).resolves.toMatchObject({ id: ada.id });
      await other.create(session(clock));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(heard).toEqual([{ kind: 'created', handle: sessionHandle(ada.id) }]);
      expect(refused).toHaveLength(1);
    } finally {
      await admin.sendCommand(['ACL', 'DELUSER', user]);
      await admin.close();
    }
  });

  it('says it may have missed changes when its subscription broke, and hears them again after', async () => {
    const clock = new Clock();
    const prefix = `test-${randomUUID()}:`;
    const store = await createRedisSessionStore(redis.url, { prefix, now: clock.now });
    const other = await createRedisSessionStore(redis.url, { prefix, now: clock.now });
    opened.push(store, other);
    const heard: SessionChange[] = [];
    store.onChange((change) => heard.push(change));
    const waitFor = async (what: string, match: (change: SessionChange) => boolean) => {
      const deadline = Date.now() + 3000;
      while (!heard.some(match)) {
        if (Date.now() > deadline) throw new Error(`never heard ${what}: ${JSON.stringify(heard)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await heardFrom(other, heard);
    expect(heard.every((c) => c.kind === 'created')).toBe(true);

    // Redis drops the subscriber's connection (a failover, a proxy restart…).
    const admin = await raw();
    try {
      await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    } finally {
      await admin.close();
    }
    await waitFor('that it may have missed some', (c) => c.kind === 'missed');
    const later = session(clock);
    await other.create(later);
    await waitFor(
      'the sign-in after',
      (c) => 'handle' in c && c.handle === sessionHandle(later.id),
    );
  });

  it('refuses to start without Redis, naming the address but not the password', async () => {
    const stopped = await startRedisServer();
    await stopped.stop();
    const url = `redis://:s3cret@127.0.0.1:${stopped.port}`;
    const error = await createRedisSessionStore(url, { connectTimeoutMs: 1000 }).catch(
      (err: Error) => err,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(
      `Cannot connect to Redis at redis://:***@127.0.0.1:${stopped.port}`,
    );
    expect((error as Error).message).not.toContain('s3cret');
  });

  it('fails a request at once while Redis is away, instead of leaving it waiting', async () => {
    const own = await startRedisServer();
    const errors: Error[] = [];
    const store = await createRedisSessionStore(own.url, { onError: (err) => errors.push(err) });
    opened.push(store);
    const ada = session(new Clock());
    await store.create(ada);
    await expect(store.get(ada.id)).resolves.toEqual(ada);
    await own.stop();
    await expect.poll(() => errors.length, { timeout: 3000 }).toBeGreaterThan(0);
    const started = Date.now();
    await expect(store.get(ada.id)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(500);
  });
});
