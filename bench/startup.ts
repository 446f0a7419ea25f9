/**
 * `npx tsx bench/startup.ts [server.js [node flags…]]`: how long serve mode takes from spawn to its first 200
 * on /healthz, and what it holds when idle, against a bare `node:http` server started the same
 * way. Five runs of each, interleaved so that a busy moment on the machine hits both; medians
 * are compared. Exits 1 when the console takes more than 2.5× the bare server (issue 10, §2).
 *
 * A third process runs beside them, for reference only: Fastify alone, with one /healthz route
 * and its pino logger at the console's level, bundled and minified as the console is and started
 * with Node's compile cache. What separates it from the bare server is the framework the console
 * is built on; what separates the console from it is the console's own plugins and routes.
 *
 * Without an argument it bundles the server (scripts/build-server.ts) into a folder of its own,
 * beside a copy of package.json and links to public/ and node_modules/, and starts that as the
 * Dockerfile does. With one it starts that file instead (e.g. an older tsc-built dist/ to
 * compare, with the `--enable-source-maps` its CMD had). The console is configured as in production but pointed at a control plane and an
 * identity provider that do not answer: /healthz must not wait for either, nor for Redis.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildServer } from '../scripts/build-server.js';
import { imageNodeFlags } from '../scripts/image-node-flags.js';
import { freePort } from '../src/dev/free-port.js';
import { projectRoot } from '../src/project-root.js';
import { median } from './targets.js';

export interface StartupFigures {
  /** Median milliseconds from spawn to the first 200 on /healthz. */
  consoleMs: number;
  bareMs: number;
  /** consoleMs / bareMs: the target is ≤ 2.5. */
  ratio: number;
  /** Median resident set size in bytes, one second after the first 200. */
  consoleRss: number;
  bareRss: number;
  /**
   * Median CPU milliseconds (user + system) used up to the first 200: unlike the wall time it
   * hardly moves when other work shares the machine.
   */
  consoleCpuMs: number;
  bareCpuMs: number;
  /** Fastify alone (one route, bundled as the console is): its median ms and ms / bareMs. */
  fastifyMs: number;
  fastifyRatio: number;
}

export const STARTUP_TARGET = 2.5;
const RUNS = 5;
/** Time to settle after the first 200 before reading the resident set. */
const IDLE_MS = 1000;

const root = projectRoot();
/** Node 24 of the project, as in the image; the machine's own node may be older. */
const node = join(root, 'node_modules', '.bin', 'node');

const BARE = `require('node:http')
  .createServer((req, res) => res.end('ok'))
  .listen(Number(process.env.PORT), '127.0.0.1');`;

/** Fastify alone, as the console makes it: pino at the console's level, one route, no plugin. */
const FASTIFY_ALONE = `const Fastify = require('fastify');
const app = Fastify({ logger: { level: process.env.LOG_LEVEL } });
app.get('/healthz', async () => 'ok');
app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });`;

/**
 * FASTIFY_ALONE bundled into \`dir\` as the console's bundle is made (one minified script,
 * keepNames), with a folder beside it for Node's compile cache.
 */
async function fastifyAlone(dir: string): Promise<{ script: string; env: Record<string, string> }> {
  const script = join(dir, 'fastify-alone.cjs');
  await build({
    stdin: { contents: FASTIFY_ALONE, resolveDir: root, loader: 'js' },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    keepNames: true,
    outfile: script,
    logLevel: 'warning',
  });
  return { script, env: { NODE_COMPILE_CACHE: join(dir, 'fastify-alone-cache') } };
}

/** One GET /healthz on a fresh connection: its status, or 0 when nothing answers yet. */
function health(port: number): Promise<number> {
  return new Promise((done) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/healthz', agent: false, timeout: 1000 },
      (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      },
    );
    req.once('error', () => done(0));
    req.once('timeout', () => req.destroy());
    req.end();
  });
}

/** CPU milliseconds a process has used so far (fields 14 and 15 of /proc/<pid>/stat). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / 100) * 1000;
}

function rss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]) * 1024;
}

/** Starts a process, polls /healthz every 2 ms until 200, reads its RSS when idle, stops it. */
async function timeOne(
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ ms: number; rss: number; cpu: number }> {
  const port = await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn(node, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${stderr}`);
      if ((await health(port)) === 200) break;
      if (performance.now() - started > 30_000) throw new Error(`no 200 in 30 s:\n${stderr}`);
      await new Promise((done) => setTimeout(done, 2));
    }
    const ms = performance.now() - started;
    const cpu = cpuMs(child.pid as number);
    await new Promise((done) => setTimeout(done, IDLE_MS));
    return { ms, cpu, rss: rss(child.pid as number) };
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Bundles the server into a folder laid out like the image (dist/, public/, package.json,
 * node_modules/): the repo's own dist/ may be in use by a developer's `npm start`.
 */
async function bundledServer(): Promise<{ dir: string; script: string; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'prism-console-startup-'));
  await buildServer(join(dir, 'dist'));
  cpSync(join(root, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(root, 'public'), join(dir, 'public'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return {
    dir,
    script: 'dist/src/server.js',
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Measures serve mode's start against a bare node:http server. `server`: a built server.js to
 * start instead of a fresh bundle (its folder must be laid out as the image is).
 */
export async function measureStartup(
  server?: string,
  nodeFlags: string[] = imageNodeFlags(),
): Promise<StartupFigures> {
  const target = server
    ? { dir: projectRoot(dirname(resolve(server))), script: resolve(server), cleanup() {} }
    : await bundledServer();
  // Valid production settings; nothing listens at these loopback addresses (port 9 is discard).
  const env = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PUBLIC_URL: 'http://127.0.0.1:8000',
    CONTROL_PLANE_URL: 'http://127.0.0.1:9',
    OIDC_ISSUER: 'http://127.0.0.1:9/oidc',
    OIDC_CLIENT_ID: 'prism-console',
    OIDC_CLIENT_SECRET: randomBytes(24).toString('base64url'),
    SESSION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
  };
  const consoleRuns: { ms: number; rss: number; cpu: number }[] = [];
  const bareRuns: { ms: number; rss: number; cpu: number }[] = [];
  const fastifyRuns: { ms: number; rss: number; cpu: number }[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'prism-console-fastify-alone-'));
  try {
    const fastify = await fastifyAlone(scratch);
    const fastifyEnv = { ...fastify.env, LOG_LEVEL: env.LOG_LEVEL };
    // Its first start fills its compile cache, as the console's first start does.
    await timeOne([fastify.script], scratch, fastifyEnv);
    for (let run = 0; run < RUNS; run++) {
      // As the Dockerfile's CMD starts it. A fresh bundle's first start fills the compile
      // cache, as the image build does; later ones use it, as every container does.
      consoleRuns.push(await timeOne([...nodeFlags, target.script], target.dir, env));
      bareRuns.push(await timeOne(['-e', BARE], target.dir, {}));
      fastifyRuns.push(await timeOne([fastify.script], scratch, fastifyEnv));
    }
  } finally {
    target.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  }
  const consoleMs = median(consoleRuns.map((r) => r.ms));
  const bareMs = median(bareRuns.map((r) => r.ms));
  return {
    consoleMs,
    bareMs,
    ratio: consoleMs / bareMs,
    consoleRss: median(consoleRuns.map((r) => r.rss)),
    bareRss: median(bareRuns.map((r) => r.rss)),
    consoleCpuMs: median(consoleRuns.map((r) => r.cpu)),
    bareCpuMs: median(bareRuns.map((r) => r.cpu)),
    fastifyMs: median(fastifyRuns.map((r) => r.ms)),
    fastifyRatio: median(fastifyRuns.map((r) => r.ms)) / bareMs,
  };
}

/** The figures as the bench prints them. */
export function formatStartup(figures: StartupFigures): string {
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const verdict = figures.ratio <= STARTUP_TARGET ? 'ok' : 'MISSED';
  return [
    `start-up to first 200 on /healthz (median of ${RUNS}, interleaved):`,
    `  console (serve mode)  ${figures.consoleMs.toFixed(0)} ms (CPU ${figures.consoleCpuMs.toFixed(0)} ms), idle RSS ${mib(figures.consoleRss)}`,
    `  bare node:http        ${figures.bareMs.toFixed(0)} ms (CPU ${figures.bareCpuMs.toFixed(0)} ms), idle RSS ${mib(figures.bareRss)}`,
    `  ratio                 ${figures.ratio.toFixed(2)}× (target ≤ ${STARTUP_TARGET}×) ${verdict}`,
    `  for reference: Fastify alone, one route, bundled the same way: ${figures.fastifyMs.toFixed(0)} ms, ${figures.fastifyRatio.toFixed(2)}× bare`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [server, ...flags] = process.argv.slice(2);
  const figures = await measureStartup(server, flags.length > 0 ? flags : undefined);
  process.stdout.write(`${formatStartup(figures)}\n`);
  if (figures.ratio > STARTUP_TARGET) process.exitCode = 1;
}
