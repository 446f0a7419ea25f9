/**
 * The Dockerfile, deploy/ and the configuration's defaults agree on shutdown timing and memory:
 * read as text (no YAML parser is a dependency), each figure found by its key.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFlagsOf } from '../../scripts/image-node-flags.js';
import { loadConfig } from '../../src/config.js';
import { projectRoot } from '../../src/project-root.js';

const root = projectRoot();
const deployment = readFileSync(join(root, 'deploy', 'deployment.yaml'), 'utf8');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

/** The value of an env entry of the console container. */
function env(name: string): string {
  const value = new RegExp(`- name: ${name}\\n\\s+value: "?([^"\\n]+)"?`).exec(deployment)?.[1];
  if (value === undefined) throw new Error(`deployment.yaml sets no ${name}`);
  return value;
}

/** A number under a block, e.g. number('readinessProbe', 'periodSeconds'). */
function number(block: string, key: string): number {
  const start = deployment.indexOf(`${block}:`);
  if (start < 0) throw new Error(`deployment.yaml has no ${block}`);
  const value = new RegExp(`${key}: (\\d+)`).exec(deployment.slice(start))?.[1];
  if (value === undefined) throw new Error(`deployment.yaml has no ${block}.${key}`);
  return Number(value);
}

function mebibytes(block: 'requests' | 'limits'): number {
  const start = deployment.indexOf(`${block}:`);
  const value = /memory: (\d+)Mi/.exec(deployment.slice(start))?.[1];
  if (value === undefined) throw new Error(`deployment.yaml has no ${block}.memory in Mi`);
  return Number(value);
}

const REQUIRED = {
  CONTROL_PLANE_URL: 'http://prism-admin:8981',
  PUBLIC_URL: 'https://console.example',
  OIDC_ISSUER: 'https://login.example',
  OIDC_CLIENT_ID: 'prism-console',
  OIDC_CLIENT_SECRET: 'secret',
  SESSION_KEY: Buffer.alloc(32, 7).toString('base64'),
};

describe('deploy/ and the Dockerfile', () => {
  it('bound the shutdown inside the termination grace period, after one readiness period', () => {
    const graceMs = Number(env('SHUTDOWN_GRACE_MS'));
    const timeoutMs = Number(env('SHUTDOWN_TIMEOUT_MS'));
    const terminationMs = number('terminationGracePeriodSeconds', 'terminationGracePeriodSeconds');
    expect(graceMs + timeoutMs).toBeLessThan(terminationMs * 1000);
    expect(graceMs).toBeGreaterThanOrEqual(number('readinessProbe', 'periodSeconds') * 1000);
    // The image's defaults are the manifest's, so a bare `docker run` behaves the same.
    const defaults = loadConfig(REQUIRED);
    expect(defaults.shutdownGraceMs).toBe(graceMs);
    expect(defaults.shutdownTimeoutMs).toBe(timeoutMs);
  });

  it('caps the V8 heap from the container limit, which the Deployment does not override', () => {
    const flags = nodeFlagsOf(dockerfile);
    const flag = (name: string) =>
      Number(flags.find((f) => f.startsWith(`--${name}=`))?.slice(name.length + 3));
    const percent = flag('max-old-space-size-percentage');
    expect(percent).toBeGreaterThanOrEqual(50);
    expect(percent).toBeLessThanOrEqual(80);
    // The young generation set too, not left to V8: from a 256 MiB limit V8 makes it 3 MiB, and
    // a page then costs ~1.5× the CPU; 8 MiB semi-spaces still cost ~13 % (bench/README.md,
    // "History", 3 December). Without a limit V8 grows it to 3 × 64 MiB. Both generations at
    // their largest still leave 15 % of the limit to native memory.
    const semiSpaceMiB = flag('max-semi-space-size');
    expect(semiSpaceMiB).toBeGreaterThanOrEqual(16);
    expect((percent / 100) * mebibytes('limits') + 3 * semiSpaceMiB).toBeLessThanOrEqual(
      0.85 * mebibytes('limits'),
    );
    // The image's CMD runs as is: no command or args, no heap size of its own in NODE_OPTIONS.
    expect(deployment).not.toMatch(/^\s+(command|args):/m);
    expect(deployment).not.toMatch(/max-old-space-size/);
    expect(mebibytes('requests')).toBeLessThanOrEqual(mebibytes('limits'));
  });

  it("fills the compile cache with the CMD's flags (V8 keeps code only for the flags it ran under)", () => {
    const joined = dockerfile.replace(/\\\n\s*/g, ' ');
    const fill = /^RUN node (.*?)\s*dist\/src\/server\.js\s+--fill-compile-cache/m.exec(
      joined,
    )?.[1];
    expect(fill?.split(/\s+/).filter(Boolean)).toEqual(nodeFlagsOf(dockerfile));
  });

  it('npm run serve starts serve mode with the flags the image starts it with', () => {
    const scripts = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts.serve).toBe(
      ['node', ...nodeFlagsOf(dockerfile), 'dist/src/server.js'].join(' '),
    );
  });

  it('probes readiness on /readyz and liveness on /healthz', () => {
    expect(deployment).toMatch(/readinessProbe:\n\s+httpGet:\n\s+path: \/readyz/);
    expect(deployment).toMatch(/livenessProbe:\n\s+httpGet:\n\s+path: \/healthz/);
  });
});
