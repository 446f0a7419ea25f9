/**
 * Runs before `npm test` and `npm run test:e2e` (their `pre` scripts): the suite needs two Debian
 * packages, Chromium for the browser tests and redis-server for the session tests. When both are
 * there this is two existence checks. When one is missing, root (as CI is) installs it with
 * apt-get, waiting for a lock another apt holds; anyone else is told the one command to run, and
 * the tests do not start.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

interface Prerequisite {
  /** The Debian package that provides it. */
  package: string;
  /** Where the tests look for it: the variable overrides the default path, as in the tests. */
  variable: string;
  defaultPath: string;
  usedBy: string;
}

const PREREQUISITES: Prerequisite[] = [
  {
    package: 'chromium',
    variable: 'CHROMIUM_PATH',
    defaultPath: '/usr/bin/chromium',
    usedBy: 'the browser tests in test/e2e',
  },
  {
    package: 'redis-server',
    variable: 'REDIS_SERVER_PATH',
    defaultPath: '/usr/bin/redis-server',
    usedBy: 'the session tests in test/sessions',
  },
];

/** How long apt-get may wait for the dpkg and package-list locks another apt process holds. */
const LOCK_TIMEOUT_SECONDS = 300;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function fail(lines: string[]): never {
  console.error(lines.join('\n'));
  process.exit(1);
}

/** Runs apt-get with no standard input; resolves to its exit code and what it wrote to stderr. */
function aptGet(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('apt-get', ['-o', `DPkg::Lock::Timeout=${LOCK_TIMEOUT_SECONDS}`, ...args], {
      stdio: ['ignore', 'inherit', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      process.stderr.write(chunk);
    });
    child.on('error', (err) => resolve({ code: 127, stderr: String(err) }));
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
  });
}

/**
 * apt-get, retried while another apt holds a lock that DPkg::Lock::Timeout does not wait for
 * (`apt-get update`'s lock on the package lists), up to the same timeout.
 */
async function aptGetWaitingForLocks(args: string[]): Promise<void> {
  const deadline = Date.now() + LOCK_TIMEOUT_SECONDS * 1000;
  for (;;) {
    const { code, stderr } = await aptGet(args);
    if (code === 0) return;
    const locked = /Could not get lock|Unable to lock/.test(stderr);
    if (!locked || Date.now() > deadline) {
      fail([`test prerequisites: \`apt-get ${args.join(' ')}\` failed (exit ${code}).`]);
    }
    console.error('test prerequisites: another apt is running; waiting for its lock…');
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
}

const missing = PREREQUISITES.filter((p) => !executable(process.env[p.variable] || p.defaultPath));
if (missing.length > 0) {
  // A path set by hand that is wrong is not something a Debian package fixes.
  const overridden = missing.filter((p) => process.env[p.variable]);
  if (overridden.length > 0) {
    fail(
      overridden.map(
        (p) =>
          `test prerequisites: ${p.variable}=${process.env[p.variable]} is not an executable (${p.package}, for ${p.usedBy}).`,
      ),
    );
  }

  const packages = missing.map((p) => p.package);
  const root = process.getuid?.() === 0;
  const haveAptGet = root && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!haveAptGet) {
    fail([
      'The tests need Debian packages that are not installed:',
      ...missing.map((p) => `  ${p.package}: ${p.defaultPath}, for ${p.usedBy}`),
      'Install them with this command, then run the tests again:',
      `  sudo apt-get install -y ${packages.join(' ')}`,
    ]);
  }

  console.error(`test prerequisites: installing ${packages.join(' ')} with apt-get…`);
  await aptGetWaitingForLocks(['update']);
  await aptGetWaitingForLocks(['install', '-y', '--no-install-recommends', ...packages]);
  const still = missing.filter((p) => !executable(p.defaultPath));
  if (still.length > 0) {
    fail(
      still.map(
        (p) =>
          `test prerequisites: ${p.defaultPath} is still missing after installing ${p.package}.`,
      ),
    );
  }
}
