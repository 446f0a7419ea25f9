// The conformance server's change log: what its Watch streams announce, with a resource version
// that goes up by one per change, and the newest changes retained so a broken stream can resume
// (after_resource_version) — the contract's rules, kept apart from the demo control plane's.

import { type Message, timestamp } from './wire.js';

/** proto-loader's shape of a WatchEvent: enum names, int64 as a string. */
export type WatchEventObject = Message & {
  kind: string;
  id: string;
  change: string;
  resourceVersion: string;
};

export interface LoggedChange {
  readonly event: WatchEventObject;
  readonly version: bigint;
  /** '' for a change that belongs to no namespace. */
  readonly namespace: string;
}

/** Why the changes after a version cannot all be replayed. */
export type ResumeRefusal =
  | { readonly reason: 'ahead'; readonly current: bigint }
  | { readonly reason: 'dropped'; readonly oldest: bigint };

export const DEFAULT_RETAINED_CHANGES = 10_000;

export class ChangeLog {
  private version = 0n;
  /** Oldest first, at most `retained` of them. */
  private readonly log: LoggedChange[] = [];
  private readonly listeners = new Set<(change: LoggedChange) => void>();

  constructor(private readonly retained = DEFAULT_RETAINED_CHANGES) {}

  get resourceVersion(): bigint {
    return this.version;
  }

  /** Records a change and hands it to every open Watch; kind and change are enum names. */
  emit(kind: string, id: string, change: string, namespace = ''): WatchEventObject {
    this.version += 1n;
    const event: WatchEventObject = {
      kind,
      id,
      change,
      resourceVersion: String(this.version),
      time: timestamp(),
    };
    const logged = { event, version: this.version, namespace };
    this.log.push(logged);
    if (this.log.length > this.retained) this.log.shift();
    for (const listener of this.listeners) listener(logged);
    return event;
  }

  subscribe(listener: (change: LoggedChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every retained change after `version`, oldest first, or why they cannot all be given. */
  after(version: bigint): LoggedChange[] | ResumeRefusal {
    if (version > this.version) return { reason: 'ahead', current: this.version };
    const oldest = this.log[0]?.version ?? this.version + 1n;
    if (version < oldest - 1n) return { reason: 'dropped', oldest };
    return this.log.filter((change) => change.version > version);
  }

  /**
   * As a control plane that restarted without its history: versions start again from 1, so a
   * watcher resuming from before finds its version ahead (OUT_OF_RANGE) and must re-read.
   */
  reset(): void {
    this.version = 0n;
    this.log.length = 0;
  }
}
