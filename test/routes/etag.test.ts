import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { countCalls, liveFeed } from '../control-plane/reads.js';
import { directClient } from '../grpc.js';
import { type SignedIn, type Stack, startStack } from '../helper.js';
import { FORM, formFields, getPage } from './namespaces/support.js';

/*
 * Conditional GET (issue 10 §2, design.md "ETag / 304"), against the real demo control plane
 * over HTTP/2 with the console's real Watch feeding its read cache: a repeat view answers 304
 * without asking the control plane again; a change, another operator or another encoding's
 * negotiation behave as a browser needs; forms are never "not modified"; and a write is seen on
 * the page after it, on this replica and another.
 */

let stack: Stack;
let viewer: SignedIn;
let calls: Map<string, number>;
beforeAll(async () => {
  stack = await startStack();
  viewer = await stack.signIn('viewer');
  calls = countCalls(stack);
  await liveFeed(stack.app);
});
afterAll(async () => {
  await stack?.close();
});

const get = (who: SignedIn, url: string, headers: Record<string, string> = {}) =>
  who.inject({ method: 'GET', url, headers });

const etagOf = (response: LightMyRequestResponse) => String(response.headers.etag ?? '');

/** Until a condition on a repeat GET holds (the Watch brings a change in milliseconds). */
async function until(
  probe: () => Promise<LightMyRequestResponse>,
  done: (response: LightMyRequestResponse) => boolean,
): Promise<LightMyRequestResponse> {
  for (let attempt = 0; attempt < 60; attempt++) {
    const response = await probe();
    if (done(response)) return response;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the condition never held');
}

describe('ETag and 304', () => {
  it('answers a repeat view 304, without a body and without reading again', async () => {
    const first = await get(stack.admin, '/namespaces');
    expect(first.statusCode).toBe(200);
    expect(etagOf(first)).toMatch(/^W\/"[\w-]{43}"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const listed = calls.get('ListNamespaces') ?? 0;
    const again = await get(stack.admin, '/namespaces', { 'if-none-match': etagOf(first) });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(etagOf(again)).toBe(etagOf(first));
    expect(String(again.headers.vary)).toMatch(/HX-Request/);
    expect(calls.get('ListNamespaces') ?? 0).toBe(listed);
  });

  it('answers 200 with a new ETag once the list has changed', async () => {
    const first = await get(stack.admin, '/namespaces');
    const description = `Changed ${randomUUID()}`;
    const current = stack.controlPlane.state.namespaces.get('payments-gateway');
    await directClient(stack.controlPlane.url, stack.admin.accessToken).updateNamespace({
      namespace: { name: 'payments-gateway', description, version: current?.version ?? 0n },
      updateMask: { paths: ['description'] },
      reason: 'Another operator edits it',
      requestId: randomUUID(),
    });
    const changed = await until(
      () => get(stack.admin, '/namespaces', { 'if-none-match': etagOf(first) }),
      (response) => response.statusCode === 200,
    );
    expect(changed.body).toContain(description);
    expect(etagOf(changed)).not.toBe(etagOf(first));
  });

  it('answers 200 once the clock has moved on 15 s: the page says how long ago things happened', async () => {
    const first = await get(stack.admin, '/namespaces');
    expect(first.body).toMatch(/>\d+[smhd] ago<|>just now</);
    // Only Date is faked: the control plane, the session and the sockets run on as they are.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 15_000 });
    try {
      const later = await get(stack.admin, '/namespaces', { 'if-none-match': etagOf(first) });
      expect(later.statusCode).toBe(200);
      expect(etagOf(later)).not.toBe(etagOf(first));
      // Within the step, a repeat view is not modified.
      const again = await get(stack.admin, '/namespaces', { 'if-none-match': etagOf(later) });
      expect(again.statusCode).toBe(304);
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives another operator (another role) another ETag', async () => {
    const admin = await get(stack.admin, '/namespaces');
    const theirs = await get(viewer, '/namespaces', { 'if-none-match': etagOf(admin) });
    expect(theirs.statusCode).toBe(200);
    expect(etagOf(theirs)).not.toBe('');
    expect(etagOf(theirs)).not.toBe(etagOf(admin));
  });

  it('tags a fragment apart from its page', async () => {
    const page = await get(stack.admin, '/namespaces');
    const fragment = await get(stack.admin, '/namespaces', {
      'hx-request': 'true',
      'hx-target': 'namespace-results',
      'if-none-match': etagOf(page),
    });
    expect(fragment.statusCode).toBe(200);
    expect(etagOf(fragment)).not.toBe(etagOf(page));
  });

  it('never tags a form page, a one-time notice or what no read covers', async () => {
    const urls = ['/namespaces/new', '/namespaces?notice=created&request=abcdefgh-1234'];
    // The console sessions come from the session store: no fingerprint covers them.
    for (const url of [...urls, '/console-sessions']) {
      const response = await get(stack.admin, url, { 'if-none-match': '*' });
      expect(response.statusCode).toBe(200);
      expect(response.headers.etag).toBeUndefined();
      expect(response.headers['cache-control']).toBe('no-store');
    }
  });

  it('tags compressed answers weakly, the same for every encoding, and 304s under br and gzip', async () => {
    const plain = await get(stack.admin, '/namespaces');
    for (const encoding of ['br', 'gzip']) {
      const compressed = await get(stack.admin, '/namespaces', { 'accept-encoding': encoding });
      expect(compressed.headers['content-encoding']).toBe(encoding);
      expect(etagOf(compressed)).toBe(etagOf(plain));
      expect(etagOf(compressed).startsWith('W/')).toBe(true);
      const again = await get(stack.admin, '/namespaces', {
        'accept-encoding': encoding,
        'if-none-match': etagOf(compressed),
      });
      expect(again.statusCode).toBe(304);
      expect(again.rawPayload.length).toBe(0);
      expect(String(again.headers.vary)).toMatch(/accept-encoding/i);
    }
  });

  it('treats HEAD like GET', async () => {
    const page = await get(stack.admin, '/namespaces');
    const head = await stack.admin.inject({
      method: 'HEAD',
      url: '/namespaces',
      headers: { 'if-none-match': etagOf(page) },
    });
    expect(head.statusCode).toBe(304);
    const plain = await stack.admin.inject({ method: 'HEAD', url: '/namespaces' });
    expect(plain.statusCode).toBe(200);
    expect(etagOf(plain)).toBe(etagOf(page));
  });
});

describe('read-your-writes', () => {
  /** Saves a new description through the edit form; returns the 303 and the description. */
  async function save(who: SignedIn, app: FastifyInstance, name: string) {
    const edit = await getPage({ inject: (o) => who.inject(o) }, `/namespaces/${name}/edit`);
    const description = `Written ${randomUUID()}`;
    const fields = { ...formFields(edit.doc), description, reason: 'Read your writes' };
    const response = await who.inject({
      method: 'POST',
      url: `/namespaces/${name}`,
      headers: FORM,
      payload: new URLSearchParams(fields).toString(),
    });
    expect(response.statusCode).toBe(303);
    void app;
    return { response, description };
  }

  const freshCookie = (response: LightMyRequestResponse) => {
    const lines = [response.headers['set-cookie'] ?? []].flat();
    const line = lines.find((l) => l.startsWith('prism-fresh='));
    expect(line).toMatch(/^prism-fresh=1; Max-Age=5; Path=\/; HttpOnly; SameSite=Lax$/);
    return 'prism-fresh=1';
  };

  it('shows the write on the page the post redirects to', async () => {
    const before = await get(stack.admin, '/namespaces/user-profiles');
    expect(before.statusCode).toBe(200);
    const { response, description } = await save(stack.admin, stack.app, 'user-profiles');
    const after = await get(stack.admin, String(response.headers.location), {
      cookie: `${stack.admin.cookie}; ${freshCookie(response)}`,
    });
    expect(after.body).toContain(description);
  });

  it('shows it on another replica too, though its cache held the old answer', async () => {
    const replica = await stack.replica();
    await liveFeed(replica);
    const there = await stack.signIn('admin', replica);
    await get(there, '/namespaces/sms-gateway');
    const hits = replica.readCache.stats().hits;
    const cached = await get(there, '/namespaces/sms-gateway');
    expect(replica.readCache.stats().hits).toBeGreaterThan(hits);
    const { response, description } = await save(stack.admin, stack.app, 'sms-gateway');
    expect(cached.body).not.toContain(description);
    const after = await get(there, '/namespaces/sms-gateway', {
      cookie: `${there.cookie}; ${freshCookie(response)}`,
    });
    expect(after.body).toContain(description);
  });
});
