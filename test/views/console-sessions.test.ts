import { describe, expect, it } from 'vitest';
import { isSessionHandle, newSessionId, sessionHandle } from '../../src/sessions/index.js';
import {
  consoleSessionNotice,
  consoleSessionsView,
  shortUserAgent,
} from '../../src/views/console-sessions.js';
import { consoleSession, NOW } from '../components/console-sessions/fixtures.js';

describe('sessionHandle', () => {
  it('names a session stably without giving its id away', () => {
    const id = newSessionId();
    const handle = sessionHandle(id);
    expect(handle).toBe(sessionHandle(id));
    expect(handle).not.toBe(sessionHandle(newSessionId()));
    expect(isSessionHandle(handle)).toBe(true);
    expect(id).not.toContain(handle);
    expect(handle).not.toContain(id.slice(0, 8));
  });

  it('tells a handle from anything else', () => {
    for (const value of ['', 'x', '../../etc', `${'a'.repeat(22)}/`, 'a'.repeat(43)]) {
      expect(isSessionHandle(value), value).toBe(false);
    }
  });
});

describe('shortUserAgent', () => {
  it.each([
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
      'Chrome 126 on Linux',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.56',
      'Edge 126 on Windows',
    ],
    [
      'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
      'Firefox 127 on Linux',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      'Safari 17 on macOS',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      'Safari 17 on iOS',
    ],
    ['curl/8.5.0', 'curl 8.5.0'],
    ['lightMyRequest', 'lightMyRequest'],
    ['', 'unknown'],
    ['x'.repeat(100), `${'x'.repeat(39)}…`],
  ])('%s → %s', (agent, expected) => {
    expect(shortUserAgent(agent)).toBe(expected);
  });
});

describe('consoleSessionsView', () => {
  it('shows who, role, since when, last seen and from where, marking the current one', () => {
    const mine = consoleSession({ username: 'admin', name: 'Ada Admin', role: 'admin' });
    const other = consoleSession();
    const view = consoleSessionsView([other, mine], { currentId: mine.id, now: new Date(NOW) });
    expect(view.rows.map((row) => [row.username, row.current])).toEqual([
      ['viewer', false],
      ['admin', true],
    ]);
    expect(view.rows[0]).toMatchObject({
      name: 'Vera Viewer',
      role: 'viewer',
      roleTone: 'slate',
      signedIn: '2026-03-01 11:00:00 UTC',
      lastSeenAgo: '2m ago',
      lastSeen: '2026-03-01 11:58:00 UTC',
      ip: '10.1.2.3',
      userAgent: 'Firefox 127 on Linux',
      handle: sessionHandle(other.id),
      revokeAction: `/console-sessions/${sessionHandle(other.id)}/revoke`,
    });
    expect(view.rows[1]?.roleTone).toBe('sky');
  });

  it('maps no token and no session id', () => {
    const session = consoleSession();
    const text = JSON.stringify(consoleSessionsView([session], { currentId: undefined }));
    for (const secret of [
      session.id,
      'access-token-secret',
      'refresh-token-secret',
      'id-token-secret',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('shows only the fixed notices', () => {
    expect(consoleSessionNotice('revoked')).toMatch(/^Session revoked/);
    expect(consoleSessionNotice('gone')).toMatch(/already ended/);
    for (const key of ['constructor', 'toString', 'You have been hacked', undefined, ['revoked']]) {
      expect(consoleSessionNotice(key)).toBeUndefined();
    }
  });
});
