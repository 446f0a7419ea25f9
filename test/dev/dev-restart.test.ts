import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helper.js';
import { signInOverHttp } from '../sign-in.js';

/*
 * `npm run dev` restarts the console on every save: the developer stays signed in, because the
 * identity provider, the session key and the sessions live outside the restarted process.
 */

let child: ChildProcess | undefined;
afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

async function until(check: () => Promise<boolean>, what: string, output: () => string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not happen:\n${output()}`);
}

describe('npm run dev', () => {
  it('keeps the developer signed in across a restart of the console', async () => {
    const [port, controlPlanePort, identityProviderPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const started = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, '../../src/dev/dev.ts')],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          PORT: String(port),
          DEMO_CONTROL_PLANE_PORT: String(controlPlanePort),
          DEMO_IDENTITY_PROVIDER_PORT: String(identityProviderPort),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = started;
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    started.stdout?.on('data', collect);
    started.stderr?.on('data', collect);
    const base = `http://127.0.0.1:${port}`;
    const healthy = async () => (await fetch(`${base}/healthz`)).ok;
    await until(healthy, 'the console starting', () => output);
    expect(output).toContain('kept across restarts');

    const cookie = await signInOverHttp(base, 'operator', 'operator-pass', '/namespaces');
    const before = await fetch(`${base}/namespaces`, {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(before.status).toBe(200);

    // What a save does: the console process is replaced.
    const restarts = (output.match(/restarting the console/g) ?? []).length;
    started.kill('SIGUSR2');
    await until(
      async () => (output.match(/restarting the console/g) ?? []).length > restarts,
      'the restart',
      () => output,
    );
    await until(healthy, 'the console coming back', () => output);

    const after = await fetch(`${base}/namespaces`, {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(after.status, output).toBe(200);
    const page = await after.text();
    expect(page).toContain('operator');
    expect(page).toContain('data-testid="namespace-row"');
  });
});
