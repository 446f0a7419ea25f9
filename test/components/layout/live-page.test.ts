import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { livePage } from '../../../components/layout/live.js';

/** As much of a request as livePage reads: its method, address, route schema and parsed query. */
function request(method: string, url: string, query: Record<string, string>): FastifyRequest {
  return {
    method,
    url,
    query,
    routeOptions: { schema: { querystring: z.object({}) } },
  } as unknown as FastifyRequest;
}

describe('livePage', () => {
  it('keeps the query parameters the route read, without one-time or empty ones', () => {
    expect(
      livePage(
        request('GET', '/namespaces?q=ord&sort=&notice=created&utm=x', {
          q: 'ord',
          sort: '',
          notice: 'created',
        }),
      ),
    ).toBe('/namespaces?q=ord');
  });

  it('names no page for a form post: its answer is not at a page’s address', () => {
    const posted = request('POST', '/console-sessions/abc/revoke', {});
    expect(livePage(posted)).toBeUndefined();
  });
});
