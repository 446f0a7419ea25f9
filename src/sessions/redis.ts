// Over 300 lines because it is one store: each operation with its timeout and error mapping,
// connecting and pruning; the Lua scripts are in redis-scripts.ts, the messages between replicas
// in redis-changes.ts.
import { redisSessionChanges } from './redis-changes.js';
import { type Script, touchScript, updateScript, windowScript } from './redis-scripts.js';
import {
  type ConsoleSession,
  isLive,
  isSessionId,
  newestFirst,
  type SessionStore,
  SessionStoreClosedError,
  SessionStoreUnavailable,
  sessionEndsAt,
  TOUCH_INTERVAL_MS,
} from './session.js';

export interface RedisSessionStoreOptions {
  /** Prefix of every key this store writes, so one Redis can serve several consoles. */
  prefix?: string;
  now?: () => number;
  /**
   * Connection trouble after start (the client reconnects by itself): the first error of each
   * outage, not every failed reconnection; the default ignores it.
   */
  onError?: (err: Error) => void;
  /** Connected again after an outage that onError reported. */
  onRecover?: () => void;
  /**
   * The connection that hears other replicas' sign-ins and sign-outs could not subscribe (the
   * sessions themselves still work): see redis-changes.ts.
   */
  onChangesError?: (err: Error) => void;
  /** How long the first connection may take before the store gives up. */
  connectTimeoutMs?: number;
  /**
   * How long any operation may wait for Redis before failing with SessionStoreUnavailable: a
   * frozen Redis keeps its connections open and answers nothing, which no socket error shows.
   */
  commandTimeoutMs?: number;
  /** How often the index of sessions is pruned of the ones Redis forgot; 0 never. */
  pruneIntervalMs?: number;
}

export interface RedisSessionStore extends SessionStore {
  /** Drops index members of sessions Redis forgot; resolves to how many. Also runs by itself. */
  prune(): Promise<number>;
  /**
   * Counts one more event under `name` in a fixed window of `windowMs` that starts at its first
   * event (what the sign-in rate limit of every replica shares). Resolves to the count so far and
   * what is left of the window; fails as every operation does (SessionStoreUnavailable).
   */
  incrementWindow(name: string, windowMs: number): Promise<WindowCount>;
}

export interface WindowCount {
  count: number;
  /** Milliseconds until the window ends and the count starts again. */
  ttlMs: number;
}

/** Default: a signed-in page waits at most this long for its session. */
export const REDIS_COMMAND_TIMEOUT_MS = 1000;
const PRUNE_INTERVAL_MS = 5 * 60_000;
/** Ids looked at per round trip while pruning, so no single command holds Redis for long. */
const PRUNE_BATCH = 200;
/** The longest absolute timeout config.ts allows: an older index member is certainly gone. */
const LONGEST_SESSION_MS = 30 * 86_400_000;

/*
 * Layout in Redis:
 *   <prefix>session:<id>  the session as JSON, with a TTL of whatever is left of it (the
 *                         earlier of idle and absolute expiry), so Redis forgets it by itself
 *   <prefix>sessions      sorted set of ids by creation time, for list(); its members outlive
 *                         their sessions until list() or the periodic prune drops them
 *   <prefix>rate-limit:<name>  a counter of incrementWindow(), which expires with its window
 *   <prefix>session-changes    pub/sub channel: each sign-in and sign-out, as JSON
 *                         {"kind":"created"|"deleted","handle":…,"from":…} (a sign-in in the
 *                         same MULTI as the session itself, a sign-out once it removed one);
 *                         `from` names the replica, which told its own listeners already
 * Expiry is also checked on every read with the store's clock, so a session is refused at the
 * same moment in Redis and in memory whatever Redis's TTL resolution.
 *
 * Touch and update are read-modify-write: they run as Lua scripts, atomically in Redis, so a
 * replica recording activity never writes back tokens that another replica just refreshed.
 */

/**
 * Sessions in Redis, shared by every replica of the console: a sign-out or revocation on one
 * is seen by all on their next request. Resolves once connected; rejects, naming the URL
 * without its password, when Redis cannot be reached.
 */
export async function createRedisSessionStore(
  url: string,
  options: RedisSessionStoreOptions = {},
): Promise<RedisSessionStore> {
  const prefix = options.prefix ?? 'prism-console:';
  const now = options.now ?? Date.now;
  const index = `${prefix}sessions`;
  const key = (id: string) => `${prefix}session:${id}`;

  const commandTimeoutMs = options.commandTimeoutMs ?? REDIS_COMMAND_TIMEOUT_MS;
  const where = redactedUrl(url);
  // Loaded here, not with this module: without REDIS_URL sessions stay in memory and the
  // client (~10 % of serve mode's start-up CPU) is never needed.
  const { createClient, ErrorReply } = await import('redis');
  const client = createClient({
    url,
    // A request fails at once while Redis is away rather than waiting in a queue: the operator
    // gets an error page instead of a page that never loads.
    disableOfflineQueue: true,
    // While Redis is frozen, commands wait for replies; a bounded queue bounds that memory.
    commandsQueueMaxLength: 1000,
    commandOptions: { timeout: commandTimeoutMs },
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 5000,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000),
    },
  });
  let connected = false;
  let firstError: Error | undefined;
  let outage = false;
  let failStart: (err: Error) => void = () => {};
  // Refused or unresolvable: no use waiting for the connect timeout.
  const startFailed = new Promise<never>((_, reject) => {
    failStart = reject;
  });
  client.on('error', (err: Error) => {
    if (!connected) {
      firstError ??= err;
      failStart(err);
    } else if (!outage) {
      outage = true;
      options.onError?.(err);
    }
  });
  client.on('ready', () => {
    if (!outage) return;
    outage = false;
    options.onRecover?.();
  });
  await connect(client, url, options.connectTimeoutMs ?? 5000, () => firstError, startFailed);
  connected = true;
  const changes = redisSessionChanges(client, prefix, options.onChangesError);

  let closed = false;
  function ensureOpen(): void {
    if (closed) throw new SessionStoreClosedError();
  }

  /**
   * Runs one store operation against Redis within the command timeout. Redis not answering,
   * not connected or cut off becomes SessionStoreUnavailable; an error Redis itself answered
   * (a bug here) stays what it is.
   */
  async function guard<T>(operation: () => Promise<T>): Promise<T> {
    ensureOpen();
    if (!client.isReady) throw new SessionStoreUnavailable(`not connected to Redis at ${where}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new SessionStoreUnavailable(
              `Redis at ${where} did not answer within ${commandTimeoutMs} ms`,
            ),
          ),
        commandTimeoutMs,
      );
    });
    try {
      return await Promise.race([operation(), timeout]);
    } catch (err) {
      if (err instanceof SessionStoreUnavailable || err instanceof ErrorReply) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw new SessionStoreUnavailable(`Redis at ${where}: ${reason}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  async function run(which: Script, id: string, args: string[]): Promise<unknown> {
    return evalScript(which, [key(id), index], args);
  }

  async function evalScript(which: Script, keys: string[], args: string[]): Promise<unknown> {
    const call = { keys, arguments: args };
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

  /**
   * Drops index members whose session Redis has forgotten (expired), a batch per round trip,
   * so the index does not grow with every sign-in until someone opens the sessions page.
   */
  async function prune(): Promise<number> {
    let removed = await guard(() =>
      client.zRemRangeByScore(index, '-inf', `(${now() - LONGEST_SESSION_MS}`),
    );
    const total = await guard(() => client.zCard(index));
    for (let start = 0; start < total; start += PRUNE_BATCH) {
      const ids = await guard(() => client.zRange(index, start, start + PRUNE_BATCH - 1));
      if (ids.length === 0) break;
      const present = await guard(() => Promise.all(ids.map((id) => client.exists(key(id)))));
      const gone = ids.filter((_, i) => present[i] === 0);
      if (gone.length > 0) {
        await guard(() => client.zRem(index, gone));
        removed += gone.length;
        start -= gone.length;
      }
    }
    return removed;
  }
  const pruneIntervalMs = options.pruneIntervalMs ?? PRUNE_INTERVAL_MS;
  let pruning = false;
  const pruneTimer =
    pruneIntervalMs > 0
      ? setInterval(() => {
          if (pruning || closed) return;
          pruning = true;
          prune()
            .catch((err: Error) => options.onError?.(err))
            .finally(() => {
              pruning = false;
            });
        }, pruneIntervalMs).unref()
      : undefined;

  return {
    async create(session) {
      ensureOpen();
      const ttl = sessionEndsAt(session) - now();
      if (ttl <= 0) return; // Already over: nothing to keep (get would refuse it anyway).
      await guard(() =>
        client
          .multi()
          .set(key(session.id), JSON.stringify(session), {
            expiration: { type: 'PX', value: ttl },
          })
          .zAdd(index, { score: session.createdAt, value: session.id })
          .publish(changes.channel, changes.message('created', session.id))
          .exec(),
      );
      changes.emit('created', session.id);
    },

    async get(id) {
      ensureOpen();
      if (!isSessionId(id)) return undefined;
      const raw = await guard(() => client.get(key(id)));
      if (raw === null) return undefined;
      const session = parse(raw);
      if (!isLive(session, now())) {
        await guard(() => remove([id]));
        return undefined;
      }
      return session;
    },

    async touch(id, at) {
      ensureOpen();
      if (!isSessionId(id)) return;
      await guard(() => run(touchScript, id, [String(at), String(TOUCH_INTERVAL_MS)]));
    },

    async update(id, patch) {
      ensureOpen();
      if (!isSessionId(id)) return;
      const { id: _ignored, ...fields } = patch;
      const removed = Object.entries(fields)
        .filter(([, value]) => value === undefined)
        .map(([name]) => name);
      await guard(() => run(updateScript, id, [String(now()), JSON.stringify(fields), ...removed]));
    },

    async delete(id) {
      ensureOpen();
      if (!isSessionId(id)) return;
      const [deleted] = await guard(() => client.multi().del(key(id)).zRem(index, id).exec());
      if (Number(deleted) === 0) return; // gone already: nothing to tell
      changes.emit('deleted', id);
      // Best effort, as pub/sub is: a replica that misses it ends the streams at its next check.
      await guard(() => client.publish(changes.channel, changes.message('deleted', id))).catch(
        () => {},
      );
    },

    async list() {
      ensureOpen();
      const ids = await guard(() => client.zRange(index, 0, -1, { REV: true }));
      if (ids.length === 0) return [];
      const raws = await guard(() => client.mGet(ids.map(key)));
      const at = now();
      const sessions: ConsoleSession[] = [];
      const gone: string[] = [];
      raws.forEach((raw, i) => {
        const id = ids[i] as string;
        const session = raw === null ? undefined : parse(raw);
        if (session && isLive(session, at)) sessions.push(session);
        else gone.push(id);
      });
      await guard(() => remove(gone));
      return sessions.sort(newestFirst);
    },

    async ping() {
      await guard(() => client.ping());
    },

    prune,

    onChange: changes.onChange,

    async incrementWindow(name, windowMs) {
      ensureOpen();
      const reply = await guard(() =>
        evalScript(
          windowScript,
          [`${prefix}rate-limit:${name}`],
          [String(Math.max(1, Math.floor(windowMs)))],
        ),
      );
      const [count, ttlMs] = Array.isArray(reply) ? reply.map(Number) : [];
      if (count === undefined || ttlMs === undefined || !(count > 0)) {
        throw new Error(`unexpected answer from the window script: ${JSON.stringify(reply)}`);
      }
      return { count, ttlMs };
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(pruneTimer);
      changes.close();
      // A frozen Redis would hold a graceful close forever.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), commandTimeoutMs);
      });
      const closing = client.close().catch(() => {});
      if ((await Promise.race([closing, late])) === 'late') client.destroy();
      clearTimeout(timer);
    },
  };
}

/** Connects, or fails within the timeout with the reason (the client alone would retry forever). */
async function connect(
  client: { connect(): Promise<unknown>; destroy(): void },
  url: string,
  timeoutMs: number,
  lastError: () => Error | undefined,
  failed: Promise<never>,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
  });
  try {
    await Promise.race([client.connect(), timeout, failed]);
  } catch (err) {
    client.destroy();
    const reason = lastError() ?? (err instanceof Error ? err : new Error(String(err)));
    throw new SessionStoreUnavailable(
      `Cannot connect to Redis at ${redactedUrl(url)}: ${reason.message || reason.name}`,
      { cause: reason },
    );
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
