import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

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
  it('fills defaults around the one required setting', () => {
    const config = loadConfig({ CONTROL_PLANE_URL: 'http://127.0.0.1:8981/' });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8000,
      logLevel: 'info',
      controlPlane: { url: 'http://127.0.0.1:8981', timeoutMs: 5000, readRetries: 2 },
      shutdownGraceMs: 0,
    });
    expect(config.publicUrl.href).toBe('http://127.0.0.1:8000/');
  });

  it('refuses to start without the control plane, saying which variable is missing', () => {
    expect(problemsOf({})).toEqual(['CONTROL_PLANE_URL: is required']);
  });

  it('names every problem at once', () => {
    const problems = problemsOf({
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

  it('puts the problems in the error message an operator reads', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(
      /Invalid configuration:\n {2}- .*PORT: must be at most 65535/s,
    );
  });
});
