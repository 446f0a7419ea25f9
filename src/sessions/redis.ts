import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import {
  type ConsoleSession,
  isLive,
  isSessionId,
  newestFirst,
  type SessionStore,
  SessionStoreClosedError,
  sessionEndsAt,
  TOUCH_INTERVAL_MS,
} from './session.js';

export interface RedisSessionStoreOptions {
  /** Prefix of every key this store writes, so one Redis can serve several consoles. */
  prefix?: string;
  now?: () => number;
  /** Connection trouble after start (the client reconnects by itself); the default ignores it. */
  onError?: (err: Error) => void;
  /** How long the first connection may take before the store gives up. */
  connectTimeoutMs?: number;
}

/*
 * Layout in Redis:
 *   <prefix>session:<id>  the session as JSON, with a TTL of whatever is left of it (the
 *                         earlier of idle and absolute expiry), so Redis forgets it by itself
 *   <prefix>sessions      sorted set of ids by creation time, for list(); its members outlive
 *                         their sessions until list() notices and drops them
 * Expiry is also checked on every read with the store's clock, so a session is refused at the
 * same moment in Redis and in memory whatever Redis's TTL resolution.
 *
 * Touch and update are read-modify-write: they run as Lua scripts, atomically in Redis, so a
 * replica recording activity never writes back tokens that another replica just refreshed.
 */

/** Shared by both scripts: drops the session when it has ended at ARGV[1]. */
const ENDED = `
local function ended(s, now)
  return now >= math.min(s.lastSeenAt + s.idleTimeoutMs, s.absoluteExpiresAt)
end
local function drop(s)
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], s.id)
end
local function save(s, now)
  local ttl = math.min(s.lastSeenAt + s.idleTimeoutMs, s.absoluteExpiresAt) - now
  redis.call('SET', KEYS[1], cjson.encode(s), 'PX', math.floor(ttl))
end
`;

/** KEYS: session, index. ARGV: now, longest interval between two writes. Returns 1 if written. */
const TOUCH = `${ENDED}
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local s = cjson.decode(raw)
local now = tonumber(ARGV[1])
if ended(s, now) then drop(s) return 0 end
if now - s.lastSeenAt < math.min(tonumber(ARGV[2]), math.floor(s.idleTimeoutMs / 4)) then
  return 0
end
s.lastSeenAt = now
save(s, now)
return 1
`;

/** KEYS: session, index. ARGV: now, patch as JSON, then the names of fields to remove. */
const UPDATE = `${ENDED}
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local s = cjson.decode(raw)
local now = tonumber(ARGV[1])
if ended(s, now) then drop(s) return 0 end
local id = s.id
for key, value in pairs(cjson.decode(ARGV[2])) do s[key] = value end
for i = 3, #ARGV do s[ARGV[i]] = nil end
s.id = id
if ended(s, now) then drop(s) return 0 end
save(s, now)
redis.call('ZADD', KEYS[2], 'XX', s.createdAt, id)
return 1
`;

interface Script {
  source: string;
  sha1: string;
}
const script = (source: string): Script => ({
  source,
  sha1: createHash('sha1').update(source).digest('hex'),
});
const touchScript = script(TOUCH);
const updateScript = script(UPDATE);

/**
 * Sessions in Redis, shared by every replica of the console: a sign-out or revocation on one
 * is seen by all on their next request. Resolves once connected; rejects, naming the URL
 * without its password, when Redis cannot be reached.
 */
export async function createRedisSessionStore(
  url: string,
  options: RedisSessionStoreOptions = {},
): Promise<SessionStore> {
  const prefix = options.prefix ?? 'prism-console:';
  const now = options.now ?? Date.now;
  const index = `${prefix}sessions`;
  const key = (id: string) => `${prefix}session:${id}`;

  const client = createClient({
    url,
    // A request fails at once while Redis is away rather than waiting in a queue: the operator
    // gets an error page instead of a page that never loads.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 5000,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000),
    },
  });
  let connected = false;
  let firstError: Error | undefined;
  client.on('error', (err: Error) => {
    if (!connected) firstError ??= err;
    else options.onError?.(err);
  });
  await connect(client, url, options.connectTimeoutMs ?? 5000, () => firstError);
  connected = true;

  let closed = false;
  function ensureOpen(): void {
    if (closed) throw new SessionStoreClosedError();
  }

  async function run(which: Script, id: string, args: string[]): Promise<unknown> {
    const call = { keys: [key(id), index], arguments: args };
    try {
      return await client.evalSha(which.sha1, call);
    } catch (err) {
      // First use on this Redis (or after a restart or SCRIPT FLUSH): send the script itself.
      if (err instanceof Error && err.message.startsWith('NOSCRIPT')) {
        return client.eval(which.source, call);
      }
      throw err;
    }
  }

  async function remove(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await client.multi().del(ids.map(key)).zRem(index, ids).exec();
  }

  function parse(raw: string): ConsoleSession {
    return JSON.parse(raw) as ConsoleSession;
  }

  return {
    async create(session) {
      ensureOpen();
      const ttl = sessionEndsAt(session) - now();
      if (ttl <= 0) return; // Already over: nothing to keep (get would refuse it anyway).
      await client
        .multi()
        .set(key(session.id), JSON.stringify(session), { expiration: { type: 'PX', value: ttl } })
        .zAdd(index, { score: session.createdAt, value: session.id })
        .exec();
    },

    async get(id) {
      ensureOpen();
      if (!isSessionId(id)) return undefined;
      const raw = await client.get(key(id));
      if (raw === null) return undefined;
      const session = parse(raw);
      if (!isLive(session, now())) {
        await remove([id]);
        return undefined;
      }
      return session;
    },

    async touch(id, at) {
      ensureOpen();
      if (!isSessionId(id)) return;
      await run(touchScript, id, [String(at), String(TOUCH_INTERVAL_MS)]);
    },

    async update(id, patch) {
      ensureOpen();
      if (!isSessionId(id)) return;
      const { id: _ignored, ...fields } = patch;
      const removed = Object.entries(fields)
        .filter(([, value]) => value === undefined)
        .map(([name]) => name);
      await run(updateScript, id, [String(now()), JSON.stringify(fields), ...removed]);
    },

    async delete(id) {
      ensureOpen();
      if (!isSessionId(id)) return;
      await remove([id]);
    },

    async list() {
      ensureOpen();
      const ids = await client.zRange(index, 0, -1, { REV: true });
      if (ids.length === 0) return [];
      const raws = await client.mGet(ids.map(key));
      const at = now();
      const sessions: ConsoleSession[] = [];
      const gone: string[] = [];
      raws.forEach((raw, i) => {
        const id = ids[i] as string;
        const session = raw === null ? undefined : parse(raw);
        if (session && isLive(session, at)) sessions.push(session);
        else gone.push(id);
      });
      await remove(gone);
      return sessions.sort(newestFirst);
    },

    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}

/** Connects, or fails within the timeout with the reason (the client alone would retry forever). */
async function connect(
  client: { connect(): Promise<unknown>; destroy(): void },
  url: string,
  timeoutMs: number,
  lastError: () => Error | undefined,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
  });
  try {
    await Promise.race([client.connect(), timeout]);
  } catch (err) {
    client.destroy();
    const reason = lastError() ?? (err instanceof Error ? err : new Error(String(err)));
    throw new Error(`Cannot connect to Redis at ${redactedUrl(url)}: ${reason.message}`, {
      cause: reason,
    });
  } finally {
    clearTimeout(timer);
  }
}

/** The URL without its password, for messages. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
