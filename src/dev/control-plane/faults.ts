// Fault injection, as a Connect interceptor so it covers every RPC (unary and streaming) the
// same way. Tests and the demo flip the settings at run time; each call reads them afresh.
// Each fault answers as a grpc-go control plane would, with its standard error details.

import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import { ErrorInfoSchema, RetryInfoSchema } from '../../gen/google/rpc/error_details_pb.js';
import { delay } from './async.js';
import type { Random } from './random.js';
import { ERROR_DOMAIN } from './validation.js';

export interface FaultSettings {
  /** Added before every call is handled. */
  latencyMs: number;
  /** 0..1: the fraction of calls that fail with UNAVAILABLE. */
  errorRate: number;
  /** Every call fails with UNAVAILABLE. */
  unavailable: boolean;
  /** Every call fails with UNAVAILABLE, ErrorInfo NOT_LEADER: this member is not the leader. */
  notLeader: boolean;
  /**
   * When above 0, every call fails with RESOURCE_EXHAUSTED (rate limited) and a RetryInfo
   * asking to wait this long.
   */
  rateLimitRetryMs: number;
  /** Calls of these methods (`GetMetrics`, `ListPatterns`…) fail with UNAVAILABLE; others work. */
  unavailableMethods: Set<string>;
}

export function noFaults(): FaultSettings {
  return {
    latencyMs: 0,
    errorRate: 0,
    unavailable: false,
    notLeader: false,
    rateLimitRetryMs: 0,
    unavailableMethods: new Set(),
  };
}

export function faultInterceptor(faults: FaultSettings, random: Random): Interceptor {
  return (next) => async (request) => {
    if (faults.latencyMs > 0) {
      // The call's own signal ends the wait when the client gives up or its deadline passes.
      await delay(faults.latencyMs, request.signal);
    }
    if (faults.unavailable || faults.unavailableMethods.has(request.method.name)) {
      throw new ConnectError('control plane unavailable (injected fault)', Code.Unavailable);
    }
    if (faults.notLeader) throw notLeader();
    if (faults.rateLimitRetryMs > 0) throw rateLimited(faults.rateLimitRetryMs);
    if (faults.errorRate > 0 && random.chance(faults.errorRate)) {
      throw new ConnectError('control plane unavailable (injected error rate)', Code.Unavailable);
    }
    return next(request);
  };
}

export function notLeader(): ConnectError {
  return new ConnectError(
    'not the leader: this member cannot serve the request until a leader is elected',
    Code.Unavailable,
    undefined,
    [{ desc: ErrorInfoSchema, value: { reason: 'NOT_LEADER', domain: ERROR_DOMAIN } }],
  );
}

export function rateLimited(retryMs: number): ConnectError {
  const seconds = Math.floor(retryMs / 1000);
  return new ConnectError(
    'too many requests from this caller: the rate limit is reached',
    Code.ResourceExhausted,
    undefined,
    [
      {
        desc: RetryInfoSchema,
        value: {
          retryDelay: { seconds: BigInt(seconds), nanos: (retryMs - seconds * 1000) * 1_000_000 },
        },
      },
      { desc: ErrorInfoSchema, value: { reason: 'RATE_LIMITED', domain: ERROR_DOMAIN } },
    ],
  );
}
