import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedIn, type Stack, startStack } from '../helper.js';
import { type Fields, formFields, getPage, openForm } from '../routes/namespaces/support.js';
import { controlPlaneSnapshot, FORM, sessionOf } from './support.js';

/*
 * Forged state-changing requests, crafted by hand with the admin's real session cookie — what
 * another site (or a page in a sandboxed frame) could make a signed-in browser send. Each must
 * be refused before anything reaches the control plane; the genuine request must still work.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

let sequence = 0;
/** A fresh, valid create form (with its hidden _csrf and request id) for a new name. */
async function createForm(): Promise<Fields> {
  sequence += 1;
  return {
    ...(await openForm(stack.admin, '/namespaces/new')),
    name: `forged-${sequence}`,
    reason: 'CSRF test',
  };
}

interface Forgery {
  /** Form fields to send (the genuine ones, changed). */
  fields?: (fields: Fields) => Fields;
  headers?: Record<string, string>;
}

/** POST /namespaces with the admin's cookie and only what the case gives (no default Origin). */
function postCreate(fields: Fields, headers: Record<string, string>) {
  return stack.app.inject({
    method: 'POST',
    url: '/namespaces',
    headers: { cookie: stack.admin.cookie, ...FORM, ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
}

function expectRefused(response: LightMyRequestResponse, fields: Fields) {
  expect(response.statusCode).toBe(403);
  expect(response.body).toMatch(/Request refused/);
  expect(stack.controlPlane.state.namespaces.has(fields.name ?? '')).toBe(false);
  expect(stack.controlPlane.state.auditEntriesForRequest(fields.request_id ?? '')).toHaveLength(0);
}

function withoutToken(fields: Fields): Fields {
  const { _csrf: _, ...rest } = fields;
  return rest;
}

let otherSession: SignedIn;
beforeAll(async () => {
  // The same admin in another browser: a valid token, but for a different session.
  otherSession = await stack.signIn('admin');
});

/** Each forged variant of a genuine create post (built when the test runs, after sign-in). */
const FORGERIES: Record<string, () => Forgery> = {
  'no CSRF token': () => ({ fields: withoutToken, headers: { origin: stack.baseUrl } }),
  // A client that sends neither header (not a browser, or an old one): the token decides.
  'no CSRF token, and neither Origin nor Sec-Fetch-Site': () => ({ fields: withoutToken }),
  'a wrong CSRF token': () => ({
    fields: (f) => ({ ...f, _csrf: `${(f._csrf ?? '').slice(0, -2)}xx` }),
    headers: { origin: stack.baseUrl },
  }),
  'an empty CSRF token': () => ({
    fields: (f) => ({ ...f, _csrf: '' }),
    headers: { origin: stack.baseUrl },
  }),
  "another session's CSRF token": () => ({
    fields: (f) => ({ ...f, _csrf: otherSession.csrfToken }),
    headers: { origin: stack.baseUrl },
  }),
  'Origin: https://evil.example (right token)': () => ({
    headers: { origin: 'https://evil.example' },
  }),
  'Origin: null (right token)': () => ({ headers: { origin: 'null' } }),
  'an Origin of the same host on another port (right token)': () => ({
    headers: { origin: 'http://127.0.0.1:1' },
  }),
  'no Origin but Sec-Fetch-Site: cross-site (right token)': () => ({
    headers: { 'sec-fetch-site': 'cross-site' },
  }),
  'no Origin but Sec-Fetch-Site: same-site (right token)': () => ({
    headers: { 'sec-fetch-site': 'same-site' },
  }),
};

describe('a form post to create a namespace', () => {
  it.each(Object.keys(FORGERIES))('is refused with %s, and nothing is created', async (name) => {
    const forgery = (FORGERIES[name] as () => Forgery)();
    const genuine = await createForm();
    const fields = forgery.fields ? forgery.fields(genuine) : genuine;
    const response = await postCreate(fields, forgery.headers ?? {});
    expectRefused(response, fields);
  });

  it('is accepted with the right token and the same Origin', async () => {
    const fields = await createForm();
    const response = await postCreate(fields, { origin: stack.baseUrl });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(
      `/namespaces/${fields.name}?notice=created&request=${fields.request_id}`,
    );
    expect(stack.controlPlane.state.namespaces.has(fields.name ?? '')).toBe(true);
  });

  it('is accepted with the right token from a client that sends neither Origin nor Sec-Fetch-Site', async () => {
    const fields = await createForm();
    const response = await postCreate(fields, {});
    expect(response.statusCode).toBe(303);
    expect(stack.controlPlane.state.namespaces.has(fields.name ?? '')).toBe(true);
  });

  it('is accepted with the right token and Sec-Fetch-Site: same-origin without an Origin', async () => {
    const fields = await createForm();
    const response = await postCreate(fields, { 'sec-fetch-site': 'same-origin' });
    expect(response.statusCode).toBe(303);
    expect(stack.controlPlane.state.namespaces.has(fields.name ?? '')).toBe(true);
  });
});

describe('an htmx post to create a namespace (token in the X-CSRF-Token header)', () => {
  const HTMX = { 'hx-request': 'true', 'hx-target': 'namespace-form' };

  function htmxCreate(fields: Fields, headers: Record<string, string>) {
    // htmx sends the layout's hx-headers token, not the form's hidden field.
    return postCreate(withoutToken(fields), { ...HTMX, ...headers });
  }

  const HTMX_FORGERIES: Record<string, () => Record<string, string>> = {
    'no X-CSRF-Token': () => ({ origin: stack.baseUrl }),
    'a wrong X-CSRF-Token': () => ({
      origin: stack.baseUrl,
      'x-csrf-token': `${stack.admin.csrfToken.slice(0, -2)}xx`,
    }),
    "another session's X-CSRF-Token": () => ({
      origin: stack.baseUrl,
      'x-csrf-token': otherSession.csrfToken,
    }),
    'Origin: https://evil.example': () => ({
      origin: 'https://evil.example',
      'x-csrf-token': stack.admin.csrfToken,
    }),
    'Origin: null': () => ({ origin: 'null', 'x-csrf-token': stack.admin.csrfToken }),
    'Sec-Fetch-Site: cross-site without an Origin': () => ({
      'sec-fetch-site': 'cross-site',
      'x-csrf-token': stack.admin.csrfToken,
    }),
  };

  it.each(Object.keys(HTMX_FORGERIES))(
    'is refused with %s, as a fragment for the alerts',
    async (name) => {
      const fields = await createForm();
      const response = await htmxCreate(fields, HTMX_FORGERIES[name]?.() ?? {});
      expectRefused(response, fields);
      expect(response.headers['hx-retarget']).toBe('#alerts');
      expect(response.body).not.toMatch(/<html/i);
    },
  );

  it('is accepted with the right header token and the same Origin', async () => {
    const fields = await createForm();
    const response = await htmxCreate(fields, {
      origin: stack.baseUrl,
      'x-csrf-token': stack.admin.csrfToken,
    });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(String(response.headers['hx-location'])).path).toBe(
      `/namespaces/${fields.name}?notice=created&request=${fields.request_id}`,
    );
    expect(stack.controlPlane.state.namespaces.has(fields.name ?? '')).toBe(true);
  });
});

describe('POST /auth/sign-out', () => {
  /** An operator of their own, so ending their session leaves the admin's alone. */
  async function victim(): Promise<SignedIn> {
    return stack.signIn('viewer');
  }

  async function stillSignedIn(who: SignedIn): Promise<void> {
    expect(await sessionOf(stack.app, who)).toBeDefined();
    const page = await stack.app.inject({ url: '/', headers: { cookie: who.cookie } });
    expect(page.statusCode).toBe(200);
  }

  const cases: Record<string, (who: SignedIn) => Record<string, string>> = {
    'no token': () => ({ origin: stack.baseUrl }),
    'a wrong token': (who) => ({ origin: stack.baseUrl, 'x-csrf-token': `x${who.csrfToken}` }),
    "another session's token": () => ({
      origin: stack.baseUrl,
      'x-csrf-token': otherSession.csrfToken,
    }),
    'Origin: https://evil.example': (who) => ({
      origin: 'https://evil.example',
      'x-csrf-token': who.csrfToken,
    }),
    'Origin: null': (who) => ({ origin: 'null', 'x-csrf-token': who.csrfToken }),
    'Sec-Fetch-Site: cross-site': (who) => ({
      'sec-fetch-site': 'cross-site',
      'x-csrf-token': who.csrfToken,
    }),
  };

  it.each(Object.keys(cases))('forged with %s is refused and the session goes on', async (name) => {
    const who = await victim();
    const headers = cases[name]?.(who) ?? {};
    const form = await stack.app.inject({
      method: 'POST',
      url: '/auth/sign-out',
      headers: { cookie: who.cookie, ...FORM, ...headers },
      payload: '',
    });
    expect(form.statusCode).toBe(403);
    expect(form.headers['set-cookie'] ?? '').not.toMatch(/prism-session=;/);
    const viaHtmx = await stack.app.inject({
      method: 'POST',
      url: '/auth/sign-out',
      headers: { cookie: who.cookie, 'hx-request': 'true', ...headers },
    });
    expect(viaHtmx.statusCode).toBe(403);
    expect(viaHtmx.headers['hx-redirect']).toBeUndefined();
    await stillSignedIn(who);
  });

  it('with the form token and the same Origin ends the session', async () => {
    const who = await victim();
    const response = await stack.app.inject({
      method: 'POST',
      url: '/auth/sign-out',
      headers: { cookie: who.cookie, ...FORM, origin: stack.baseUrl },
      payload: new URLSearchParams({ _csrf: who.csrfToken }).toString(),
    });
    expect(response.statusCode).toBe(303);
    expect(await sessionOf(stack.app, who)).toBeUndefined();
  });

  it('from htmx with the header token ends the session', async () => {
    const who = await victim();
    const response = await who.inject({
      method: 'POST',
      url: '/auth/sign-out',
      headers: { 'hx-request': 'true' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['hx-redirect']).toBeTruthy();
    expect(await sessionOf(stack.app, who)).toBeUndefined();
  });
});

/** The console's POST routes, read from its router: a new one cannot be missed here. */
function postRoutes(): string[] {
  const tree = stack.app.printRoutes({ method: 'POST', commonPrefix: false });
  const stack_: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (\S+) \(([^)]*)\)/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    stack_.length = depth;
    stack_.push(match[2] ?? '');
    if ((match[3] ?? '').split(', ').includes('POST')) routes.push(stack_.join(''));
  }
  return routes;
}

describe('GET never changes state', () => {
  /** Every post form on the console's pages (those in the navigation and a namespace's). */
  async function postFormsOnPages(namespace: string): Promise<Map<string, Fields>> {
    const home = await getPage(stack.admin, '/');
    const nav = [...home.doc.querySelectorAll('nav a[href^="/"]')].map(
      (a) => a.getAttribute('href') ?? '/',
    );
    const pages = new Set([
      '/',
      ...nav,
      '/namespaces/new',
      `/namespaces/${namespace}`,
      `/namespaces/${namespace}/edit`,
      `/namespaces/${namespace}/delete`,
    ]);
    const forms = new Map<string, Fields>();
    for (const page of pages) {
      const { doc } = await getPage(stack.admin, page);
      for (const form of doc.querySelectorAll('form[method="post"], form[hx-post]')) {
        const action = form.getAttribute('action') ?? form.getAttribute('hx-post');
        if (!action || forms.has(action)) continue;
        const id = `posted-form-${forms.size}`;
        form.setAttribute('data-scan', id);
        forms.set(action, formFields(doc, `form[data-scan="${id}"]`));
      }
    }
    return forms;
  }

  it('a GET (and HEAD) to every POST URL, with the form fields in the query, changes nothing', async () => {
    const admin = stack.admin;
    const target = [...stack.controlPlane.state.namespaces.keys()][0] ?? '';
    const forms = await postFormsOnPages(target);
    // What would make each form a valid submission, where the form has the field.
    const valid: Fields = {
      name: 'made-by-get',
      description: 'changed by a GET',
      confirm: target,
      reason: 'GET test',
    };
    const routes = postRoutes();
    const requests = routes.map((route) => {
      const pattern = new RegExp(`^${route.replace(/:[A-Za-z]+/g, '[^/?]+')}$`);
      const action = [...forms.keys()].find((url) => pattern.test(url));
      const fields = action ? { ...forms.get(action) } : {};
      for (const key of Object.keys(fields)) if (key in valid) fields[key] = valid[key] ?? '';
      // A POST route with no form on these pages is still tried, with made-up parameters.
      return {
        route,
        found: Boolean(action),
        url: action ?? route.replace(/:[A-Za-z]+/g, 'x'),
        fields,
      };
    });
    // The scan finds the forms it knows of (so it would find a new one the same way).
    expect(requests.filter((r) => r.found).map((r) => r.route)).toEqual(
      expect.arrayContaining([
        '/auth/sign-out',
        '/namespaces',
        '/namespaces/:name',
        '/namespaces/:name/delete',
      ]),
    );

    const before = controlPlaneSnapshot(stack);
    const sessionsBefore = (await stack.app.sessions.list()).length;
    for (const { url, fields } of requests) {
      const query = new URLSearchParams(fields).toString();
      for (const method of ['GET', 'HEAD'] as const) {
        const response = await admin.inject({ method, url: `${url}?${query}` });
        expect(response.statusCode, `${method} ${url}`).toBeLessThan(500);
        expect(response.headers['set-cookie'] ?? '').not.toMatch(/prism-session=;/);
      }
    }
    expect(controlPlaneSnapshot(stack)).toEqual(before);
    expect(stack.controlPlane.state.namespaces.has('made-by-get')).toBe(false);
    expect((await stack.app.sessions.list()).length).toBe(sessionsBefore);
    expect(await sessionOf(stack.app, admin)).toBeDefined();
  });
});

describe('the token in the pages', () => {
  it('is masked afresh on every answer (no constant secret in compressed pages: BREACH)', async () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const page = await stack.admin.inject({ url: '/namespaces?q=x' });
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
      const header = /&#34;X-CSRF-Token&#34;:&#34;([^&]+)&#34;/.exec(page.body)?.[1];
      expect(token).toBeDefined();
      expect(header).toBeDefined();
      tokens.add(token ?? '');
    }
    expect(tokens.size).toBe(3);
    // Each of them is accepted; a token altered in one place is not.
    for (const token of [...tokens].slice(0, 2)) {
      const fields = await createForm();
      const ok = await postCreate({ ...fields, _csrf: token }, { origin: stack.baseUrl });
      expect(ok.statusCode).toBe(303);
    }
    const fields = await createForm();
    const good = [...tokens][0] ?? '';
    const flipped = `${good.slice(0, 10)}${good[10] === 'A' ? 'B' : 'A'}${good.slice(11)}`;
    const bad = await postCreate({ ...fields, _csrf: flipped }, { origin: stack.baseUrl });
    expect(bad.statusCode).toBe(403);
  });
});
