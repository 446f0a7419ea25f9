import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { ConsoleSession } from '../../src/sessions/index.js';
import { PASSWORDS, type SignedIn, type Stack } from '../helper.js';
import { signInAtIdentityProvider } from '../sign-in.js';

/*
 * What the security tests share: cookies as a browser sees them, a sign-in driven by hand (so a
 * test holds every response of it), and a snapshot of what the control plane holds.
 */

/** Every Set-Cookie line of a response, whole (attributes included). */
export function setCookieLines(response: LightMyRequestResponse | Response): string[] {
  if (response instanceof Response) return response.headers.getSetCookie();
  const header = response.headers['set-cookie'];
  return Array.isArray(header) ? header : header ? [header] : [];
}

/** name=value of every cookie a response sets (expired ones included), as sent back. */
export function cookiesOf(response: LightMyRequestResponse | Response): string[] {
  return setCookieLines(response)
    .map((line) => line.split(';')[0] ?? '')
    .filter(Boolean);
}

/** The Set-Cookie line of one cookie, by name. */
export function setCookie(
  response: LightMyRequestResponse | Response,
  name: string,
): string | undefined {
  return setCookieLines(response).find((line) => line.startsWith(`${name}=`));
}

/** The attributes of a Set-Cookie line, lower-cased names → values ('' for flags). */
export function cookieAttributes(line: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const part of line.split(';').slice(1)) {
    const [key = '', ...rest] = part.split('=');
    attributes.set(key.trim().toLowerCase(), rest.join('=').trim());
  }
  return attributes;
}

export interface HandSignIn {
  /** GET /auth/sign-in: the redirect to the identity provider and the login cookie. */
  start: LightMyRequestResponse;
  /** The login (transaction) cookie as the browser sends it back: name=value. */
  loginCookie: string;
  /** Where the identity provider sent the browser back: path and query of the callback. */
  callback: string;
}

/** Starts a sign-in at `app` and signs in at the demo identity provider, stopping at the return. */
export async function beginSignIn(
  stack: Stack,
  username: keyof typeof PASSWORDS,
  options: {
    app?: FastifyInstance;
    returnTo?: string;
    /** The `return` parameter exactly as written in the link (already percent-encoded). */
    rawReturn?: string;
  } = {},
): Promise<HandSignIn> {
  const app = options.app ?? stack.app;
  const start = await app.inject({
    url: `/auth/sign-in?return=${options.rawReturn ?? encodeURIComponent(options.returnTo ?? '/')}`,
  });
  const location = start.headers.location;
  if (start.statusCode !== 303 || typeof location !== 'string') {
    throw new Error(`sign-in did not redirect: ${start.statusCode}`);
  }
  const loginCookie = cookiesOf(start).find((c) => /^(__Host-)?prism-login=/.test(c));
  if (!loginCookie) throw new Error('no login cookie');
  const back = new URL(
    await signInAtIdentityProvider(
      location,
      username,
      PASSWORDS[username],
      `${stack.baseUrl}/auth/callback`,
    ),
  );
  return { start, loginCookie, callback: `${back.pathname}${back.search}` };
}

/** Completes a hand sign-in: the callback request with the login cookie. */
export function finishSignIn(
  app: FastifyInstance,
  signIn: HandSignIn,
  extraCookies: string[] = [],
): Promise<LightMyRequestResponse> {
  return app.inject({
    url: signIn.callback,
    headers: { cookie: [signIn.loginCookie, ...extraCookies].join('; ') },
  });
}

/** The server-side session behind a test's signed-in operator. */
export async function sessionOf(
  app: FastifyInstance,
  signedIn: SignedIn,
): Promise<ConsoleSession | undefined> {
  return (await app.sessions.list()).find((s) => s.accessToken === signedIn.accessToken);
}

/** What the control plane holds that a request could change: namespaces with versions, audit. */
export function controlPlaneSnapshot(stack: Stack): { namespaces: string[]; audit: number } {
  const { state } = stack.controlPlane;
  return {
    namespaces: [...state.namespaces].map(([name, ns]) => `${name}@${ns.version}`).sort(),
    audit: state.auditLog.length,
  };
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
