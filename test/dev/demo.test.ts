import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helper.js';

/*
 * The first minutes of a newcomer: `npm start` prints its banner (where the console is, who to
 * sign in as) and the console answers, without a JSON log line per request over the banner.
 */

let child: ChildProcess | undefined;
afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

describe('the demo (npm start)', () => {
  it('prints its banner and stays quiet while it serves', async () => {
    const [port, controlPlanePort, identityProviderPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: String(port),
      DEMO_CONTROL_PLANE_PORT: String(controlPlanePort),
      DEMO_IDENTITY_PROVIDER_PORT: String(identityProviderPort),
    };
    const started = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, '../../src/dev/demo.ts')],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = started;
    let output = '';
    started.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    started.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    let ready = false;
    while (!ready && Date.now() < deadline && started.exitCode === null) {
      ready = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(ready, output).toBe(true);
    // A few requests an operator's browser would make before signing in.
    for (const path of ['/', '/namespaces', '/auth/sign-in', '/no-such-page']) {
      await fetch(`${base}${path}`, { redirect: 'manual' });
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(output).toContain('Prism Web Console — demo');
    expect(output).toContain(`console:            ${base}`);
    expect(output).toMatch(/admin\s+password admin-pass/);
    const jsonLines = output.split('\n').filter((line) => line.trimStart().startsWith('{'));
    expect(jsonLines).toEqual([]);
  });
});
