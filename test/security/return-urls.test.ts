import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeReturnTo } from '../../src/plugins/auth.js';
import { parseHtml } from '../dom.js';
import { type Stack, startStack } from '../helper.js';
import { beginSignIn, finishSignIn } from './support.js';

/*
 * Where the operator goes after signing in comes from a query parameter anyone can put in a link:
 * only a path on this console may come out, whatever tricks the link uses.
 */

/** Values a browser would read as another site (or as script), as the decoded parameter. */
const OFF_SITE = [
  '//evil.example',
  '/\\evil.example',
  '\\/evil.example',
  'https://evil.example',
  'http:evil.example',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  '///evil.example',
  '\t//evil.example',
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r/evil.example',
  ' //evil.example',
  // Dot segments: the URL parser resolves them, leaving "//evil.example".
  '/.//evil.example',
  '/..//evil.example',
  '/a/..//evil.example',
  '/%2e//evil.example',
  '/%2E%2E//evil.example',
  'evil.example',
  '',
];

describe('safeReturnTo', () => {
  it.each(OFF_SITE)('sends %j home', (value) => {
    expect(safeReturnTo(value)).toBe('/');
  });

  it.each([undefined, null, 42, ['/namespaces'], { path: '/namespaces' }])(
    'sends a non-string (%j) home',
    (value) => {
      expect(safeReturnTo(value)).toBe('/');
    },
  );

  it('sends an absurdly long path home', () => {
    expect(safeReturnTo(`/${'a'.repeat(5000)}`)).toBe('/');
  });

  it.each([
    ['/', '/'],
    ['/namespaces', '/namespaces'],
    ['/namespaces?q=checkout&status=active&page=2', '/namespaces?q=checkout&status=active&page=2'],
    ['/namespaces/checkout-v2/edit', '/namespaces/checkout-v2/edit'],
    // Encoded slashes stay encoded: a path on this console, never a host.
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
    // The fragment never reaches the server anyway; dropped.
    ['/namespaces#top', '/namespaces'],
    ['/namespaces/./x/../checkout', '/namespaces/checkout'],
  ])('keeps the local path %j as %j', (value, expected) => {
    expect(safeReturnTo(value)).toBe(expected);
  });

  it('never returns anything a browser would resolve off this console', () => {
    const base = 'https://console.example';
    for (const value of [...OFF_SITE, '/%2F%2Fevil.example', '/x/../..//evil.example']) {
      expect(new URL(safeReturnTo(value), base).origin, value).toBe(base);
    }
  });
});

describe('sign-in with a return parameter', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** Signs in with `return=<raw>` in the link; where the Continue page then goes. */
  async function continueTarget(rawReturn: string): Promise<string[]> {
    const signIn = await beginSignIn(stack, 'viewer', { rawReturn });
    const done = await finishSignIn(stack.app, signIn);
    expect(done.statusCode).toBe(200);
    const doc = parseHtml(done.body);
    const refresh = doc.querySelector('meta[http-equiv="refresh"]')?.getAttribute('content') ?? '';
    const link = doc.querySelector('a')?.getAttribute('href') ?? '';
    return [/^0;url=(.*)$/s.exec(refresh)?.[1] ?? `(no refresh: ${refresh})`, link];
  }

  it.each([
    ['//evil.example', '//evil.example'],
    ['/\\evil.example', '/%5Cevil.example'],
    ['https://evil.example', 'https://evil.example'],
    ['javascript:alert(1)', 'javascript:alert(1)'],
    // Decoded, the parameter is ///evil.example.
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
    ['\\t//evil.example', '%09//evil.example'],
    ['/.//evil.example', '/.//evil.example'],
    ['/%2e%2e//evil.example', '/%2e%2e//evil.example'],
  ])('with return=%s, the Continue page goes home', async (_label, raw) => {
    expect(await continueTarget(raw)).toEqual(['/', '/']);
  });

  it('keeps a local path with its query', async () => {
    expect(await continueTarget(encodeURIComponent('/namespaces?q=chat&status=active'))).toEqual([
      '/namespaces?q=chat&status=active',
      '/namespaces?q=chat&status=active',
    ]);
  });

  it('sends an operator who is already signed in to a local path only', async () => {
    for (const returnTo of ['//evil.example', '/.//evil.example', 'https://evil.example']) {
      const response = await stack.admin.inject({
        url: `/auth/sign-in?return=${encodeURIComponent(returnTo)}`,
      });
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe('/');
    }
    const local = await stack.admin.inject({ url: '/auth/sign-in?return=%2Fnamespaces%3Fq%3Dx' });
    expect(local.headers.location).toBe('/namespaces?q=x');
  });
});
