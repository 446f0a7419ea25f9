import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { CSRF_FIELD } from '../forms/contract.js';
import { routes } from '../routes/table.js';
import { deriveKey } from './keys.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The token forms and htmx send back; undefined when nobody is signed in. */
    csrfToken(): string | undefined;
  }
}

export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The session's token as a page carries it: masked afresh on every call (a random pad, then
 * the token XOR the pad), so no two answers hold the same bytes. Pages are compressed
 * (src/plugins/compression.ts) and reflect what the operator typed (a search box): with a
 * constant secret in them, the compressed size would leak it byte by byte (BREACH).
 */
export function maskToken(token: Buffer): string {
  const pad = randomBytes(token.length);
  const masked = Buffer.alloc(token.length);
  for (let i = 0; i < token.length; i++) masked[i] = (token[i] ?? 0) ^ (pad[i] ?? 0);
  return Buffer.concat([pad, masked]).toString('base64url');
}

/** The token a masked one carries, or undefined when it is not one. */
export function unmaskToken(sent: string, length: number): Buffer | undefined {
  const bytes = Buffer.from(sent, 'base64url');
  if (bytes.length !== length * 2 || bytes.toString('base64url') !== sent) return undefined;
  const token = Buffer.alloc(length);
  for (let i = 0; i < length; i++) token[i] = (bytes[i] ?? 0) ^ (bytes[length + i] ?? 0);
  return token;
}

export interface CsrfOptions {
  key: Buffer;
  publicUrl: URL;
}

/**
 * CSRF defence in depth for every state-changing request: the browser must say the request
 * comes from this origin (Origin, or Sec-Fetch-Site), and it must carry a token bound to the
 * server-side session — a hidden form field, or the header htmx sends for every request.
 */
export default fp(
  async (app: FastifyInstance, options: CsrfOptions) => {
    const key = deriveKey(options.key, 'csrf');
    // A session's token never changes, and every page asks for it: an HMAC (with its key set up
    // afresh) per page was a visible part of a page's cost (bench/README.md). Bounded: cleared
    // when full, so sessions long gone do not pile up.
    const tokens = new Map<string, Buffer>();
    const tokenFor = (sid: string) => {
      let token = tokens.get(sid);
      if (token === undefined) {
        token = createHmac('sha256', key).update(sid).digest();
        if (tokens.size >= 10_000) tokens.clear();
        tokens.set(sid, token);
      }
      return token;
    };

    app.decorateRequest('csrfToken', function (this: FastifyRequest) {
      // A live render is sent to many operators: no session's token in it (src/browser/live.js fills
      // the empty token fields of swapped content from the page).
      if (this.liveRender) return '';
      return this.consoleSession ? maskToken(tokenFor(this.consoleSession.id)) : undefined;
    });

    function refusal(request: FastifyRequest): string | undefined {
      const origin = request.headers.origin;
      if (origin !== undefined) {
        // "null" is what sandboxed frames and some redirects send: never this console.
        if (origin !== options.publicUrl.origin) return `origin ${origin} is not this console`;
      } else {
        const site = request.headers['sec-fetch-site'];
        if (site !== undefined && site !== 'same-origin') return `sec-fetch-site is ${site}`;
      }
      const session = request.consoleSession;
      // Signing out with a session that already ended (idle, revoked) forges nothing: there is
      // no session to end here, and the identity provider asks before ending its own.
      if (!session)
        return request.routeOptions.url === routes.auth.signOut.pattern ? undefined : 'no session';
      const body: unknown = request.body;
      const field: unknown =
        body && typeof body === 'object' ? Reflect.get(body, CSRF_FIELD) : undefined;
      const sent = request.headers[CSRF_HEADER] ?? field;
      if (typeof sent !== 'string') return 'no token';
      const expected = tokenFor(session.id);
      const given = unmaskToken(sent, expected.length);
      if (!given || !timingSafeEqual(given, expected)) return 'wrong token';
      return undefined;
    }

    // preHandler: after the body is parsed (the token may be a form field) and after sign-in
    // checks, so a signed-out post is sent to sign in rather than called forged.
    app.addHook('preHandler', async (request, reply) => {
      if (SAFE_METHODS.has(request.method)) return;
      const why = refusal(request);
      if (!why) return;
      request.log.warn({ why }, 'CSRF check refused a request');
      return reply.errorPage({
        status: 403,
        title: 'Request refused',
        message:
          'This request could not be verified as coming from your console page (it may have expired, or come from another site). Reload the page and try again; nothing was changed.',
        serverFault: false,
      });
    });
  },
  { name: 'csrf', dependencies: ['session', 'auth', 'page'] },
);
