import type { FastifyRequest } from 'fastify';

/*
 * What never reaches the logs: the values of query parameters that are credentials — the
 * authorization code and `state` of the sign-in callback (/auth/callback?code=…&state=…),
 * `session_state`, and any parameter with "token" in its name (id_token_hint, access_token…).
 * Applied to every logged URL, not only the callback's: a link may carry one anywhere.
 */

const SECRET_PARAMETERS = new Set(['code', 'state', 'session_state', 'id_token_hint']);

/** Replaces the values of credential query parameters by `[redacted]`; the rest as it was. */
export function redactUrl(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return url;
  const hash = url.indexOf('#', start);
  const end = hash === -1 ? url.length : hash;
  const query = url
    .slice(start + 1, end)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq === -1) return part;
      const rawName = part.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // A malformed escape: compare the raw name.
      }
      name = name.trim().toLowerCase();
      const secret = SECRET_PARAMETERS.has(name) || name.includes('token');
      return secret ? `${rawName}=[redacted]` : part;
    })
    .join('&');
  return `${url.slice(0, start + 1)}${query}${url.slice(end)}`;
}

/**
 * Request headers that are credentials: logged as `[redacted]` wherever headers are logged. The
 * live render header carries the process's secret (src/live/render-identity.ts).
 */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'x-csrf-token', 'x-prism-live-render']);

/** Headers as logged: credentials replaced by `[redacted]`. */
export function redactHeaders(headers: unknown): unknown {
  if (!headers || typeof headers !== 'object') return headers;
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      SECRET_HEADERS.has(name.toLowerCase()) ? '[redacted]' : value,
    ]),
  );
}

/**
 * Pino serializers for the console's logger: Fastify's request serializer with the URL
 * redacted (the "incoming request" line of every request), and any `url` field logged by hand.
 */
export const redactingSerializers = {
  req(request: FastifyRequest) {
    return {
      method: request.method,
      url: redactUrl(request.url),
      version: [request.headers?.['accept-version']].flat()[0],
      host: request.host,
      remoteAddress: request.ip,
      remotePort: request.socket?.remotePort,
    };
  },
  url(value: unknown) {
    return typeof value === 'string' ? redactUrl(value) : value;
  },
  headers: redactHeaders,
};
