import type { FastifyInstance } from 'fastify';
import type { Stack } from '../helper.js';

/*
 * What route tests of the read cache need: the calls the demo control plane itself received,
 * and a console whose Watch is up (only then are answers kept).
 */

/**
 * Counts the calls the demo control plane receives, by method name (`ListNamespaces`), on its
 * side of the wire. Its fault interceptor asks `unavailableMethods.has(name)` of every call
 * before anything else; a set that counts the questions is that count.
 */
export function countCalls(stack: Stack): Map<string, number> {
  const counts = new Map<string, number>();
  class CountingSet extends Set<string> {
    override has(name: string): boolean {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return super.has(name);
    }
  }
  stack.controlPlane.faults.unavailableMethods = new CountingSet(
    stack.controlPlane.faults.unavailableMethods,
  );
  return counts;
}

/**
 * Keeps answers (whatever a test stack's default) and waits until the console's Watch has
 * delivered its first batch (app.changes.live): from then on answers are kept.
 */
export async function liveFeed(app: FastifyInstance): Promise<void> {
  app.readCache.keepAnswers = true;
  for (let attempt = 0; attempt < 100; attempt++) {
    if (app.changes?.live) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the console’s Watch did not come up: nothing would be kept');
}
