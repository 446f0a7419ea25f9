import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface SecurityHeadersOptions {
  /**
   * Origins a form may post to, or be redirected to after a post, besides the console: the
   * identity provider's, for sign-out (RP-initiated logout follows a form post there).
   */
  formActionOrigins: string[];
  /** Strict-Transport-Security: only when the console's public URL is https. */
  hsts: boolean;
}

/*
 * Nothing inline and nothing from elsewhere: every script and style is a file of our own, so an
 * injected <script> or style="" does not run even if some markup ever slipped past escaping.
 * htmx is configured to match (Layout.tsx: no eval, no script tags, no indicator styles, requests
 * to this origin only).
 */
export function contentSecurityPolicy(formActionOrigins: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    ["form-action 'self'", ...formActionOrigins].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** An origin as CSP wants it (scheme://host[:port]); anything else is a configuration mistake. */
function origin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`security-headers: "${value}" is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`security-headers: "${value}" is not an http(s) origin`);
  }
  return url.origin;
}

/**
 * Adds the security headers to every response: pages, fragments, static files, redirects,
 * 404s and errors alike (an onSend hook at the root runs for all of them). They are set
 * unconditionally: a route cannot weaken them by accident.
 */
export default fp(
  async (app: FastifyInstance, options: SecurityHeadersOptions) => {
    const headers: Record<string, string> = {
      'content-security-policy': contentSecurityPolicy(options.formActionOrigins.map(origin)),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'same-origin',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'permissions-policy': 'camera=(), microphone=(), geolocation=()',
      ...(options.hsts
        ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' }
        : {}),
    };
    app.addHook('onSend', async (_request, reply, payload) => {
      reply.headers(headers);
      return payload;
    });
  },
  { name: 'security-headers' },
);
