import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactUrl } from '../src/log-redaction.js';
import { appLoggingTo, type Stack, startStack } from './helper.js';

// The authorization code and state of a real sign-in never reach the logs: a console logging
// at debug into memory, signed in through the demo identity provider.

let stack: Stack;
let app: FastifyInstance;
const lines: string[] = [];

beforeAll(async () => {
  stack = await startStack({ signInAdmin: false });
  app = await appLoggingTo(stack, 'debug', lines);
});
afterAll(async () => {
  await app?.close();
  await stack?.close();
});

describe('logs', () => {
  it('carry the sign-in callback without its code and state', async () => {
    await stack.signIn('admin', app);
    const logs = lines.map((line) => JSON.parse(line) as { req?: { url?: string } });
    const callback = logs.find((log) => log.req?.url?.startsWith('/auth/callback?'));
    expect(callback?.req?.url).toMatch(/[?&]code=\[redacted\]/);
    expect(callback?.req?.url).toMatch(/[?&]state=\[redacted\]/);
    // Anywhere in any line, raw or JSON-escaped: no value of either.
    for (const line of lines) {
      expect(line).not.toMatch(/[?&](code|state|session_state)=(?!\[redacted\])/);
    }
  });

  it('carry any URL without token parameters, and a `url` field logged by hand likewise', async () => {
    lines.length = 0;
    await app.inject({ url: '/nowhere?page=2&access_token=abc&id_token_hint=eyJ&Token=x' });
    app.log.warn({ url: '/auth/callback?code=secret-code&state=s' }, 'by hand');
    const text = lines.join('\n');
    expect(text).toContain('/nowhere?page=2&access_token=[redacted]&id_token_hint=[redacted]');
    expect(text).not.toMatch(/abc|eyJ|secret-code|Token=x/);
  });
});

describe('redactUrl', () => {
  it.each([
    [
      '/auth/callback?code=abc&state=def&iss=https%3A%2F%2Fidp',
      '/auth/callback?code=[redacted]&state=[redacted]&iss=https%3A%2F%2Fidp',
    ],
    [
      '/x?session_state=1&refresh_token=2&csrf%5Ftoken=3',
      '/x?session_state=[redacted]&refresh_token=[redacted]&csrf%5Ftoken=[redacted]',
    ],
    ['/namespaces?q=orders&page=2', '/namespaces?q=orders&page=2'],
    ['/x?CODE=1&code', '/x?CODE=[redacted]&code'],
    ['/plain', '/plain'],
  ])('%s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
