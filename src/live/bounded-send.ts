import { formatEvent } from '../plugins/sse.js';
import type { LiveSink } from './hub-types.js';

const RESYNC = Buffer.from(formatEvent({ event: 'resync', data: 'resync' }));

/**
 * The fan-out's bound per subscriber: a browser that reads slower than frames come is not
 * buffered for without bound. Once a frame would take what waits for it past `max` bytes, its
 * frames are dropped and it is stale; when it has caught up (down to a quarter of `max`) it is
 * told `resync` and fetches its regions again. The stale are kept in a set of their own, usually
 * empty, so that handing a frame to thousands of subscribers reads nothing of each but its sink.
 */
export class BoundedSend<Subscriber> {
  readonly #max: number;
  readonly #stale = new Set<Subscriber>();

  constructor(max: number) {
    this.#max = max;
  }

  /** Writes, unless the subscriber is behind: then the frame is dropped and it is stale. */
  send(subscriber: Subscriber, sink: LiveSink, frame: Buffer): void {
    if (this.#stale.size > 0 && this.#stale.has(subscriber)) return;
    if (sink.bufferedBytes() + frame.length > this.#max) {
      this.#stale.add(subscriber);
      return;
    }
    sink.write(frame);
  }

  isStale(subscriber: Subscriber): boolean {
    return this.#stale.has(subscriber);
  }

  /** Its buffers emptied: a stale subscriber that has caught up is told `resync`. */
  drained(subscriber: Subscriber, sink: LiveSink): void {
    if (!this.#stale.has(subscriber) || sink.bufferedBytes() > this.#max / 4) return;
    this.#stale.delete(subscriber);
    sink.write(RESYNC);
  }

  forget(subscriber: Subscriber): void {
    this.#stale.delete(subscriber);
  }

  clear(): void {
    this.#stale.clear();
  }
}
