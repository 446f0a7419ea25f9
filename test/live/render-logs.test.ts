import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_RENDER_HEADER, liveRenderHeader } from '../../src/live/render-identity.js';
import { appLoggingTo, type Stack, startStack } from '../helper.js';

/*
 * A live render is an in-process request made for every region and role at each change and
 * every 15 s: at the default log level its request lines are not written (at debug they are).
 * Only a render with this process's secret is quiet; a browser sending the header is logged.
 */

let stack: Stack;
let app: FastifyInstance;
const lines: string[] = [];

beforeAll(async () => {
  stack = await startStack({ signInAdmin: false });
  app = await appLoggingTo(stack, 'info', lines);
});
afterAll(async () => {
  await app?.close();
  await stack?.close();
});

const requestLines = (url: string) =>
  lines
    .map((line) => JSON.parse(line) as { msg?: string; req?: { url?: string }; reqId?: string })
    .filter((log) => log.req?.url === url || log.msg === 'request completed');

describe('a live render’s log lines', () => {
  it('are not written at info, while a request with a forged header is', async () => {
    const headers = { 'hx-request': 'true', 'hx-target': 'namespace-results' };
    lines.length = 0;
    const render = await app.inject({
      url: '/namespaces?size=5',
      headers: { ...headers, [LIVE_RENDER_HEADER]: liveRenderHeader('viewer') },
    });
    expect(render.statusCode).toBe(200);
    expect(render.body).toContain('id="namespace-results"');
    expect(requestLines('/namespaces?size=5')).toEqual([]);

    const forged = await app.inject({
      url: '/namespaces?size=6',
      headers: { ...headers, [LIVE_RENDER_HEADER]: `${'x'.repeat(43)}.admin.0` },
    });
    expect(forged.statusCode).not.toBe(200);
    const logged = requestLines('/namespaces?size=6');
    expect(logged.map((log) => log.msg)).toContain('incoming request');
    expect(lines.some((line) => line.includes('request completed'))).toBe(true);
  });
});
