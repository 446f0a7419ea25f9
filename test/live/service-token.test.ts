import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DemoIdentityProvider,
  startIdentityProvider,
} from '../../src/dev/identity-provider/index.js';
import { createServiceTokenSource } from '../../src/live/service-token.js';

/*
 * The replica's own token, from the real demo identity provider (client-credentials grant):
 * one grant for many callers, reused until shortly before expiry, and a failing identity
 * provider is not asked again at once. Every grant gives a new token (its own jti), so "the same
 * string" means "no second grant".
 */

const clientId = 'prism-console-service';
const clientSecret = 'service-secret-for-tests';
let idp: DemoIdentityProvider;
beforeAll(async () => {
  idp = await startIdentityProvider({
    clients: [],
    serviceClients: [{ clientId, clientSecret, groups: ['prism-viewers'] }],
    accessTokenTtlSeconds: 300,
  });
});
afterAll(() => idp?.stop());

/** A token source on a clock the test moves (`clock.now`). */
function sourceOnClock(secret = clientSecret) {
  const clock = { now: Date.now() };
  const token = createServiceTokenSource({
    clientId,
    clientSecret: secret,
    issuer: new URL(idp.issuer),
    now: () => clock.now,
  });
  return { token, clock };
}

describe('the service token source', () => {
  it('gets one token for many callers and keeps it until a minute before expiry', async () => {
    const { token, clock } = sourceOnClock();
    const first = await Promise.all(Array.from({ length: 5 }, () => token()));
    expect(new Set(first).size).toBe(1);
    expect(decodeJwt(first[0] ?? '')).toMatchObject({ sub: clientId, groups: ['prism-viewers'] });
    clock.now += 239_000; // 61 s before expiry: still the same
    expect(await token()).toBe(first[0]);
    clock.now += 2_000; // inside the last minute: renewed
    const renewed = await token();
    expect(renewed).not.toBe(first[0]);
    expect(decodeJwt(renewed).sub).toBe(clientId);
  });

  it('gets another token when the control plane refuses the one it has, at most every 10 s', async () => {
    const { token, clock } = sourceOnClock();
    const first = await token();
    // A refusal of a token it no longer holds changes nothing.
    token.rejected('some-older-token');
    expect(await token()).toBe(first);
    // Refused by many calls at once: one new grant, shared.
    for (let i = 0; i < 3; i++) token.rejected(first);
    const second = await Promise.all(Array.from({ length: 3 }, () => token()));
    expect(new Set(second).size).toBe(1);
    expect(second[0]).not.toBe(first);
    // The new one refused too, at once (a control plane that refuses every token): kept until
    // 10 s after the last drop, then another grant.
    clock.now += 9_000;
    token.rejected(second[0] as string);
    expect(await token()).toBe(second[0]);
    clock.now += 1_000;
    token.rejected(second[0] as string);
    const third = await token();
    expect(third).not.toBe(second[0]);
    expect(decodeJwt(third).sub).toBe(clientId);
  });

  it('fails with a wrong secret, and does not ask again until its back-off has passed', async () => {
    const { token, clock } = sourceOnClock('not-the-secret');
    const failure = await token().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(Error);
    // Within the back-off: the same failure, without a request.
    expect(await token().catch((err: unknown) => err)).toBe(failure);
    clock.now += 1_500;
    const again = await token().catch((err: unknown) => err);
    expect(again).toBeInstanceOf(Error);
    expect(again).not.toBe(failure);
  });
});
