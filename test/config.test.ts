import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const KEY = Buffer.alloc(32, 7).toString('base64');
const REQUIRED = {
  CONTROL_PLANE_URL: 'http://127.0.0.1:8981/',
  PUBLIC_URL: 'https://console.example',
  OIDC_ISSUER: 'https://login.example/realms/prism',
  OIDC_CLIENT_ID: 'prism-console',
  OIDC_CLIENT_SECRET: 's3cret',
  SESSION_KEY: KEY,
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected loadConfig to refuse');
}

describe('loadConfig', () => {
  it('fills defaults around the required settings', () => {
    const config = loadConfig(REQUIRED);
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8000,
      logLevel: 'info',
      controlPlane: { url: 'http://127.0.0.1:8981', timeoutMs: 5000, readRetries: 2 },
      shutdownGraceMs: 5000,
      shutdownTimeoutMs: 10_000,
      trustProxy: false,
      oidc: {
        clientId: 'prism-console',
        scopes: 'openid profile email groups',
        roleClaim: 'groups',
        roleMapping: {
          'prism-admins': 'admin',
          'prism-operators': 'operator',
          'prism-viewers': 'viewer',
        },
      },
      session: {
        idleTimeoutMs: 30 * 60_000,
        absoluteTimeoutMs: 12 * 3_600_000,
        redisUrl: undefined,
      },
    });
    expect(config.publicUrl.href).toBe('https://console.example/');
    expect(config.session.key).toHaveLength(32);
  });

  it('refuses to start without what serve mode needs, naming each missing variable', () => {
    expect(
      problemsOf({})
        .map((p) => p.split(':')[0])
        .sort(),
    ).toEqual([
      'CONTROL_PLANE_URL',
      'OIDC_CLIENT_ID',
      'OIDC_CLIENT_SECRET',
      'OIDC_ISSUER',
      'PUBLIC_URL',
      'SESSION_KEY',
    ]);
  });

  it('refuses a malformed session key, role mapping or Redis URL', () => {
    expect(
      problemsOf({
        ...REQUIRED,
        SESSION_KEY: 'too-short',
        OIDC_ROLE_MAP: 'prism-admins=root',
        REDIS_URL: 'localhost:6379',
      }),
    ).toEqual([
      expect.stringMatching(/^OIDC_ROLE_MAP: "prism-admins=root" is not claim=role/),
      expect.stringMatching(/^SESSION_KEY: must be 32 random bytes in base64/),
      'REDIS_URL: must be a redis:// or rediss:// URL',
    ]);
  });

  it('reads TRUST_PROXY as false, a number of hops, or addresses and CIDR ranges', () => {
    const trust = (value: string) => loadConfig({ ...REQUIRED, TRUST_PROXY: value }).trustProxy;
    expect(trust('false')).toBe(false);
    expect(trust('1')).toBe(1);
    expect(trust('10.0.0.0/8, 192.168.1.7,fd00::/8')).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      'fd00::/8',
    ]);
    for (const bad of ['true', '10.0.0.0/33', 'ingress.example', '10.0.0.1,', '::1/129']) {
      expect(problemsOf({ ...REQUIRED, TRUST_PROXY: bad }), bad).toEqual([
        expect.stringMatching(/^TRUST_PROXY: must be false, a number of proxy hops, or addresses/),
      ]);
    }
  });

  it('bounds the shutdown: SHUTDOWN_TIMEOUT_MS from 1 s', () => {
    expect(loadConfig({ ...REQUIRED, SHUTDOWN_TIMEOUT_MS: '2500' }).shutdownTimeoutMs).toBe(2500);
    expect(problemsOf({ ...REQUIRED, SHUTDOWN_TIMEOUT_MS: '0' })).toEqual([
      'SHUTDOWN_TIMEOUT_MS: must be at least 1000',
    ]);
  });

  it("reads the live streams' heartbeat, 15 s unless set, from 200 ms to 30 s", () => {
    expect(loadConfig(REQUIRED).liveHeartbeatMs).toBe(15_000);
    expect(loadConfig({ ...REQUIRED, LIVE_HEARTBEAT_MS: '5000' }).liveHeartbeatMs).toBe(5000);
    expect(problemsOf({ ...REQUIRED, LIVE_HEARTBEAT_MS: '50' })).toEqual([
      'LIVE_HEARTBEAT_MS: must be at least 200',
    ]);
    expect(problemsOf({ ...REQUIRED, LIVE_HEARTBEAT_MS: '45000' })).toEqual([
      'LIVE_HEARTBEAT_MS: must be at most 30000',
    ]);
  });

  it('reads how many live streams one session may hold, 20 unless set, from 1 to 10,000', () => {
    expect(loadConfig(REQUIRED).liveStreamsPerSession).toBe(20);
    expect(loadConfig({ ...REQUIRED, LIVE_STREAMS_PER_SESSION: '64' }).liveStreamsPerSession).toBe(
      64,
    );
    expect(problemsOf({ ...REQUIRED, LIVE_STREAMS_PER_SESSION: '0' })).toEqual([
      'LIVE_STREAMS_PER_SESSION: must be at least 1',
    ]);
  });

  it('refuses an http:// identity provider that is not on this machine', () => {
    for (const issuer of [
      'http://login.example/realms/prism',
      'http://10.0.0.5:8080',
      'http://localhost.evil.example',
      'http://127.0.0.1.nip.io',
    ]) {
      expect(problemsOf({ ...REQUIRED, OIDC_ISSUER: issuer }), issuer).toEqual([
        expect.stringMatching(
          /^OIDC_ISSUER: must be an https:\/\/ URL \(http:\/\/ only for an issuer on this machine/,
        ),
      ]);
    }
  });

  it('accepts https:// issuers, and http:// on loopback (the demo identity provider)', () => {
    for (const issuer of [
      'https://login.example/realms/prism',
      'http://localhost:8001',
      'http://127.0.0.1:8001',
      'http://[::1]:8001',
    ]) {
      expect(loadConfig({ ...REQUIRED, OIDC_ISSUER: issuer }).oidc.issuer.href).toBe(
        new URL(issuer).href,
      );
    }
  });

  it('names a malformed issuer once', () => {
    expect(problemsOf({ ...REQUIRED, OIDC_ISSUER: 'login.example' })).toEqual([
      expect.stringMatching(/^OIDC_ISSUER: must be an absolute http/),
    ]);
  });

  it('names every problem at once', () => {
    const problems = problemsOf({
      ...REQUIRED,
      CONTROL_PLANE_URL: 'localhost:8981',
      PORT: 'eighty',
      LOG_LEVEL: 'verbose',
      PUBLIC_URL: 'ftp://console.example',
      CONTROL_PLANE_TIMEOUT_MS: '10',
      CONTROL_PLANE_TIMEOUT: '5000',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^CONTROL_PLANE_URL: must be an absolute http/),
        'PORT: must be a whole number',
        expect.stringMatching(/^LOG_LEVEL: must be one of/),
        expect.stringMatching(/^PUBLIC_URL: must be an absolute http/),
        'CONTROL_PLANE_TIMEOUT_MS: must be at least 50',
        expect.stringMatching(/^CONTROL_PLANE_TIMEOUT: unknown setting/),
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it('reads the service client as an id and a secret, both or neither', () => {
    expect(loadConfig(REQUIRED).serviceClient).toBeUndefined();
    expect(
      loadConfig({
        ...REQUIRED,
        SERVICE_CLIENT_ID: ' prism-console-service ',
        SERVICE_CLIENT_SECRET: ' svc-s3cret\n',
      }).serviceClient,
    ).toEqual({ clientId: 'prism-console-service', clientSecret: 'svc-s3cret' });
    expect(problemsOf({ ...REQUIRED, SERVICE_CLIENT_ID: 'prism-console-service' })).toEqual([
      'SERVICE_CLIENT_SECRET: is required with SERVICE_CLIENT_ID (its secret)',
    ]);
    expect(problemsOf({ ...REQUIRED, SERVICE_CLIENT_SECRET: 'svc-s3cret' })).toEqual([
      expect.stringMatching(/^SERVICE_CLIENT_ID: is required with SERVICE_CLIENT_SECRET/),
    ]);
    expect(
      problemsOf({ ...REQUIRED, SERVICE_CLIENT_ID: '  ', SERVICE_CLIENT_SECRET: 'svc-s3cret' }),
    ).toEqual(['SERVICE_CLIENT_ID: must not be empty']);
    expect(
      problemsOf({ ...REQUIRED, SERVICE_CLIENT_IDS: 'x', SERVICE_CLIENT_ID: 'a' }).sort(),
    ).toEqual([
      expect.stringMatching(/^SERVICE_CLIENT_IDS: unknown setting/),
      'SERVICE_CLIENT_SECRET: is required with SERVICE_CLIENT_ID (its secret)',
    ]);
  });

  it('puts the problems in the error message an operator reads', () => {
    expect(() => loadConfig({ ...REQUIRED, PORT: '70000' })).toThrow(
      /Invalid configuration:\n {2}- .*PORT: must be at most 65535/s,
    );
  });
});
