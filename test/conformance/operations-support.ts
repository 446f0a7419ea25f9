// Driving drains through the console in the conformance tests: start one through its two
// steps, read an operation's event stream over HTTP.

import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { parse } from '../components/namespaces/html.js';
import type { SignedIn } from '../helper.js';
import { send } from '../routes/client-sessions/support.js';
import { confirmFrom, previewDrain, text } from '../routes/operations/support.js';

/** Serves `app` on a free port (streams are read over real HTTP); its base URL. */
export async function listening(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

/** Starts a drain of `namespace` through the console's two steps; the operation's page URL. */
export async function startDrain(
  as: SignedIn,
  namespace: string,
  reason: string,
  impact?: number,
): Promise<string> {
  const { answer } = await previewDrain(as, { namespace, deadline: '30', unit: 'seconds', reason });
  expect(answer.statusCode).toBe(200);
  if (impact !== undefined) expect(text(parse(answer.body), 'impact-total')).toBe(String(impact));
  const started = await send(as, confirmFrom(parse(answer.body), namespace));
  expect(started.statusCode).toBe(303);
  return String(started.headers.location);
}

export const idOf = (location: string) => location.split('?')[0]?.split('/').pop() ?? '';

/** The whole event stream of an operation, read over HTTP until the console ends it. */
export async function readEvents(
  baseUrl: string,
  as: SignedIn,
  id: string,
): Promise<{ event: string; data: string }[]> {
  const response = await fetch(`${baseUrl}/operations/${id}/events`, {
    headers: { cookie: as.cookie, accept: 'text/event-stream' },
    signal: AbortSignal.timeout(15_000),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const body = await response.text();
  return body
    .split('\n\n')
    .filter((frame) => /^event:/m.test(frame))
    .map((frame) => ({
      event: /^event: (.*)$/m.exec(frame)?.[1] ?? '',
      data: [...frame.matchAll(/^data: (.*)$/gm)].map((m) => m[1]).join('\n'),
    }));
}
