import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHtml, textOf } from '../dom.js';
import { type Stack, startStack } from '../helper.js';

// Access tokens live 55 s here, so every request falls within the 60 s refresh margin.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ accessTokenTtlSeconds: 55 });
});
afterAll(async () => {
  await stack?.close();
});

async function currentSession() {
  const [session] = await stack.app.sessions.list();
  if (!session) throw new Error('no session');
  return session;
}

describe('access token refresh', () => {
  it('refreshes a token about to expire, and the control plane accepts the new one', async () => {
    const before = await currentSession();
    const res = await stack.admin.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    const after = await currentSession();
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    // The page's data came from the control plane with the new token.
    expect(textOf(parseHtml(res.body).querySelector('[data-testid="raft"]'))).toContain('Leader');
  });

  it('shares one refresh among requests that arrive together (rotating refresh tokens)', async () => {
    // Were each to refresh on its own, the identity provider would see a refresh token used
    // twice and revoke the whole chain: some of these, and every later one, would be signed out.
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => stack.admin.inject({ url: '/namespaces' })),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
    const later = await stack.admin.inject({ url: '/namespaces' });
    expect(later.statusCode).toBe(200);
  });
});
