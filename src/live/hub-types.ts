import type { Role } from '../plugins/operator.js';

/*
 * What the live hub (src/live/hub.ts) is given and gives back: topics, the render it calls, the
 * streams it writes to, its options, and the subscription a stream holds. The plugin
 * (src/plugins/live.ts) provides them from Fastify; the hub itself knows nothing of Fastify.
 */

/**
 * How often the hub renders its regions again though nothing changed (relative times age); page
 * ETags hold the clock to the same step (src/plugins/etag.ts), so a kept page is never staler.
 */
export const LIVE_REFRESH_MS = 15_000;

export interface LiveTopic {
  /** A local path with query: the page the region is part of. */
  readonly page: string;
  /** The region's element id, and the event's name. */
  readonly region: string;
}

/**
 * What rendering a region gave: its HTML; `skip` (a transient failure: send nothing now, try at
 * the next change); `refused` (the role may not see it, or the page has no such region: the
 * topic is dropped for that role's subscribers).
 */
export type RenderResult = { html: string } | 'skip' | 'refused';

export type RenderRegion = (
  topic: LiveTopic,
  role: Role,
  minVersion: bigint,
) => Promise<RenderResult>;

/** A subscriber's stream, as the hub writes to it. */
export interface LiveSink {
  write(frame: Buffer): void;
  /** Bytes written and not yet taken by the browser. */
  bufferedBytes(): number;
  /** Ends the stream, with a `retry:` hint when given. */
  end(retryMs?: number): void;
}

/** What the live indicator says: live; polling (no change feed); the feed is down for now. */
export type LiveStatus = 'live' | 'polling' | 'paused-upstream';

export interface HubOptions {
  render: RenderRegion;
  /** Per subscriber; default 256 KB. */
  maxBufferedBytes?: number;
  /** At most one render of a topic per this long; default 1 s. */
  throttleMs?: number;
  /** Every topic is rendered again this often, changes or not; default 15 s. */
  refreshMs?: number;
  /**
   * A `heartbeat` event this often (its data: this interval in ms) keeps proxies from closing
   * quiet streams, and lets a page tell a quiet stream from a dead or held one; default 15 s.
   */
  heartbeatMs?: number;
  /** Renders running at once; default 8. */
  concurrency?: number;
  status?: LiveStatus;
  /** Hands what the sinks queued to the kernel now (else done at the end of the tick). */
  flush?: () => void;
}

/** A subscription: the plugin tells it when the browser has caught up, and when it is gone. */
export interface LiveClient {
  /** The stream's buffers have emptied (a `drain`): a client that missed frames is told. */
  drained(): void;
  /** The stream closed: forget the client. */
  close(): void;
}
