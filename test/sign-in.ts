/*
 * Signing in through the real demo identity provider over HTTP, the way a browser would:
 * follow the redirects by hand, keep the provider's cookies, post its sign-in form.
 */

export type CookieJar = Map<string, string>;

export function storeCookies(jar: CookieJar, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair?.indexOf('=') ?? -1;
    if (!pair || eq < 0) continue;
    jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
}

export function cookieHeader(jar: CookieJar): string {
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

function attribute(html: string, pattern: RegExp): string | undefined {
  return pattern.exec(html)?.[1]?.replaceAll('&amp;', '&');
}

/**
 * From the identity provider's authorization URL to the redirect back to the client: signs in
 * as `username` on the provider's own page and returns the callback URL (with code and state).
 */
export async function signInAtIdentityProvider(
  authorizationUrl: string,
  username: string,
  password: string,
  callbackPrefix: string,
): Promise<string> {
  const jar: CookieJar = new Map();
  let url = authorizationUrl;
  let init: RequestInit = {};
  for (let hop = 0; hop < 15; hop++) {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: cookieHeader(jar) },
    });
    storeCookies(jar, response);
    init = {};
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, url).href;
      if (next.startsWith(callbackPrefix)) return next;
      url = next;
      continue;
    }
    const html = await response.text();
    const action = attribute(html, /<form[^>]*class="sign-in"[^>]*action="([^"]+)"/);
    if (response.status === 200 && action) {
      url = new URL(action, url).href;
      init = {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username, password }).toString(),
      };
      continue;
    }
    throw new Error(`sign-in at the identity provider stopped at ${url}: ${response.status}`);
  }
  throw new Error('sign-in at the identity provider: too many redirects');
}

/**
 * Signs a demo user in to a console listening at `base`, the way a browser does (sign-in,
 * the identity provider's form, the callback), and returns the cookies to send as the user.
 */
export async function signInOverHttp(
  base: string,
  username: string,
  password: string,
  returnTo = '/',
): Promise<string> {
  const jar: CookieJar = new Map();
  const start = await fetch(`${base}/auth/sign-in?return=${encodeURIComponent(returnTo)}`, {
    redirect: 'manual',
  });
  storeCookies(jar, start);
  const callback = await signInAtIdentityProvider(
    String(start.headers.get('location')),
    username,
    password,
    `${base}/auth/callback`,
  );
  const done = await fetch(callback, {
    headers: { cookie: cookieHeader(jar) },
    redirect: 'manual',
  });
  if (done.status !== 200) throw new Error(`sign-in callback answered ${done.status}`);
  storeCookies(jar, done);
  return cookieHeader(jar);
}
