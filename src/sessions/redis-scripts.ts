import { createHash } from 'node:crypto';

/*
 * The Lua scripts the Redis session store runs (src/sessions/redis.ts): read-modify-write done
 * atomically in Redis, so replicas never overwrite each other's changes.
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

/**
 * KEYS: counter. ARGV: window in ms. INCR, and the window's expiry when the counter has none
 * (PEXPIRE NX, without needing Redis 7), atomically. Returns { count, ms left }.
 */
const WINDOW = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  ttl = tonumber(ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return { count, ttl }
`;

export interface Script {
  source: string;
  sha1: string;
}
const script = (source: string): Script => ({
  source,
  sha1: createHash('sha1').update(source).digest('hex'),
});
export const touchScript = script(TOUCH);
export const updateScript = script(UPDATE);
export const windowScript = script(WINDOW);
