import { setTimeout as sleep } from 'node:timers/promises';
import { Code, ConnectError } from '@connectrpc/connect';

/**
 * Reads a server stream, opening it again when it breaks in a way a new stream may mend: the
 * control plane unavailable or cutting the stream itself (a leader change, a restart), or —
 * right after it had delivered — the token refused (each opening fetches a fresh one when
 * `open` uses request.rpcStream()). `signal` is the streams' own (rpcStream().signal): once it
 * aborts, nothing is reopened. Backs off between attempts and gives up after `retries` failed
 * openings in a row. Whatever happened between two openings is not seen: a Watch consumer
 * re-reads after a reopening (its first, empty batch marks it).
 */
export async function* streamWithReconnect<T>(
  open: () => AsyncIterable<T>,
  options: { signal: AbortSignal; retries?: number; baseDelayMs?: number },
): AsyncGenerator<T, void, undefined> {
  const { signal, retries = 5, baseDelayMs = 250 } = options;
  for (let failures = 0; ; failures++) {
    let delivered = false;
    try {
      for await (const message of open()) {
        delivered = true;
        failures = 0;
        yield message;
      }
      return;
    } catch (err) {
      const code = ConnectError.from(err).code;
      const mendable =
        code === Code.Unavailable ||
        code === Code.Canceled || // by the control plane: ours is the signal, checked below
        (code === Code.Unauthenticated && delivered);
      if (!mendable || failures >= retries || signal.aborted) throw err;
    }
    try {
      await sleep(baseDelayMs * 2 ** failures, undefined, { signal });
    } catch {
      return; // nobody reads any more
    }
  }
}
