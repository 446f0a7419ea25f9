import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../helper.js';

// Sessions end after 3 s without the operator doing anything.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { SESSION_IDLE_TIMEOUT_SECONDS: '3' } });
});
afterAll(async () => {
  await stack?.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const poll = { 'hx-request': 'true', 'hx-target': 'dashboard', 'x-prism-background': 'poll' };

describe('what counts as activity', () => {
  it('keeps a session alive while the operator works', async () => {
    const operator = await stack.signIn('operator');
    for (let i = 0; i < 8; i++) {
      await pause(500);
      expect((await operator.inject({ url: '/namespaces?size=5' })).statusCode).toBe(200);
    }
  });

  it('lets it end while only the dashboard refreshes itself, then sends htmx to sign in', async () => {
    const viewer = await stack.signIn('viewer');
    let answer = await viewer.inject({ url: '/', headers: poll });
    const started = Date.now();
    while (answer.statusCode === 200 && Date.now() - started < 8000) {
      await pause(500);
      answer = await viewer.inject({ url: '/', headers: poll });
    }
    expect(answer.statusCode).toBe(401);
    expect(answer.headers['hx-redirect']).toBe('/auth/sign-in?return=%2F');
    expect(Date.now() - started).toBeGreaterThan(2000);
  });

  it('signs out cleanly after the session already ended, instead of refusing', async () => {
    const admin = await stack.signIn('admin');
    await pause(3500);
    const res = await stack.app.inject({
      method: 'POST',
      url: '/auth/sign-out',
      headers: {
        cookie: admin.cookie,
        origin: stack.baseUrl,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: `_csrf=${admin.csrfToken}`,
    });
    expect(res.statusCode).toBe(303);
    const location = String(res.headers.location);
    // On to the identity provider's own sign-out (it asks before ending its session).
    expect(location.startsWith(stack.identityProvider.issuer)).toBe(true);
  });
});
