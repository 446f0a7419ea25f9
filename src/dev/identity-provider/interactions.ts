import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, type Provider } from 'oidc-provider';
import { ProblemPage, SignInPage } from './pages.js';
import { authenticate, DEMO_USERS } from './users.js';

/** The interaction routes: `/interaction/:uid` (GET), `/interaction/:uid/login|abort` (POST). */
export const INTERACTION_ROUTE = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/;

export const WRONG_CREDENTIALS = 'Wrong username or password.';

/** A sign-in form is a few dozen bytes; anything much bigger is not one. */
const MAX_FORM_BYTES = 8 * 1024;

/**
 * Headers of every page this server renders itself: no script, no framing, nothing cached. No
 * `form-action`: the sign-in and sign-out forms are answered with redirects back to the client,
 * which browsers would check against it.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

async function send(res: ServerResponse, status: number, page: JSX.Element): Promise<void> {
  const html = await page;
  res.writeHead(status, { ...PAGE_HEADERS, 'content-length': Buffer.byteLength(html) });
  res.end(html);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new RangeError('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function clientName(provider: Provider, clientId: unknown): Promise<string | undefined> {
  if (typeof clientId !== 'string') return undefined;
  const client = await provider.Client.find(clientId);
  return client?.clientName;
}

function expired(res: ServerResponse): Promise<void> {
  return send(
    res,
    400,
    ProblemPage({
      title: 'Sign-in expired',
      message: 'This sign-in has expired or was already used.',
      detail: 'Go back to the application and sign in again.',
    }),
  );
}

/**
 * Serves one interaction request. Signing in is the only step a person sees: consent is granted
 * at once, because the clients of this demo are the console itself (first party).
 */
export async function handleInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
  action: string | undefined,
): Promise<void> {
  const method = req.method ?? 'GET';
  if ((action === undefined && method !== 'GET') || (action !== undefined && method !== 'POST')) {
    res.writeHead(405, { allow: action === undefined ? 'GET' : 'POST' });
    res.end();
    return;
  }

  let details: Awaited<ReturnType<Provider['interactionDetails']>>;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (error) {
    if (error instanceof errors.SessionNotFound) return expired(res);
    throw error;
  }
  if (details.uid !== uid) return expired(res);

  const { prompt, params } = details;
  const base = `/interaction/${encodeURIComponent(uid)}`;

  if (action === 'abort') {
    return provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The user cancelled the sign-in.' },
      { mergeWithLastSubmission: false },
    );
  }

  if (prompt.name === 'consent') {
    if (action !== undefined) return expired(res);
    return grantConsent(provider, req, res, details);
  }

  if (prompt.name !== 'login') {
    return send(
      res,
      400,
      ProblemPage({
        title: 'Cannot continue',
        message: 'This identity provider cannot complete this request.',
        detail: `Unsupported step: ${prompt.name}`,
      }),
    );
  }

  const signInPage = async (status: number, username: string, error: string | undefined) =>
    send(
      res,
      status,
      SignInPage({
        action: `${base}/login`,
        cancelAction: `${base}/abort`,
        clientName: await clientName(provider, params.client_id),
        username,
        error,
        users: DEMO_USERS,
      }),
    );

  if (action === undefined) return signInPage(200, '', undefined);

  let form: URLSearchParams;
  try {
    form = await readForm(req);
  } catch {
    res.writeHead(413, { connection: 'close' });
    res.end();
    return;
  }
  const username = (form.get('username') ?? '').trim();
  const user = authenticate(username, form.get('password') ?? '');
  // 200, not 401: this is the form again for a person to correct (401 would also need a
  // WWW-Authenticate challenge, and browsers log it as a failed load).
  if (!user) return signInPage(200, username, WRONG_CREDENTIALS);

  return provider.interactionFinished(
    req,
    res,
    { login: { accountId: user.username, amr: ['pwd'] } },
    { mergeWithLastSubmission: false },
  );
}

/** Grants what the consent prompt found missing: the OIDC scopes and claims, the resource's scopes. */
async function grantConsent(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  interaction: Awaited<ReturnType<Provider['interactionDetails']>>,
): Promise<void> {
  const { prompt, params, session, grantId } = interaction;
  const existing = grantId ? await provider.Grant.find(grantId) : undefined;
  const grant =
    existing ??
    new provider.Grant({ accountId: session?.accountId, clientId: String(params.client_id) });

  const missing = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const savedGrantId = await grant.save();

  return provider.interactionFinished(
    req,
    res,
    { consent: existing ? {} : { grantId: savedGrantId } },
    { mergeWithLastSubmission: true },
  );
}
