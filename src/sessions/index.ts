export {
  createMemorySessionStore,
  MEMORY_STORE_MAX_SESSIONS,
  type MemorySessionStoreOptions,
} from './memory.js';
export {
  createRedisSessionStore,
  REDIS_COMMAND_TIMEOUT_MS,
  type RedisSessionStore,
  type RedisSessionStoreOptions,
} from './redis.js';
export {
  type ConsoleSession,
  isSessionHandle,
  isSessionId,
  newSessionId,
  type SessionChange,
  type SessionChangeListener,
  type SessionStore,
  SessionStoreClosedError,
  SessionStoreUnavailable,
  sessionHandle,
  TOUCH_INTERVAL_MS,
} from './session.js';
