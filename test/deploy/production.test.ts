/**
 * The production image's steps, outside Docker (no engine runs here): bundle into dist/ (as
 * `npm run build` does), take the built public/ assets, install production dependencies only
 * into a fresh folder, make V8's code for the bundle (`--fill-compile-cache`, as the image
 * does), then start `node dist/src/server.js` as the Dockerfile's CMD does. It
 * proves that what the bundle leaves in node_modules is a production dependency (the build
 * itself refuses to bundle a development one), that serve mode finds its assets from dist/, and
 * that it refuses to start without its configuration.
 */

import { type ChildProcess, type ExecFileOptions, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../scripts/build-server.js';
import { imageNodeFlags } from '../../scripts/image-node-flags.js';
import { type DemoControlPlane, startControlPlane } from '../../src/dev/control-plane/index.js';
import {
  type DemoIdentityProvider,
  startIdentityProvider,
} from '../../src/dev/identity-provider/index.js';
import { projectRoot } from '../../src/project-root.js';
import { freePort } from '../helper.js';
import {
  type CookieJar,
  cookieHeader,
  signInAtIdentityProvider,
  storeCookies,
} from '../sign-in.js';

const execFileAsync = promisify(execFile);

/** Runs a build step; a failure carries the step's own output (tsc reports on stdout). */
async function run(file: string, args: string[], options: ExecFileOptions) {
  try {
    return await execFileAsync(file, args, { ...options, encoding: 'utf8' });
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}
const root = projectRoot();
/** Node 24 of the project, as in the image; the machine's own node may be older. */
const node = join(root, 'node_modules', '.bin', 'node');

/** The child's whole environment: nothing leaks in from the test runner or from npm. */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  // How this machine reaches the registry (a proxy, a CA it must trust) is the machine's, not
  // the project's: `npm ci` needs it as the image build has its own.
  for (const name of [
    'HOME',
    'NODE_EXTRA_CA_CERTS',
    'HTTPS_PROXY',
    'HTTP_PROXY',
    'NO_PROXY',
    'https_proxy',
    'http_proxy',
    'no_proxy',
  ]) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  return { ...env, ...extra };
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(dir: string, env: Record<string, string>): Started {
  const child = spawn(node, [...imageNodeFlags(), 'dist/src/server.js'], {
    cwd: dir,
    env: cleanEnv({ NODE_ENV: 'production', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output: () => output, exited };
}

async function waitForHealth(baseUrl: string, server: Started, timeoutMs = 20_000) {
  let exitCode: number | null | undefined;
  void server.exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`server exited with ${exitCode}:\n${server.output()}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server did not become healthy in ${timeoutMs} ms:\n${server.output()}`);
}

describe('production build (the Dockerfile steps, without Docker)', () => {
  let dir: string;
  let controlPlane: DemoControlPlane;
  let identityProvider: DemoIdentityProvider;
  let server: Started;
  let baseUrl: string;
  /** V8's code for the bundle, as the image's build step left it. */
  let code: { file: string; modified: number };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prism-console-prod-'));
    // Build stage: bundle into the image folder (not the repo's dist/, which other tests and
    // a developer's `npm start` may be using), and take the hashed assets `npm test` built.
    const compiled = buildServer(join(dir, 'dist'));
    if (!existsSync(join(root, 'public', 'assets', 'manifest.json'))) {
      await run(node, [join(root, 'node_modules', '.bin', 'tsx'), 'scripts/build-assets.ts'], {
        cwd: root,
      });
    }
    cpSync(join(root, 'public'), join(dir, 'public'), { recursive: true });
    cpSync(join(root, 'package.json'), join(dir, 'package.json'));
    cpSync(join(root, 'package-lock.json'), join(dir, 'package-lock.json'));

    // Runtime stage: production dependencies only, exactly as locked.
    const installed = run(
      'npm',
      ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
      {
        cwd: dir,
        env: cleanEnv({ npm_config_update_notifier: 'false' }),
        timeout: 180_000,
      },
    );
    await Promise.all([compiled, installed]);

    // The image's compile-cache step, with the runtime stage's environment (nothing else set).
    await run(node, [...imageNodeFlags(), 'dist/src/server.js', '--fill-compile-cache'], {
      cwd: dir,
      env: cleanEnv({ NODE_ENV: 'production', HOST: '0.0.0.0', PORT: '8000' }),
    });
    const cacheDir = join(dir, 'dist', '.compile-cache');
    const name = readdirSync(cacheDir).find((entry) => /^console-.*\.v8$/.test(entry));
    if (!name) throw new Error(`--fill-compile-cache left no code in ${cacheDir}`);
    code = { file: join(cacheDir, name), modified: statSync(join(cacheDir, name)).mtimeMs };

    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const clientSecret = randomBytes(24).toString('base64url');
    identityProvider = await startIdentityProvider({
      clients: [
        {
          clientId: 'prism-console',
          clientSecret,
          redirectUris: [`${baseUrl}/auth/callback`],
          postLogoutRedirectUris: [`${baseUrl}/auth/signed-out`],
        },
      ],
    });
    controlPlane = await startControlPlane({
      simulate: false,
      auth: {
        issuer: identityProvider.issuer,
        audience: 'prism-admin',
        jwks: new URL(identityProvider.jwksUri),
      },
    });
    server = start(dir, {
      CONTROL_PLANE_URL: controlPlane.url,
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: baseUrl,
      OIDC_ISSUER: identityProvider.issuer,
      OIDC_CLIENT_ID: 'prism-console',
      OIDC_CLIENT_SECRET: clientSecret,
      SESSION_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_MS: '0',
    });
    await waitForHealth(baseUrl, server);
  }, 240_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await controlPlane?.stop();
    await identityProvider?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("made V8's code for the bundle at build time, and the start took it as it was", () => {
    // Kept code that V8 turned down would be written again by the start: it was not.
    expect(statSync(code.file).mtimeMs).toBe(code.modified);
    expect(statSync(code.file).size).toBeGreaterThan(1_000_000);
  });

  it('installed no development dependency', () => {
    expect(existsSync(join(dir, 'node_modules', 'fastify'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules', 'vitest'))).toBe(false);
    expect(existsSync(join(dir, 'node_modules', 'typescript'))).toBe(false);
  });

  it('is alive and ready against a real control plane', async () => {
    const health = await fetch(`${baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });

  it('signs in through the identity provider and renders the dashboard with hashed assets', async () => {
    const jar: CookieJar = new Map();
    const start = await fetch(`${baseUrl}/auth/sign-in?return=/`, { redirect: 'manual' });
    storeCookies(jar, start);
    const callback = await signInAtIdentityProvider(
      String(start.headers.get('location')),
      'viewer',
      'viewer-pass',
      `${baseUrl}/auth/callback`,
    );
    const signedIn = await fetch(callback, {
      headers: { cookie: cookieHeader(jar) },
      redirect: 'manual',
    });
    expect(signedIn.status).toBe(200);
    storeCookies(jar, signedIn);
    const res = await fetch(`${baseUrl}/`, { headers: { cookie: cookieHeader(jar) } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const window = new Window();
    const document = window.document;
    document.write(await res.text());

    // The page shows the control plane's data, not "Unavailable".
    const namespaces = document.querySelector('[data-testid="namespaces"]');
    expect(namespaces?.textContent).toMatch(/\d/);
    expect(namespaces?.textContent).not.toContain('Unavailable');

    const manifest = JSON.parse(
      readFileSync(join(dir, 'public', 'assets', 'manifest.json'), 'utf8'),
    ) as Record<string, string>;
    const css = document.querySelector('link[rel="stylesheet"]')?.getAttribute('href');
    const script = document.querySelector('script[src]')?.getAttribute('src');
    expect(css).toBe(`/assets/${manifest['app.css']}`);
    expect(script).toBe(`/assets/${manifest['app.js']}`);
    await window.happyDOM.close();

    for (const [href, type] of [
      [css, /^text\/css/],
      [script, /javascript/],
    ] as const) {
      const asset = await fetch(`${baseUrl}${href}`);
      expect(asset.status, String(href)).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(type);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const body = Buffer.from(await asset.arrayBuffer());
      expect(body.equals(readFileSync(join(dir, 'public', String(href))))).toBe(true);
    }
  });

  it('refuses to start without its configuration, naming each missing setting', async () => {
    const port = await freePort();
    const refused = start(dir, { HOST: '127.0.0.1', PORT: String(port) });
    const code = await Promise.race([
      refused.exited,
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000)),
    ]);
    if (code === 'timeout') refused.child.kill('SIGKILL');
    expect(code).not.toBe('timeout');
    expect(code).not.toBe(0);
    expect(refused.output()).toContain('refusing to start');
    for (const name of [
      'CONTROL_PLANE_URL',
      'PUBLIC_URL',
      'OIDC_ISSUER',
      'OIDC_CLIENT_ID',
      'OIDC_CLIENT_SECRET',
      'SESSION_KEY',
    ]) {
      expect(refused.output()).toMatch(new RegExp(`${name}: is required`));
    }
  });
});
