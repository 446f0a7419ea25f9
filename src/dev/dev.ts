/**
 * `npm run dev`: the demo companions and a session store start once, and the console runs in a
 * child process that restarts when src/ or components/ change. Restarting only the console
 * keeps what a developer's sign-in depends on — the identity provider's keys and grants, the
 * session key and the sessions themselves (in a throwaway redis-server when Debian's is
 * installed) — so a save does not sign them out. Changes under src/dev/ need a new `npm run dev`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, watch } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../project-root.js';
import { startDemoCompanions } from './companions.js';
import { freePort } from './free-port.js';

const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';
const root = projectRoot();

/** A redis-server for this run only (no persistence), or undefined when none is installed. */
async function startSessionStore(): Promise<{ url: string; stop(): void } | undefined> {
  if (process.env.REDIS_URL || !existsSync(REDIS_SERVER)) return undefined;
  const port = await freePort();
  const redis = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    let said = '';
    redis.stdout?.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes('Ready to accept connections')) resolve();
    });
    redis.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)));
  });
  redis.stdout?.resume();
  return { url: `redis://127.0.0.1:${port}`, stop: () => redis.kill('SIGTERM') };
}

const companions = await startDemoCompanions();
const store = await startSessionStore();
const env = {
  ...process.env,
  ...companions.env,
  ...(store ? { REDIS_URL: store.url } : {}),
  // A restart should be quick: there is no load balancer to drain.
  SHUTDOWN_GRACE_MS: '0',
};
process.stderr.write(
  companions.banner([
    `  sessions:           ${
      store
        ? `kept across restarts (${store.url}, this run only)`
        : 'in memory: a restart signs you out (install redis-server to keep them)'
    }`,
    '  restarts:           on changes to src/ or components/ (src/dev/ needs a new npm run dev)',
  ]),
);

let console_: ChildProcess | undefined;
let stopping = false;

function startConsole() {
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', '--import', 'tsx', join(root, 'src', 'server.ts')],
    { env, stdio: 'inherit' },
  );
  child.once('exit', (code, signal) => {
    if (console_ === child && !stopping && signal !== 'SIGTERM') {
      process.stderr.write(`console exited (${signal ?? code}); waiting for a change to restart\n`);
    }
  });
  console_ = child;
}

async function stopConsole() {
  const child = console_;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

let restarting: Promise<void> | undefined;
let again = false;
async function restart(why: string) {
  if (restarting) {
    again = true;
    return;
  }
  restarting = (async () => {
    do {
      again = false;
      await stopConsole();
      process.stderr.write(`restarting the console (${why})\n`);
      startConsole();
    } while (again);
  })();
  await restarting;
  restarting = undefined;
}

let timer: NodeJS.Timeout | undefined;
for (const dir of ['src', 'components']) {
  watch(join(root, dir), { recursive: true }, (_event, file) => {
    const name = String(file ?? '');
    if (name.startsWith('dev') || name.startsWith('gen') || !/\.tsx?$/.test(name)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void restart(`${dir}/${name} changed`), 150);
  });
}
// Also on demand, for scripts and tests: `kill -USR2 <pid>`.
process.on('SIGUSR2', () => void restart('SIGUSR2'));

async function shutdown() {
  if (stopping) return;
  stopping = true;
  await stopConsole();
  store?.stop();
  await companions.stop();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());

startConsole();
