// An OAuth client driven by hand over HTTP, for tests: what a browser and a relying party do
// against the demo identity provider, with every redirect followed explicitly and every cookie
// kept in a jar. Console tests reuse `signInAtIdentityProvider` to get through the sign-in page.

import { createHash, randomBytes } from 'node:crypto';
import { parseHtml, textOf } from '../../dom.js';

interface StoredCookie {
  name: string;
  value: string;
  /** Lower-case host name; a browser ignores the port for cookies, and so does this jar. */
  domain: string;
  hostOnly: boolean;
  path: string;
  /** Epoch milliseconds; undefined for a session cookie. */
  expires: number | undefined;
}

function defaultPath(url: URL): string {
  const path = url.pathname;
  if (!path.startsWith('/') || path.lastIndexOf('/') === 0) return '/';
  return path.slice(0, path.lastIndexOf('/'));
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/** A browser's cookie store, reduced to what these flows need (host, path, expiry; no Secure). */
export class CookieJar {
  #cookies: StoredCookie[] = [];

  /** Keeps the cookies a response to a request for `url` sets (and drops those it expires). */
  store(url: string | URL, response: Response): void {
    const from = new URL(url);
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const separator = pair.indexOf('=');
      if (separator < 1) continue;
      const cookie: StoredCookie = {
        name: pair.slice(0, separator).trim(),
        value: pair.slice(separator + 1).trim(),
        domain: from.hostname.toLowerCase(),
        hostOnly: true,
        path: defaultPath(from),
        expires: undefined,
      };
      for (const attribute of attributes) {
        const [key = '', ...rest] = attribute.split('=');
        const value = rest.join('=').trim();
        switch (key.trim().toLowerCase()) {
          case 'path':
            if (value.startsWith('/')) cookie.path = value;
            break;
          case 'domain':
            if (value) {
              cookie.domain = value.replace(/^\./, '').toLowerCase();
              cookie.hostOnly = false;
            }
            break;
          case 'max-age':
            cookie.expires = Date.now() + Number(value) * 1000;
            break;
          case 'expires':
            // Max-Age wins over Expires.
            if (!/max-age/i.test(line)) cookie.expires = Date.parse(value);
            break;
        }
      }
      this.#cookies = this.#cookies.filter(
        (c) => !(c.name === cookie.name && c.domain === cookie.domain && c.path === cookie.path),
      );
      if (cookie.expires === undefined || cookie.expires > Date.now()) this.#cookies.push(cookie);
    }
  }

  #matching(url: string | URL): StoredCookie[] {
    const to = new URL(url);
    const host = to.hostname.toLowerCase();
    const now = Date.now();
    return this.#cookies
      .filter((c) => c.expires === undefined || c.expires > now)
      .filter((c) =>
        c.hostOnly ? host === c.domain : host === c.domain || host.endsWith(`.${c.domain}`),
      )
      .filter((c) => pathMatches(to.pathname, c.path))
      .sort((a, b) => b.path.length - a.path.length);
  }

  /** The Cookie header a browser would send to `url`, or undefined when it would send none. */
  header(url: string | URL): string | undefined {
    const cookies = this.#matching(url);
    return cookies.length ? cookies.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  /** The value of one cookie a browser would send to `url`. */
  get(url: string | URL, name: string): string | undefined {
    return this.#matching(url).find((c) => c.name === name)?.value;
  }
}

/** One navigation as a browser makes it: HTML accepted, the jar's cookies, no automatic redirects. */
export async function browserFetch(
  jar: CookieJar,
  url: string | URL,
  init: RequestInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has('accept'))
    headers.set('accept', 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8');
  const cookie = jar.header(url);
  if (cookie) headers.set('cookie', cookie);
  const response = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(url, response);
  return response;
}

function locationOf(response: Response, base: string | URL): string | undefined {
  const location = response.headers.get('location');
  return location ? new URL(location, base).href : undefined;
}

/**
 * GETs `url` and follows redirects as a browser would, while they stay on the origin of `url`.
 * Returns the last response and its URL: a page there, or a redirect leaving the origin.
 */
export async function followWithin(
  jar: CookieJar,
  url: string | URL,
  first?: Response,
): Promise<{ url: string; response: Response }> {
  const origin = new URL(url).origin;
  let current = new URL(url).href;
  let response = first ?? (await browserFetch(jar, current));
  for (let hops = 0; hops < 20; hops++) {
    const next = locationOf(response, current);
    if (response.status < 300 || response.status >= 400 || !next) break;
    if (new URL(next).origin !== origin) break;
    await response.body?.cancel();
    current = next;
    response = await browserFetch(jar, current);
  }
  return { url: current, response };
}

/** The sign-in page as a browser shows it, with where its form posts. */
export interface SignInPage {
  url: string;
  status: number;
  document: Document;
  html: string;
}

/**
 * Opens the identity provider's sign-in page: `url` is the page itself, or any URL at the
 * identity provider that leads there (the authorization URL a client redirects to).
 */
export async function openSignInPage(jar: CookieJar, url: string | URL): Promise<SignInPage> {
  const { url: pageUrl, response } = await followWithin(jar, url);
  const html = await response.text();
  if (response.status !== 200) {
    throw new Error(`expected the sign-in page at ${pageUrl}, got ${response.status}: ${html}`);
  }
  return { url: pageUrl, status: response.status, document: parseHtml(html), html };
}

function inputLabelled(document: Document, label: string): HTMLInputElement {
  const element = [...document.querySelectorAll('label')].find((l) => textOf(l) === label);
  const input = element?.htmlFor ? document.getElementById(element.htmlFor) : null;
  if (input?.tagName !== 'INPUT') throw new Error(`no input labelled "${label}"`);
  return input as HTMLInputElement;
}

/**
 * Fills "Username" and "Password" on the sign-in page and presses "Sign in". Returns the
 * identity provider's answer without following it: a redirect on success, the page again on
 * failure.
 */
export async function submitSignIn(
  jar: CookieJar,
  page: SignInPage,
  username: string,
  password: string,
): Promise<Response> {
  const usernameInput = inputLabelled(page.document, 'Username');
  const passwordInput = inputLabelled(page.document, 'Password');
  const form = usernameInput.closest('form');
  if (!form || passwordInput.closest('form') !== form) throw new Error('no sign-in form');
  const button = [...form.querySelectorAll('button')].find((b) => textOf(b) === 'Sign in');
  if (!button) throw new Error('no "Sign in" button');

  const body = new URLSearchParams();
  for (const input of form.querySelectorAll('input')) {
    if (!input.name) continue;
    if (input === usernameInput) body.append(input.name, username);
    else if (input === passwordInput) body.append(input.name, password);
    else body.append(input.name, input.value);
  }
  const action = new URL(
    button.getAttribute('formaction') ?? form.getAttribute('action') ?? page.url,
    page.url,
  );
  return browserFetch(jar, action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

/**
 * Signs in at the identity provider the way a person does, and returns where the identity
 * provider finally sends the browser: the client's redirect URI with `code` and `state` (or
 * `error`). `loginPageUrl` is the sign-in page or any URL leading there, such as the
 * authorization URL; `cookies` is the browser's jar, and keeps the identity provider's session.
 */
export async function signInAtIdentityProvider(
  loginPageUrl: string,
  cookies: CookieJar,
  username: string,
  password: string,
): Promise<string> {
  const page = await openSignInPage(cookies, loginPageUrl);
  const answer = await submitSignIn(cookies, page, username, password);
  const { url, response } = await followWithin(cookies, page.url, answer);
  const next = locationOf(response, url);
  if (response.status >= 300 && response.status < 400 && next) return next;
  const document = parseHtml(await response.text());
  const alert = textOf(document.querySelector('[role="alert"]'));
  throw new Error(
    `sign-in as ${username} did not return to the client (${response.status}) ${alert}`,
  );
}

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scope?: string;
  /** Default: a fresh one. */
  state?: string;
  /** Default: a fresh one. */
  nonce?: string;
  /** Parameters added or replacing the defaults; `undefined` removes one (e.g. code_challenge). */
  extra?: Record<string, string | undefined>;
}

export interface PreparedAuthorization {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export const DEFAULT_SCOPE = 'openid profile email groups';

function random(): string {
  return randomBytes(32).toString('base64url');
}

/** The authorization URL a client sends the browser to (code flow, PKCE S256, state, nonce). */
export function authorizationUrl(
  issuer: string,
  request: AuthorizationRequest,
): PreparedAuthorization {
  const state = request.state ?? random();
  const nonce = request.nonce ?? random();
  const codeVerifier = random();
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    scope: request.scope ?? DEFAULT_SCOPE,
    state,
    nonce,
    code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...request.extra,
  };
  const url = new URL(`${issuer}/auth`);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return { url: url.href, state, nonce, codeVerifier };
}

export interface AuthorizeOptions extends AuthorizationRequest {
  clientSecret: string;
  username: string;
  password: string;
  /** The browser's jar; default a new one. */
  cookies?: CookieJar;
}

export interface Authorization extends PreparedAuthorization {
  code: string;
  /** The client's redirect URI with code, state and iss, as the browser arrived there. */
  callbackUrl: string;
  cookies: CookieJar;
}

/** The browser's part of the code flow: sign in, return to the client with a code. */
export async function authorize(issuer: string, options: AuthorizeOptions): Promise<Authorization> {
  const cookies = options.cookies ?? new CookieJar();
  const prepared = authorizationUrl(issuer, options);
  const callbackUrl = await signInAtIdentityProvider(
    prepared.url,
    cookies,
    options.username,
    options.password,
  );
  const callback = new URL(callbackUrl);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${callbackUrl}`);
  if (callback.searchParams.get('state') !== prepared.state) throw new Error('state mismatch');
  return { ...prepared, code, callbackUrl, cookies };
}

export interface TokenResponse {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  /** How the client authenticates at the token endpoint; default client_secret_basic. */
  auth?: 'client_secret_basic' | 'client_secret_post';
}

/** A request to the token endpoint; the status and JSON body, whatever they are. */
export async function tokenRequest(
  issuer: string,
  client: ClientCredentials,
  params: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = new URLSearchParams(params);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (client.auth === 'client_secret_post') {
    body.set('client_id', client.clientId);
    body.set('client_secret', client.clientSecret);
  } else {
    const encode = (value: string) => encodeURIComponent(value);
    headers.authorization = `Basic ${Buffer.from(`${encode(client.clientId)}:${encode(client.clientSecret)}`).toString('base64')}`;
  }
  const response = await fetch(`${issuer}/token`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Exchanges an authorization code; throws unless the token endpoint issues tokens. */
export async function exchangeCode(
  issuer: string,
  client: ClientCredentials & { redirectUri: string },
  authorization: { code: string; codeVerifier: string },
): Promise<TokenResponse> {
  const { status, body } = await tokenRequest(issuer, client, {
    grant_type: 'authorization_code',
    code: authorization.code,
    code_verifier: authorization.codeVerifier,
    redirect_uri: client.redirectUri,
  });
  if (status !== 200) throw new Error(`token endpoint: ${status} ${JSON.stringify(body)}`);
  return body as unknown as TokenResponse;
}
