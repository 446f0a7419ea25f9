import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHtml, textOf } from '../dom.js';
import { type Stack, startStack } from '../helper.js';
import { htmx, openForm } from '../routes/namespaces/support.js';
import { FORM } from './support.js';

/*
 * What a shared or back-button cache could keep must not include a signed-in page; what an
 * attacker would hammer (sign-in and its return) is limited per client address.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

/**
 * Kept by no cache, or — a read-only page with an ETag — kept only by this browser and never used
 * without asking the console first (a 304 needs the session, like the page).
 */
function expectPrivate(response: LightMyRequestResponse, what: string) {
  const header = String(response.headers['cache-control'] ?? '');
  const directives = header.split(',').map((d) => d.trim());
  if (!directives.includes('no-store')) {
    expect(directives, `${what}: ${header}`).toEqual(['private', 'no-cache']);
    expect(String(response.headers.etag), what).toMatch(/^W\/"/);
  }
  expect(header, what).not.toMatch(/\b(public|max-age=[1-9]|immutable)\b/);
}

function expectNoStore(response: LightMyRequestResponse, what: string) {
  const header = String(response.headers['cache-control'] ?? '');
  expect(
    header.split(',').map((d) => d.trim()),
    `${what}: ${header}`,
  ).toContain('no-store');
  expect(header, what).not.toMatch(/\b(public|max-age=[1-9]|immutable)\b/);
}

describe('Cache-Control: no-store, or private and revalidated', () => {
  it('on every signed-in page, fragment and error; no-store on forms and errors', async () => {
    const admin = stack.admin;
    const target = [...stack.controlPlane.state.namespaces.keys()][0] ?? '';
    const home = await admin.inject({ url: '/' });
    const nav = [...parseHtml(home.body).querySelectorAll('nav a[href^="/"]')].map(
      (a) => a.getAttribute('href') ?? '/',
    );
    const gets: [string, Record<string, string>][] = [
      ...[...new Set(nav)].map((url): [string, Record<string, string>] => [url, {}]),
      ['/', htmx('dashboard')],
      ['/namespaces?q=chat', {}],
      ['/namespaces?q=chat', htmx('namespace-results')],
      [`/namespaces/${target}`, {}],
      [`/namespaces/${target}/edit`, {}],
      [`/namespaces/${target}/edit`, htmx('namespace-form')],
      [`/namespaces/${target}/delete`, {}],
      ['/namespaces/new', {}],
      ['/namespaces/never-was', {}],
      ['/namespaces/never-was', htmx('main')],
      ['/no-such-page', {}],
    ];
    const forms = /\/(edit|delete|new)$|never-was|no-such-page/;
    for (const [url, headers] of gets) {
      const response = await admin.inject({ url, headers });
      expect(response.statusCode, url).toBeLessThan(500);
      const what = `GET ${url} ${JSON.stringify(headers)}`;
      // A form carries a one-time request id, an error is no page to keep: never stored.
      if (forms.test(url)) expectNoStore(response, what);
      else expectPrivate(response, what);
    }
  });

  it('sign-out clears the browser cache of the pages it kept', async () => {
    const someone = await stack.signIn('viewer');
    const out = await someone.inject({ method: 'POST', url: '/auth/sign-out' });
    expect(out.headers['clear-site-data']).toBe('"cache"');
  });

  it('on the answers to posts: redirects, forms with errors, refusals', async () => {
    const admin = stack.admin;
    const valid = {
      ...(await openForm(admin, '/namespaces/new')),
      name: 'cache-control-test',
      reason: 'Headers test',
    };
    const created = await admin.inject({
      method: 'POST',
      url: '/namespaces',
      headers: FORM,
      payload: new URLSearchParams(valid).toString(),
    });
    expect(created.statusCode).toBe(303);
    expectNoStore(created, 'create redirect');
    for (const headers of [{}, htmx('namespace-form')]) {
      const invalid = await admin.inject({
        method: 'POST',
        url: '/namespaces',
        headers: { ...FORM, ...headers },
        payload: new URLSearchParams({ ...valid, name: 'Not A Name' }).toString(),
      });
      expect(invalid.statusCode).toBe(422);
      expectNoStore(invalid, `invalid create ${JSON.stringify(headers)}`);
    }
    const forged = await stack.app.inject({
      method: 'POST',
      url: '/namespaces',
      headers: { cookie: admin.cookie, origin: 'https://evil.example', ...FORM },
      payload: new URLSearchParams(valid).toString(),
    });
    expect(forged.statusCode).toBe(403);
    expectNoStore(forged, 'CSRF refusal');
  });

  it('on the sign-in flow and what a signed-out browser gets', async () => {
    for (const url of ['/auth/sign-in', '/auth/callback', '/auth/signed-out', '/namespaces']) {
      const response = await stack.app.inject({ url });
      expectNoStore(response, `signed out: GET ${url}`);
    }
  });

  it('but static assets are cached (they are public and hashed)', async () => {
    const home = await stack.admin.inject({ url: '/' });
    const css = /href="(\/assets\/[^"]+\.css)"/.exec(home.body)?.[1];
    expect(css).toBeTruthy();
    const asset = await stack.app.inject({ url: css ?? '' });
    expect(asset.statusCode).toBe(200);
    expect(String(asset.headers['cache-control'])).toMatch(/max-age=\d{4,}/);
  });
});

describe('rate limits on sign-in and its return', () => {
  const LIMIT = 30;

  /** A client address of its own per test, so the limits of one test do not touch another. */
  let address = 0;
  function nextAddress(): string {
    address += 1;
    return `198.51.100.${address}`;
  }

  async function hammer(url: string, remoteAddress: string, times: number) {
    const answers: LightMyRequestResponse[] = [];
    for (let i = 0; i < times; i++) answers.push(await stack.app.inject({ url, remoteAddress }));
    return answers;
  }

  function expectTooMany(response: LightMyRequestResponse) {
    expect(response.statusCode).toBe(429);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(String(response.headers['content-type'])).toMatch(/^text\/html/);
    const doc = parseHtml(response.body);
    expect(doc.title).toMatch(/^Too many sign-in attempts/);
    const alert = textOf(doc.querySelector('[role="alert"], [data-testid="error"]'));
    expect(alert).toMatch(/Too many sign-in attempts/);
    expect(alert).toMatch(/try again in 1 minute/i);
  }

  it.each(['/auth/sign-in', '/auth/callback?code=x&state=y'])(
    '%s: the 31st request within a minute gets 429 with a clear page',
    async (url) => {
      const from = nextAddress();
      const answers = await hammer(url, from, LIMIT + 1);
      for (const answer of answers.slice(0, LIMIT)) expect(answer.statusCode).not.toBe(429);
      expectTooMany(answers[LIMIT] as LightMyRequestResponse);
    },
  );

  it.each(['/auth/sign-in', '/auth/callback?code=x&state=y'])(
    '%s: HEAD gets no attempts of its own (no HEAD route, so no second count)',
    async (url) => {
      const from = nextAddress();
      for (let i = 0; i < LIMIT + 5; i++) {
        const head = await stack.app.inject({ method: 'HEAD', url, remoteAddress: from });
        expect(head.statusCode).not.toBe(303);
        expect(head.headers.location).toBeUndefined();
      }
      // Those did not count, and did not start sign-ins: GET still has all its attempts.
      const answers = await hammer(url, from, LIMIT + 1);
      for (const answer of answers.slice(0, LIMIT)) expect(answer.statusCode).not.toBe(429);
      expectTooMany(answers[LIMIT] as LightMyRequestResponse);
    },
  );

  it('an htmx request over the limit gets the message as a fragment', async () => {
    const from = nextAddress();
    await hammer('/auth/sign-in', from, LIMIT);
    const response = await stack.app.inject({
      url: '/auth/sign-in',
      remoteAddress: from,
      headers: { 'hx-request': 'true' },
    });
    expect(response.statusCode).toBe(429);
    expect(response.body).not.toMatch(/<html/i);
    expect(textOf(parseHtml(response.body).body)).toMatch(/Too many sign-in attempts/);
  });

  it('counts per client address: another address still signs in', async () => {
    const from = nextAddress();
    await hammer('/auth/sign-in', from, LIMIT + 1);
    const other = await stack.app.inject({ url: '/auth/sign-in', remoteAddress: nextAddress() });
    expect(other.statusCode).toBe(303);
  });

  it('leaves the rest of the console alone for that address', async () => {
    const from = nextAddress();
    await hammer('/auth/sign-in', from, LIMIT + 1);
    await hammer('/auth/callback?code=x&state=y', from, LIMIT + 1);
    const cookie = stack.admin.cookie;
    for (const url of ['/', '/namespaces', '/healthz', '/auth/signed-out']) {
      const response = await stack.app.inject({ url, remoteAddress: from, headers: { cookie } });
      expect(response.statusCode, url).toBe(200);
    }
    const post = await stack.app.inject({
      method: 'POST',
      url: '/namespaces',
      remoteAddress: from,
      headers: { cookie, origin: stack.baseUrl, ...FORM },
      payload: new URLSearchParams({
        ...(await openForm(stack.admin, '/namespaces/new')),
        name: 'after-the-limit',
        reason: 'Rate limit test',
      }).toString(),
    });
    expect(post.statusCode).toBe(303);
  });
});
