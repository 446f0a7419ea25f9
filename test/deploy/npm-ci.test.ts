import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/project-root.js';

/*
 * A newcomer's first command, `npm ci`, runs on the machine's own Node and npm (not the Node 24
 * the project installs for itself). Its output must not read like a failure.
 */

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'prism-npm-ci-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** PATH without this project's node_modules/.bin: the machine's own node and npm. */
function machinePath(): string {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter((entry) => !entry.includes('node_modules'))
    .join(delimiter);
}

describe('npm ci on the machine’s own Node', () => {
  it('prints no warnings that read like a failure', async () => {
    for (const file of ['package.json', 'package-lock.json', '.npmrc']) {
      copyFileSync(join(projectRoot(), file), join(dir, file));
    }
    const env: Record<string, string> = { PATH: machinePath() };
    for (const name of ['HOME', 'NODE_EXTRA_CA_CERTS', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY']) {
      const value = process.env[name];
      if (value) env[name] = value;
    }
    const { stdout: version } = await run('node', ['--version'], { env });
    // Production dependencies only: what a newcomer's install has in common with this check,
    // without downloading the browser-test and build tool chain again.
    const { stdout, stderr } = await run('npm', ['ci', '--omit=dev', '--ignore-scripts'], {
      cwd: dir,
      env,
      timeout: 180_000,
    });
    const output = `${stdout}\n${stderr}`;
    expect(output, `node ${version.trim()}`).not.toMatch(/EBADENGINE|npm warn|npm WARN/);
    expect(output).toMatch(/added \d+ packages/);
  }, 200_000);
});
