// Fault injection, as a Connect interceptor so it covers every RPC (unary and streaming) the
// same way. Tests and the demo flip the settings at run time; each call reads them afresh.

import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import { delay } from './async.js';
import type { Random } from './random.js';

export interface FaultSettings {
  /** Added before every call is handled. */
  latencyMs: number;
  /** 0..1: the fraction of calls that fail with UNAVAILABLE. */
  errorRate: number;
  /** Every call fails with UNAVAILABLE. */
  unavailable: boolean;
}

export function noFaults(): FaultSettings {
  return { latencyMs: 0, errorRate: 0, unavailable: false };
}

export function faultInterceptor(faults: FaultSettings, random: Random): Interceptor {
  return (next) => async (request) => {
    if (faults.latencyMs > 0) {
      // The call's own signal ends the wait when the client gives up or its deadline passes.
      await delay(faults.latencyMs, request.signal);
    }
    if (faults.unavailable) {
      throw new ConnectError('control plane unavailable (injected fault)', Code.Unavailable);
    }
    if (faults.errorRate > 0 && random.chance(faults.errorRate)) {
      throw new ConnectError('control plane unavailable (injected error rate)', Code.Unavailable);
    }
    return next(request);
  };
}
