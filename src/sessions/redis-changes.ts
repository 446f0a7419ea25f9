import { randomUUID } from 'node:crypto';
import {
  changeListeners,
  isSessionHandle,
  type SessionChangeListener,
  sessionHandle,
} from './session.js';

/** What this needs of the store's Redis client: a second connection like it. */
interface Duplicable {
  duplicate(): {
    on(event: 'error', listener: (err: Error) => void): unknown;
    on(event: 'ready', listener: () => void): unknown;
    connect(): Promise<unknown>;
    subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
    destroy(): void;
  };
}

/**
 * Sign-ins and sign-outs between replicas over Redis pub/sub, on `<prefix>session-changes`: the
 * store publishes each one (message()) with its own commands and tells its own listeners at once
 * (emit()); the others hear it here. A message names the session by its handle and the replica
 * that sent it, whose own messages come back and are not told twice.
 *
 * Listening takes a second connection (one in subscriber mode can send nothing else), opened
 * when the first listener comes. It reconnects and subscribes again by itself after an outage,
 * which the store's main connection reports; then the listeners are told they may have missed
 * changes (`missed`). Anything on the channel that is not such a message is ignored.
 */
export function redisSessionChanges(
  client: Duplicable,
  prefix: string,
  onError?: (err: Error) => void,
) {
  const channel = `${prefix}session-changes`;
  const origin = randomUUID();
  const listeners = changeListeners();
  let subscriber: ReturnType<Duplicable['duplicate']> | undefined;
  let closed = false;

  function heard(message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return;
    }
    if (typeof parsed !== 'object' || parsed === null) return;
    const { kind, handle, from } = parsed as Record<string, unknown>;
    if (from === origin || (kind !== 'created' && kind !== 'deleted')) return;
    if (typeof handle !== 'string' || !isSessionHandle(handle)) return;
    listeners.emitChange({ kind, handle });
  }

  function listen(): void {
    if (subscriber || closed) return;
    const sub = client.duplicate();
    subscriber = sub;
    let subscribed = false;
    sub.on('error', () => {});
    // Ready again after a break, subscribed again: what was published meanwhile is lost.
    sub.on('ready', () => {
      if (subscribed && !closed) listeners.emitChange({ kind: 'missed' });
    });
    sub
      .connect()
      .then(() => sub.subscribe(channel, heard))
      .then(() => {
        subscribed = true;
      })
      .catch((err: Error) => {
        if (!closed) onError?.(err);
      });
  }

  return {
    channel,
    /** The message announcing a change of session `id`, for the store to publish. */
    message(kind: 'created' | 'deleted', id: string): string {
      return JSON.stringify({ kind, handle: sessionHandle(id), from: origin });
    },
    /** Tells this replica's listeners of its own change. */
    emit: listeners.emit,
    onChange(listener: SessionChangeListener): () => void {
      listen();
      return listeners.add(listener);
    },
    close(): void {
      closed = true;
      try {
        subscriber?.destroy();
      } catch {
        // never connected: nothing to close
      }
    },
  };
}
