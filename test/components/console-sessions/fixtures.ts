import { type ConsoleSession, newSessionId } from '../../../src/sessions/index.js';

/** A fixed "now" for views and components that show times. */
export const NOW = Date.parse('2026-03-01T12:00:00Z');

/** A console session as the store holds it, tokens and all (which nothing may show). */
export function consoleSession(overrides: Partial<ConsoleSession> = {}): ConsoleSession {
  return {
    id: newSessionId(),
    subject: 'sub-vera',
    username: 'viewer',
    name: 'Vera Viewer',
    role: 'viewer',
    accessToken: 'access-token-secret',
    accessTokenExpiresAt: NOW + 300_000,
    refreshToken: 'refresh-token-secret',
    idToken: 'id-token-secret',
    createdAt: NOW - 3_600_000,
    lastSeenAt: NOW - 120_000,
    absoluteExpiresAt: NOW + 40_000_000,
    idleTimeoutMs: 1_800_000,
    ip: '10.1.2.3',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
    ...overrides,
  };
}
