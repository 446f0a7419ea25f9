// Bearer tokens as the conformance server sees them: the last one each method was called with,
// and revocation the way a grpc-go control plane's auth interceptor does it (a revoked token's
// calls are refused UNAUTHENTICATED, and the streams it opened are ended with that status).

import type * as grpc from '@grpc/grpc-js';

export class Tokens {
  readonly #last = new Map<string, string>();
  readonly #revoked = new Set<string>();
  /** Token → what ends each stream still open with it. */
  readonly #open = new Map<string, Set<() => void>>();

  /** Records the token a call of `method` came with; false when that token is revoked. */
  admit(method: string, metadata: grpc.Metadata): boolean {
    const token = tokenOf(metadata);
    if (token === undefined) return true;
    this.#last.set(method, token);
    return !this.#revoked.has(token);
  }

  /** The token the last call of `method` came with. */
  last(method: string): string | undefined {
    return this.#last.get(method);
  }

  /** `end` is called if the stream's token is revoked while it is open; returns the forgetter. */
  track(metadata: grpc.Metadata, end: () => void): () => void {
    const token = tokenOf(metadata);
    if (token === undefined) return () => {};
    const enders = this.#open.get(token) ?? new Set();
    this.#open.set(token, enders);
    enders.add(end);
    return () => enders.delete(end);
  }

  revoke(token: string): void {
    this.#revoked.add(token);
    for (const end of this.#open.get(token) ?? []) end();
    this.#open.delete(token);
  }
}

function tokenOf(metadata: grpc.Metadata): string | undefined {
  const [value] = metadata.get('authorization');
  return typeof value === 'string' ? value.replace(/^Bearer /, '') : undefined;
}
