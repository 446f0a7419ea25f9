import { Code, ConnectError } from '@connectrpc/connect';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { describeError } from '../../src/views/errors.js';
import { parseHtml, textOf } from '../dom.js';
import { type Stack, startStack } from '../helper.js';

/*
 * Text and links built from the request: an error page's "Try again" goes only to a path on
 * this console, whatever the address or a forged HX-Current-URL says; the console never prints
 * a sentence someone wrote into a link as if it were its own; tokens never travel in a URL.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const links = (html: string) =>
  [...parseHtml(html).querySelectorAll('a[href]')].map((a) => a.getAttribute('href') ?? '');

/** Every link a page offers stays on this console: a path, not another host. */
function expectOnlyLocalLinks(html: string) {
  for (const href of links(html)) {
    expect(href, href).toMatch(/^(\/(?![/\\])|#)/);
  }
}

describe('"Try again" and other links built from the request', () => {
  it.each([
    '//evil.example/login',
    '//evil.example/%2e%2e',
    '/.//evil.example/login',
    '/\\evil.example/login',
  ])('the answer at %s offers no way off-site', async (url) => {
    const response = await stack.admin.inject({ method: 'GET', url });
    expectOnlyLocalLinks(response.body);
    expect(response.body).not.toContain('evil.example');
  });

  it('a failure worth retrying offers "Try again" only to a local path', async () => {
    stack.controlPlane.faults.unavailable = true;
    try {
      for (const url of ['//evil.example/namespaces', '/namespaces?q=x']) {
        const response = await stack.admin.inject({ method: 'GET', url });
        expectOnlyLocalLinks(response.body);
        expect(response.body).not.toContain('evil.example');
      }
      const page = await stack.admin.inject({ method: 'GET', url: '/namespaces?q=x' });
      expect(page.statusCode).toBe(503);
      expect(links(page.body)).toContain('/namespaces?q=x');
    } finally {
      stack.controlPlane.faults.unavailable = false;
    }
  });

  it('a failed htmx post does not link to a forged HX-Current-URL', async () => {
    stack.controlPlane.faults.unavailable = true;
    onTestFinished(() => {
      stack.controlPlane.faults.unavailable = false;
    });
    for (const current of [
      `${stack.baseUrl}//evil.example/login`,
      `${stack.baseUrl}/.//evil.example`,
      'https://evil.example/namespaces',
    ]) {
      const response = await stack.admin.inject({
        method: 'POST',
        url: '/namespaces/no-such-namespace/delete',
        headers: {
          'hx-request': 'true',
          'hx-current-url': current,
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: 'reason=x&confirm=no-such-namespace&request_id=req-00000001&version=1',
      });
      expect(response.statusCode).toBe(503);
      expectOnlyLocalLinks(response.body);
      expect(response.body).not.toContain('evil.example');
    }
  });

  it('a failed htmx request from this console offers the page it came from', async () => {
    stack.controlPlane.faults.unavailable = true;
    try {
      const response = await stack.admin.inject({
        method: 'GET',
        url: '/namespaces?q=x',
        headers: {
          'hx-request': 'true',
          'hx-target': 'namespace-results',
          'hx-current-url': `${stack.baseUrl}/namespaces?q=x`,
        },
      });
      expect(response.statusCode).toBe(503);
      expect(links(response.body)).toContain('/namespaces?q=x');
    } finally {
      stack.controlPlane.faults.unavailable = false;
    }
  });
});

describe('words in the console’s mouth', () => {
  const sentence = 'Your session has expired. Sign in again at evil.example';

  it.each([
    `/namespaces/${encodeURIComponent(sentence)}`,
    `/namespaces/${encodeURIComponent(sentence)}/edit`,
    `/${encodeURIComponent(sentence)}`,
  ])('%s is a 404 that does not repeat the address', async (url) => {
    const response = await stack.admin.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(404);
    const text = textOf(parseHtml(response.body).querySelector('[data-testid="error"]'));
    expect(text).toMatch(/Not found|Page not found/);
    expect(response.body).not.toContain('Your session has expired');
    expect(response.body).not.toContain('evil.example');
  });
});

describe('the control plane’s words', () => {
  it.each([
    Code.InvalidArgument,
    Code.AlreadyExists,
    Code.FailedPrecondition,
    Code.PermissionDenied,
  ])('are quoted and attributed, never the console’s own sentence (code %s)', (code) => {
    const said = 'Your session has expired. Sign in again at evil.example';
    const { message } = describeError(new ConnectError(said, code));
    expect(message).toMatch(/control plane/);
    expect(message).toContain(`“${said}”`);
    expect(message.startsWith(said)).toBe(false);
  });
});

describe('tokens stay out of URLs', () => {
  it('sign-out sends the browser to the identity provider without the ID token', async () => {
    const operator = await stack.signIn('operator');
    const response = await operator.inject({
      method: 'POST',
      url: '/auth/sign-out',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(operator.csrfToken)}`,
    });
    expect(response.statusCode).toBe(303);
    const location = new URL(response.headers.location ?? '');
    expect(location.origin).toBe(new URL(stack.identityProvider.issuer).origin);
    expect(location.searchParams.get('client_id')).toBe(stack.clientId);
    expect(location.searchParams.has('id_token_hint')).toBe(false);
    expect(location.href).not.toMatch(/eyJ/);
  });
});
