import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { navigation } from '../../src/routes/navigation.js';
import { parseHtml, textOf } from '../dom.js';
import { type SignedIn, type Stack, startStack } from '../helper.js';

/*
 * Error pages: a heading, breadcrumbs from the area's first page, the area current in the
 * navigation, and an action that helps — "Back to <area>" for a missing page, "Sign in as
 * someone else" for a refusal, "Try again" only where trying again can help.
 */

let stack: Stack;
let viewer: SignedIn;
let operator: SignedIn;
beforeAll(async () => {
  stack = await startStack();
  [viewer, operator] = await Promise.all([stack.signIn('viewer'), stack.signIn('operator')]);
});
afterAll(async () => {
  await stack?.close();
});

async function page(as: SignedIn, url: string) {
  const res = await as.inject({ url });
  return { res, doc: parseHtml(res.body) };
}

const crumbs = (doc: Document) =>
  [...doc.querySelectorAll('nav[aria-label="Breadcrumb"] li')].map((li) => textOf(li));
const current = (doc: Document) =>
  textOf(doc.querySelector('nav[aria-label="Console"] [aria-current="page"]'));
const action = (doc: Document, id: string) => doc.querySelector(`[data-testid="${id}"]`);

describe('a missing page in an area (404)', () => {
  it.each([
    ['admin', () => stack.admin],
    ['operator', () => operator],
    ['viewer', () => viewer],
  ] as const)(
    'has a heading, breadcrumbs, the area current and "Back to namespaces" (%s)',
    async (_role, who) => {
      const { res, doc } = await page(who(), '/namespaces/no-such-namespace');
      expect(res.statusCode).toBe(404);
      expect(textOf(doc.querySelector('h1'))).toBe('Not found');
      expect(crumbs(doc)).toEqual(['Namespaces', '/Not found']);
      expect(doc.querySelector('nav[aria-label="Breadcrumb"] a')?.getAttribute('href')).toBe(
        '/namespaces',
      );
      expect(current(doc)).toBe('Namespaces');
      const back = action(doc, 'back');
      expect(textOf(back)).toBe('Back to namespaces');
      expect(back?.getAttribute('href')).toBe('/namespaces');
      // Trying again cannot make it exist.
      expect(action(doc, 'retry')).toBeNull();
      expect(action(doc, 'sign-in-as-someone-else')).toBeNull();
    },
  );

  it('answers htmx with the same help in the alert region, without the layout', async () => {
    const res = await viewer.inject({
      url: '/backends/no-such-backend',
      headers: { 'hx-request': 'true', 'hx-target': 'main' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers['hx-retarget']).toBe('#alerts');
    expect(res.body).not.toContain('<html');
    const doc = parseHtml(res.body);
    expect(doc.querySelector('h1')).toBeNull();
    expect(textOf(action(doc, 'back'))).toBe('Back to backends');
    expect(action(doc, 'back')?.getAttribute('href')).toBe('/backends');
  });
});

describe('an address outside every area (404)', () => {
  it('offers the dashboard, with no area current', async () => {
    const { res, doc } = await page(viewer, '/no/such/page');
    expect(res.statusCode).toBe(404);
    expect(textOf(doc.querySelector('h1'))).toBe('Page not found');
    expect(crumbs(doc)).toEqual(['Dashboard', '/Page not found']);
    expect(current(doc)).toBe('');
    expect(textOf(action(doc, 'back'))).toBe('Go to the dashboard');
    expect(action(doc, 'back')?.getAttribute('href')).toBe('/');
  });

  it.each(
    navigation.filter((item) => !item.available).map((item) => [item.label, item.href] as const),
  )(
    'says an area not built yet (%s) is not available, and offers the dashboard',
    async (label, href) => {
      const { res, doc } = await page(viewer, href);
      expect(res.statusCode).toBe(404);
      expect(textOf(action(doc, 'error-note'))).toBe(
        `${label} is not available in this version of the console.`,
      );
      expect(textOf(action(doc, 'back'))).toBe('Go to the dashboard');
      expect(action(doc, 'retry')).toBeNull();
    },
  );
});

describe('a refusal for the role (403)', () => {
  it.each([
    ['operator', () => operator],
    ['viewer', () => viewer],
  ] as const)(
    'offers signing in as someone else, and the dashboard (%s on an admin area)',
    async (_role, who) => {
      const { res, doc } = await page(who(), '/console-sessions');
      expect(res.statusCode).toBe(403);
      expect(textOf(doc.querySelector('h1'))).toBe('Not allowed');
      // Not in their navigation (an admin's area), but first in the breadcrumbs.
      expect(current(doc)).toBe('');
      expect(crumbs(doc)).toEqual(['Console sessions', '/Not allowed']);
      const form = action(doc, 'sign-in-as-someone-else')?.closest('form');
      expect(form?.getAttribute('method')).toBe('post');
      expect(form?.getAttribute('action')).toBe('/auth/sign-out');
      // The area's first page is the refused page itself: the way back is the dashboard.
      expect(textOf(action(doc, 'back'))).toBe('Go to the dashboard');
      expect(action(doc, 'retry')).toBeNull();
    },
  );

  it('"Sign in as someone else" signs out (a form as rendered, CSRF token included)', async () => {
    const someone = await stack.signIn('viewer');
    const { doc } = await page(someone, '/namespaces/new');
    expect(textOf(action(doc, 'back'))).toBe('Back to namespaces');
    const form = action(doc, 'sign-in-as-someone-else')?.closest('form');
    const fields = new URLSearchParams();
    for (const input of form?.querySelectorAll('input[name]') ?? []) {
      fields.set(input.getAttribute('name') ?? '', input.getAttribute('value') ?? '');
    }
    const res = await stack.app.inject({
      method: 'POST',
      url: form?.getAttribute('action') ?? '',
      headers: {
        cookie: someone.cookie,
        origin: stack.baseUrl,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: fields.toString(),
    });
    expect(res.statusCode).toBe(303);
    // Signed out: the session is gone, and the next page asks to sign in.
    const after = await stack.app.inject({ url: '/', headers: { cookie: someone.cookie } });
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toMatch(/^\/auth\/sign-in/);
  });
});

describe('a failure worth trying again (5xx)', () => {
  it('offers "Try again" for the page that failed, and the dashboard', async () => {
    stack.controlPlane.faults.unavailableMethods.add('ListNamespaces');
    try {
      const { res, doc } = await page(viewer, '/namespaces?q=orders');
      expect(res.statusCode).toBe(503);
      expect(textOf(doc.querySelector('h1'))).toBe('Control plane unreachable');
      expect(current(doc)).toBe('Namespaces');
      expect(action(doc, 'retry')?.getAttribute('href')).toBe('/namespaces?q=orders');
      expect(textOf(action(doc, 'back'))).toBe('Go to the dashboard');
    } finally {
      stack.controlPlane.faults.unavailableMethods.clear();
    }
  });
});
