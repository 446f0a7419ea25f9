/**
 * The server bundle (scripts/build-server.ts) as serve mode runs it: no demo code inside, it
 * starts and answers /healthz without reaching the control plane, the identity provider or
 * Redis, with or without a writable compile cache; it keeps V8's code of its start and takes it
 * at the next; it uses Redis when configured; and stack traces still name src/ files.
 * production.test.ts runs the same bundle against real companions after `npm ci --omit=dev`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltServer, buildServer } from '../../scripts/build-server.js';
import { imageNodeFlags } from '../../scripts/image-node-flags.js';
import { projectRoot } from '../../src/project-root.js';
import { freePort } from '../helper.js';
import { startRedisServer } from '../sessions/redis-server.js';

const root = projectRoot();
/** Node 24 of the project, as in the image; the machine's own node may be older. */
const node = join(root, 'node_modules', '.bin', 'node');

/** Files under a folder, recursively; none when it does not exist. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * Starts serve mode as the Dockerfile's CMD does, configured as in production but pointed at a
 * control plane and an identity provider that do not answer (port 9 on loopback), no Redis;
 * resolves once /healthz answers 200, and with the process.
 */
async function startServe(dir: string, extraEnv: Record<string, string> = {}) {
  const port = await freePort();
  return start(dir, [...imageNodeFlags(), 'dist/src/server.js'], port, {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    CONTROL_PLANE_URL: 'http://127.0.0.1:9',
    OIDC_ISSUER: 'http://127.0.0.1:9/oidc',
    OIDC_CLIENT_ID: 'prism-console',
    OIDC_CLIENT_SECRET: randomBytes(24).toString('base64url'),
    SESSION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    SHUTDOWN_GRACE_MS: '0',
    ...extraEnv,
  });
}

/** Starts `node args` in `dir`; resolves once /healthz on `port` answers 200. */
async function start(dir: string, args: string[], port: number, env: Record<string, string>) {
  const child: ChildProcess = spawn(node, args, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited:\n${output}`);
    const status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200) {
      return {
        child,
        stop,
        output: () => output,
        url: (path: string) => `http://127.0.0.1:${port}${path}`,
      };
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`no 200 on /healthz in 20 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the server bundle', () => {
  let dir: string;
  let built: BuiltServer;

  beforeAll(async () => {
    // Laid out as the image is: dist/, public/, package.json and node_modules side by side.
    dir = mkdtempSync(join(tmpdir(), 'prism-console-bundle-'));
    built = await buildServer(join(dir, 'dist'));
    cpSync(join(root, 'package.json'), join(dir, 'package.json'));
    symlinkSync(join(root, 'public'), join(dir, 'public'));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  }, 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds no demo code in serve mode: no src/dev, no identity provider', () => {
    expect(built.serveInputs).toContain('src/serve.ts');
    expect(built.serveInputs).toContain('src/app.ts');
    expect(built.serveInputs.filter((file) => file.startsWith('src/dev/'))).toEqual([]);
    expect(built.serveInputs.filter((file) => file.startsWith('test/'))).toEqual([]);
    expect(
      built.serveInputs.filter((file) => /node_modules\/(oidc-provider|koa)\//.test(file)),
    ).toEqual([]);
    // `npm start` loads serve mode's own bundle after the companions, not a copy of it.
    const demo = readFileSync(built.demo, 'utf8');
    expect(demo).toContain('import("../server.js")');
    expect(demo).not.toContain('refusing to start');
  });

  it('starts as the image does and answers /healthz with nothing else reachable', async () => {
    const cache = join(dir, 'dist', '.compile-cache');
    const kept = () => filesUnder(cache).filter((file) => /console-[^/]*\.v8$/.test(file));
    const server = await startServe(dir);
    // What the start compiled is kept once it listens, for the next start (the image makes it
    // at build time).
    await server.stop();
    const [code] = kept();
    expect(code).toBeDefined();
    const modified = statSync(code as string).mtimeMs;
    // The next start is given that code and takes it: turned down, it would be written again.
    const again = await startServe(dir);
    await again.stop();
    expect(kept()).toEqual([code]);
    expect(statSync(code as string).mtimeMs).toBe(modified);
  }, 30_000);

  it('names src/ files and lines in the stack traces it makes', async () => {
    // A stack trace made while serve.ts's shutdown calls process.exit().
    const probe = `process.on('exit', () => process.stderr.write('probe: ' + new Error('probe').stack + '\\n'));`;
    const server = await startServe(dir, {
      NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(probe)}`,
    });
    await server.stop();
    expect(server.output()).toMatch(/at [^\n]*src\/serve\.ts:\d+:\d+/);
  }, 30_000);

  it('loads no fetch (undici) to start and answer /healthz: it costs ~35 ms of CPU', async () => {
    // Reported by the process itself as it exits (after its first answers and a clean stop).
    const report = `process.on('exit', () => process.stderr.write('undici loaded: ' + process.moduleLoadList.some((m) => m.includes('undici')) + '\\n'));`;
    const server = await startServe(dir, {
      NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(report)}`,
    });
    await fetch(server.url('/healthz'));
    await server.stop();
    expect(server.output()).toContain('undici loaded: false');
  }, 30_000);

  it("loads sodium-native's addon straight from its prebuild, without require-addon's resolver", async () => {
    // The files Node's CommonJS loader loaded, as the process exits.
    const report = `process.on('exit', () => process.stderr.write('loaded: ' + JSON.stringify(Object.keys(process.getBuiltinModule('node:module')._cache)) + '\\n'));`;
    const server = await startServe(dir, {
      NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(report)}`,
    });
    await server.stop();
    const loaded = JSON.parse(/loaded: (.*)/.exec(server.output())?.[1] ?? '[]') as string[];
    expect(loaded).toContain(
      join(
        root,
        'node_modules',
        'sodium-native',
        'prebuilds',
        `${process.platform}-${process.arch}`,
        'sodium-native.node',
      ),
    );
    expect(loaded.filter((file) => /require-addon|bare-addon-resolve/.test(file))).toEqual([]);
  }, 30_000);

  it('keeps sessions in Redis: its client, inside the bundle, is loaded when REDIS_URL is set', async () => {
    const redis = await startRedisServer();
    const probe = createClient({ url: redis.url });
    try {
      const server = await startServe(dir, { REDIS_URL: redis.url });
      await probe.connect();
      // The console's own connections (commands, and its subscription to session changes).
      const clients = (await probe.sendCommand(['CLIENT', 'LIST'])) as string;
      await server.stop();
      expect(clients.trim().split('\n').length).toBeGreaterThan(1);
    } finally {
      await probe.close().catch(() => {});
      await redis.stop();
    }
  }, 30_000);

  it('starts when the compile cache cannot be written (a read-only filesystem)', async () => {
    // A folder under a file can never be made, whoever runs the test (root included).
    const server = await startServe(dir, {
      NODE_COMPILE_CACHE: join(dir, 'package.json', 'compile-cache'),
    });
    await server.stop();
    expect(server.output()).not.toMatch(/ENOTDIR|compile.?cache/i);
  }, 30_000);

  it('starts `npm start`: the demo companions, then serve mode from its own bundle', async () => {
    const [port, identityProvider, controlPlane] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const demo = await start(dir, ['--enable-source-maps', 'dist/src/dev/demo.js'], port, {
      HOST: '127.0.0.1',
      DEMO_IDENTITY_PROVIDER_PORT: String(identityProvider),
      DEMO_CONTROL_PLANE_PORT: String(controlPlane),
      SHUTDOWN_GRACE_MS: '0',
    });
    try {
      // Ready: configured for the companions, and the control plane answers.
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      expect(demo.output()).toContain(`http://127.0.0.1:${controlPlane}`);
    } finally {
      await demo.stop();
    }
  }, 30_000);

  it('maps stack traces to our src/ files, and only those', () => {
    const payload = JSON.parse(readFileSync(`${built.bundle}.map`, 'utf8')) as SourceMapPayload;
    expect(payload.sources.filter((source) => source.includes('node_modules/'))).toEqual([]);
    // Every source a frame can be mapped to is a file of ours (none esbuild made up, whose
    // name is no file URL: mapping a frame in one threw from Error.prepareStackTrace).
    const missing = payload.sources.filter(
      (source) => !existsSync(fileURLToPath(new URL(source, pathToFileURL(built.bundle)))),
    );
    expect(missing).toEqual([]);
    const map = new SourceMap(payload);
    const lines = readFileSync(built.bundle, 'utf8').split('\n');
    const line = lines.findIndex((text) => text.includes('refusing to start'));
    expect(line).toBeGreaterThan(0);
    const column = (lines[line] ?? '').indexOf('refusing to start');
    const entry = map.findEntry(line, column);
    expect('originalSource' in entry && entry.originalSource).toMatch(/src\/serve\.ts$/);
  });
});
