// What this replica's one Watch stream (src/live/watcher.ts) tells the rest of the console: the
// contract between the watcher, the read cache (src/control-plane/read-cache.ts) and the
// fan-out to browsers (src/live/hub.ts).

import type { ResourceKind, WatchEvent } from '../gen/prism/admin/v1/watch_pb.js';

export type Change =
  /** Changes, in resource-version order, as one batch of the stream delivered them. */
  | {
      readonly type: 'events';
      readonly events: readonly WatchEvent[];
      readonly resourceVersion: bigint;
    }
  /**
   * Changes may have been missed (the stream could not resume: too old, a control plane
   * restart): everything read before now must be read again.
   */
  | { readonly type: 'resync'; readonly resourceVersion: bigint }
  /** The stream is up (true, caught up) or broken and being reopened (false). */
  | { readonly type: 'status'; readonly live: boolean };

export type ChangeListener = (change: Change) => void;

/** The replica's change feed (app.changes; undefined when no service client is configured). */
export interface ChangeFeed {
  /** Returns the function that unsubscribes. Listeners are called synchronously, in order. */
  subscribe(listener: ChangeListener): () => void;
  /** True while the watch stream is open and has delivered its first batch. */
  readonly live: boolean;
  /** The last resource version the stream delivered (0n before the first batch). */
  readonly resourceVersion: bigint;
  /** Milliseconds between the newest delivered event's time and its arrival; 0 when none yet. */
  readonly lagMs: number;
}

/** The kinds a change touches, for invalidation; every kind on a resync. */
export function kindsOf(change: Change): ReadonlySet<ResourceKind> | 'all' {
  if (change.type === 'resync') return 'all';
  if (change.type === 'status') return new Set();
  return new Set(change.events.map((event) => event.kind));
}
