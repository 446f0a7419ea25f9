import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Role } from '../../plugins/operator.js';

/*
 * The "no access" record. The sign-in return (`/auth/callback`) is single-use, so the page that
 * says "your account has no role here" cannot be its answer: a reload would land on "Sign-in
 * expired". The callback writes this record instead and redirects to `/no-access`, which reads it
 * on every load until it expires. It holds who signed in and their groups — no token, and no
 * console session is created — encrypted and authenticated with the sign-in cookie's key
 * (@fastify/secure-session), which also gives it the sign-in cookie's ten-minute lifetime.
 */

export interface NoAccessRecord {
  name: string;
  username: string;
  /** The role claim's values, as the identity provider sent them (cut to fit a cookie). */
  groups: string[];
  /** How many more values the claim had than `groups` holds. */
  moreGroups: number;
}

/** The session name whose key (and expiry) the record borrows: see src/plugins/session.ts. */
const KEY_OF = 'loginCookie';
/** Marks the record, so another cookie sealed with the same key is never read as one. */
const KIND = 'no-access';
/** The groups kept, in characters of JSON: the cookie stays far below the 4 KB browsers keep. */
const GROUPS_BUDGET = 1500;
const MAX_TEXT = 200;

/** The cookie's name: `__Host-` prefixed over TLS, like the session's. */
function cookieName(app: FastifyInstance): string {
  const secure = app.sessionCookieNames.login.startsWith('__Host-');
  return `${secure ? '__Host-' : ''}prism-no-access`;
}

function attributes(app: FastifyInstance): string[] {
  const secure = app.sessionCookieNames.login.startsWith('__Host-');
  // Lax: it is set on the answer to the identity provider's cross-site return.
  return ['Path=/', 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])];
}

/** The claim's values as text: a list of strings or one string; anything else is none. */
export function claimValues(claim: unknown): string[] {
  const values = Array.isArray(claim) ? claim : claim === undefined ? [] : [claim];
  return values.filter((v): v is string => typeof v === 'string');
}

/** The `Set-Cookie` value holding the record. */
export function noAccessCookie(
  app: FastifyInstance,
  record: { name: string; username: string; groups: string[] },
): string {
  const groups: string[] = [];
  let size = 0;
  for (const group of record.groups) {
    const kept = group.slice(0, MAX_TEXT);
    size += JSON.stringify(kept).length + 1;
    if (size > GROUPS_BUDGET) break;
    groups.push(kept);
  }
  const session = app.createSecureSession({
    kind: KIND,
    name: record.name.slice(0, MAX_TEXT),
    username: record.username.slice(0, MAX_TEXT),
    groups,
    moreGroups: record.groups.length - groups.length,
  });
  const value = encodeURIComponent(app.encodeSecureSession(session, KEY_OF));
  return [`${cookieName(app)}=${value}`, ...attributes(app)].join('; ');
}

/** The `Set-Cookie` value that removes the record (after a sign-in that worked). */
export function clearNoAccessCookie(app: FastifyInstance): string {
  return [`${cookieName(app)}=`, 'Max-Age=0', ...attributes(app)].join('; ');
}

/** The record this browser holds, if it is there, intact and not expired. */
export function readNoAccess(request: FastifyRequest): NoAccessRecord | undefined {
  const app = request.server;
  const raw = request.cookies[cookieName(app)];
  if (!raw) return undefined;
  const session = app.decodeSecureSession(raw, request.log, KEY_OF);
  if (!session || session.get('kind') !== KIND) return undefined;
  const name = session.get('name');
  const username = session.get('username');
  const groups = session.get('groups');
  const moreGroups = session.get('moreGroups');
  if (typeof name !== 'string' || typeof username !== 'string' || !Array.isArray(groups)) {
    return undefined;
  }
  return {
    name,
    username,
    groups: groups.filter((g): g is string => typeof g === 'string'),
    moreGroups: typeof moreGroups === 'number' && moreGroups > 0 ? moreGroups : 0,
  };
}

/** The groups that give a console role, per role (the configured mapping), highest role first. */
export function groupsGivingAccess(
  mapping: Readonly<Record<string, Role>>,
): { role: Role; groups: string[] }[] {
  const roles: Role[] = ['admin', 'operator', 'viewer'];
  return roles
    .map((role) => ({
      role,
      groups: Object.entries(mapping)
        .filter(([, mapped]) => mapped === role)
        .map(([group]) => group)
        .sort(),
    }))
    .filter((entry) => entry.groups.length > 0);
}
