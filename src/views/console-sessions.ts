import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import type { BadgeTone } from '../../components/ui/Badge.js';
import { defineNotices } from '../forms/notices.js';
import type { Url } from '../html/url.js';
import type { Role } from '../plugins/operator.js';
import { routes } from '../routes/table.js';
import { type ConsoleSession, sessionHandle } from '../sessions/index.js';

import { formatAgo, formatTime } from './format.js';

/*
 * Console sessions for the admin page: who is signed in, since when, last seen, from where.
 * A session is named on the page by a handle derived from its id — never the id itself, which
 * together with the session key is what a cookie carries — and no token is ever mapped.
 */

export const roleTone: Record<Role, BadgeTone> = {
  admin: 'sky',
  operator: 'amber',
  viewer: 'slate',
};

/** Browsers and tools by the token that names them, most specific first (Edge says Chrome too). */
const BROWSERS: readonly [RegExp, string][] = [
  [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/OPR\/(\d+)/, 'Opera'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/(?:Chrome|CriOS)\/(\d+)/, 'Chrome'],
  [/Version\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
  [/curl\/([\d.]+)/, 'curl'],
];

const SYSTEMS: readonly [RegExp, string][] = [
  [/Windows NT/, 'Windows'],
  [/iPhone|iPad/, 'iOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Android/, 'Android'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

const SHORT_AGENT = 40;

/** "Firefox 127 on Linux" for a user agent a person would recognise, else its first 40 characters. */
export function shortUserAgent(userAgent: string): string {
  const agent = userAgent.trim();
  if (agent === '') return 'unknown';
  const browser = BROWSERS.find(([pattern]) => pattern.test(agent));
  if (browser) {
    const version = browser[0].exec(agent)?.[1];
    const system = SYSTEMS.find(([pattern]) => pattern.test(agent))?.[1];
    return `${browser[1]} ${version}${system ? ` on ${system}` : ''}`;
  }
  return agent.length > SHORT_AGENT ? `${agent.slice(0, SHORT_AGENT - 1)}…` : agent;
}

export interface ConsoleSessionRow {
  handle: string;
  name: string;
  username: string;
  role: Role;
  roleTone: BadgeTone;
  signedIn: string;
  lastSeenAgo: string;
  lastSeen: string;
  ip: string;
  userAgent: string;
  /** The whole user agent, for a tooltip. */
  userAgentFull: string;
  /** The admin looking at the page: revoking it signs them out. */
  current: boolean;
  revokeAction: Url;
}

export interface ConsoleSessionsView {
  rows: ConsoleSessionRow[];
  notice: string | undefined;
}

/** Confirmations after a revocation (src/forms/notices.ts). */
const notices = defineNotices({
  revoked: 'Session revoked: its operator is signed out on their next request, on every replica.',
  gone: 'That session had already ended; nothing to revoke.',
});
export type ConsoleSessionNotice = 'revoked' | 'gone';

export function consoleSessionNotice(key: unknown): string | undefined {
  return notices.text(key, ['revoked', 'gone']);
}

export function consoleSessionRow(
  session: ConsoleSession,
  currentId: string | undefined,
  now: Date,
): ConsoleSessionRow {
  const handle = sessionHandle(session.id);
  const lastSeen = timestampFromMs(session.lastSeenAt);
  return {
    handle,
    name: session.name,
    username: session.username,
    role: session.role,
    roleTone: roleTone[session.role],
    signedIn: formatTime(timestampFromMs(session.createdAt)),
    lastSeenAgo: formatAgo(lastSeen, now),
    lastSeen: formatTime(lastSeen),
    ip: session.ip || 'unknown',
    userAgent: shortUserAgent(session.userAgent),
    userAgentFull: session.userAgent,
    current: session.id === currentId,
    revokeAction: routes.consoleSessions.revoke.href({ handle }),
  };
}

/** The live sessions (the store's order: newest first) with the viewer's own marked. */
export function consoleSessionsView(
  sessions: readonly ConsoleSession[],
  options: { currentId: string | undefined; notice?: unknown; now?: Date },
): ConsoleSessionsView {
  const now = options.now ?? new Date();
  return {
    rows: sessions.map((session) => consoleSessionRow(session, options.currentId, now)),
    notice: consoleSessionNotice(options.notice),
  };
}
