import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyBaseLogger } from 'fastify';
import type { WindowCount } from '../sessions/redis.js';
import { SessionStoreUnavailable } from '../sessions/session.js';

/** What counts for every replica at once: the Redis session store's incrementWindow(). */
export interface WindowCounter {
  incrementWindow(name: string, windowMs: number): Promise<WindowCount>;
}

/** The session store's shared counter, when it has one (Redis); undefined in memory. */
export function windowCounterOf(store: object): WindowCounter | undefined {
  return 'incrementWindow' in store && typeof store.incrementWindow === 'function'
    ? (store as WindowCounter)
    : undefined;
}

/** While Redis stays away, one warning per this long, with how many attempts went uncounted. */
const WARN_INTERVAL_MS = 60_000;

/** What the rate-limit plugin passes to a route's store (its typings say RouteOptions). */
interface ChildOptions {
  routeInfo?: { method?: string | string[]; url?: string };
}

/**
 * A store for @fastify/rate-limit that keeps its counts in the shared Redis, so that a client
 * address gets one limit across all replicas, not one per replica. Counts are per route (as the
 * memory store's are): `<prefix>rate-limit:<METHOD><url>:<address>`, one fixed window each.
 *
 * When Redis does not answer within the session store's command timeout, the request is let
 * through uncounted (fail open) with a warning: a Redis outage must not lock every operator out,
 * and sign-in itself cannot finish without the session store anyway. `continueExceeding`,
 * `exponentialBackoff` and `read` (peeking) are not supported; the console uses none of them.
 */
export function sharedRateLimitStore(
  counter: WindowCounter,
  log: FastifyBaseLogger,
): FastifyRateLimitStoreCtor {
  let quietUntil = 0;
  let uncounted = 0;
  function failedOpen(err: unknown): void {
    uncounted += 1;
    const at = Date.now();
    if (at < quietUntil) return;
    const fields = { err, uncounted };
    const message = 'rate limit: Redis unavailable, requests go through uncounted';
    if (err instanceof SessionStoreUnavailable) log.warn(fields, message);
    else log.error(fields, message);
    quietUntil = at + WARN_INTERVAL_MS;
    uncounted = 0;
  }

  class SharedStore implements FastifyRateLimitStore {
    constructor(
      _options: unknown,
      private readonly scope = '',
    ) {}

    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      counter.incrementWindow(`${this.scope}${key}`, timeWindow).then(
        ({ count, ttlMs }) => callback(null, { current: count, ttl: ttlMs }),
        (err: unknown) => {
          failedOpen(err);
          callback(null, { current: 0, ttl: timeWindow });
        },
      );
    }

    child(routeOptions: object): FastifyRateLimitStore {
      const route = (routeOptions as ChildOptions).routeInfo;
      const method = [route?.method ?? ''].flat().join(',');
      return new SharedStore(routeOptions, `${method}${route?.url ?? ''}:`);
    }
  }
  return SharedStore;
}
