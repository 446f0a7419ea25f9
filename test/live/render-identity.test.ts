import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LIVE_RENDER_HEADER,
  liveRenderHeader,
  parseLiveRender,
} from '../../src/live/render-identity.js';
import { redactHeaders } from '../../src/log-redaction.js';
import { type Stack, startStack } from '../helper.js';

/*
 * The live renders' identity: only the process's own secret makes a request a render (a
 * synthetic operator of one role, no session); anything else is an ordinary, signed-out request.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ signInAdmin: false });
});
afterAll(() => stack?.close());

describe('the live render header', () => {
  it('is accepted only with this process’s secret, a role and a version', () => {
    expect(parseLiveRender(liveRenderHeader('operator', 42n))).toEqual({
      role: 'operator',
      minVersion: 42n,
    });
    const [secret] = liveRenderHeader('viewer').split('.');
    for (const forged of [
      'x.admin.0',
      `${secret}x.admin.0`,
      `${secret}.root.0`,
      `${secret}.admin.-1`,
      `${secret}.admin.0.extra`,
      `${secret}.admin`,
      '',
    ]) {
      expect(parseLiveRender(forged), forged).toBeUndefined();
    }
  });

  it('renders a page as that role without a session, and a forged one gets sign-in', async () => {
    const render = await stack.app.inject({
      url: '/namespaces',
      headers: { [LIVE_RENDER_HEADER]: liveRenderHeader('viewer') },
    });
    expect(render.statusCode).toBe(200);
    expect(render.body).toContain('Namespaces');
    // A role check holds for renders as for people.
    const audit = await stack.app.inject({
      url: '/audit',
      headers: { [LIVE_RENDER_HEADER]: liveRenderHeader('viewer') },
    });
    expect(audit.statusCode).toBe(403);

    const forged = await stack.app.inject({
      url: '/namespaces',
      headers: { [LIVE_RENDER_HEADER]: 'guessed.admin.0' },
    });
    expect(forged.statusCode).toBe(303);
    expect(forged.headers.location).toContain('/auth/sign-in');
    // Never a change: a POST with the real header is an ordinary signed-out post.
    const post = await stack.app.inject({
      method: 'POST',
      url: '/namespaces',
      headers: { [LIVE_RENDER_HEADER]: liveRenderHeader('admin') },
      payload: {},
    });
    expect(post.statusCode).not.toBe(200);
    expect(post.statusCode).not.toBe(303);
  });

  it('never reaches the logs', () => {
    expect(
      redactHeaders({ [LIVE_RENDER_HEADER]: liveRenderHeader('admin'), accept: 'text/html' }),
    ).toEqual({ [LIVE_RENDER_HEADER]: '[redacted]', accept: 'text/html' });
  });
});
