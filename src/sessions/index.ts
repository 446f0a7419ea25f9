export { createMemorySessionStore } from './memory.js';
export { createRedisSessionStore, type RedisSessionStoreOptions } from './redis.js';
export {
  type ConsoleSession,
  isSessionId,
  newSessionId,
  type SessionStore,
  SessionStoreClosedError,
  TOUCH_INTERVAL_MS,
} from './session.js';
