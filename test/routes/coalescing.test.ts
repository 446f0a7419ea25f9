import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCalls, liveFeed } from '../control-plane/reads.js';
import { type SignedIn, type Stack, startStack } from '../helper.js';

/*
 * Many operators, one upstream read (issue 10 §2): the same list opened at once by several
 * operators costs the demo control plane (counted on its side of the wire) one call, not one
 * per page.
 */

let stack: Stack;
let operator: SignedIn;
let calls: Map<string, number>;
beforeAll(async () => {
  stack = await startStack();
  operator = await stack.signIn('operator');
  calls = countCalls(stack);
  await liveFeed(stack.app);
});
afterAll(async () => {
  await stack?.close();
});

describe('coalescing', () => {
  it('serves 20 page loads of one list by 2 operators with at most 2 reads', async () => {
    stack.app.readCache.clear('all');
    const before = calls.get('ListNamespaces') ?? 0;
    const pages = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? operator : stack.admin).inject({ method: 'GET', url: '/namespaces?size=50' }),
      ),
    );
    expect(pages.map((page) => page.statusCode)).toEqual(Array(20).fill(200));
    expect(pages.every((page) => page.body.includes('payments-gateway'))).toBe(true);
    const made = (calls.get('ListNamespaces') ?? 0) - before;
    expect(made).toBeGreaterThanOrEqual(1);
    expect(made).toBeLessThanOrEqual(2);
  });

  it('still shares reads in flight without a Watch, but keeps none', async () => {
    const replica = await stack.replica();
    // As a console without a service client: no change feed, no service token.
    replica.readCache.attach(undefined);
    const there = await stack.signIn('viewer', replica);
    const before = calls.get('ListNamespaces') ?? 0;
    const pages = await Promise.all(
      Array.from({ length: 10 }, () => there.inject({ method: 'GET', url: '/namespaces' })),
    );
    expect(pages.map((page) => page.statusCode)).toEqual(Array(10).fill(200));
    const together = (calls.get('ListNamespaces') ?? 0) - before;
    expect(together).toBeLessThan(10);
    await there.inject({ method: 'GET', url: '/namespaces' });
    expect((calls.get('ListNamespaces') ?? 0) - before).toBe(together + 1);
  });
});
