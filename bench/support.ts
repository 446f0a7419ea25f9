import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { imageNodeFlags } from '../scripts/image-node-flags.js';
import {
  type DemoIdentityProvider,
  startIdentityProvider,
} from '../src/dev/identity-provider/index.js';
import { projectRoot } from '../src/project-root.js';
import { freePort } from '../test/helper.js';
import { signInOverHttp } from '../test/sign-in.js';
import { asker } from './proc.js';

/* What the benches start around the console: the identity provider here, and the control
 * plane, the console and the minimal server each in a process of its own (as prism-admin runs
 * apart in production), with a signed-in admin. */

export const CLIENT_ID = 'prism-console';
export const SERVICE_CLIENT_ID = 'prism-console-service';

/**
 * The demo identity provider with the console at `base` as its client (hour-long tokens), and
 * the console's service client (read-only) for its one Watch and its shared reads.
 */
export async function startBenchIdentityProvider(base: string): Promise<{
  identityProvider: DemoIdentityProvider;
  clientSecret: string;
  serviceClientSecret: string;
}> {
  const clientSecret = randomBytes(24).toString('base64url');
  const serviceClientSecret = randomBytes(24).toString('base64url');
  const identityProvider = await startIdentityProvider({
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret,
        redirectUris: [`${base}/auth/callback`],
        postLogoutRedirectUris: [`${base}/auth/signed-out`],
      },
    ],
    serviceClients: [
      {
        clientId: SERVICE_CLIENT_ID,
        clientSecret: serviceClientSecret,
        groups: ['prism-viewers'],
      },
    ],
    accessTokenTtlSeconds: 3600,
  });
  return { identityProvider, clientSecret, serviceClientSecret };
}

export interface Child {
  url: string;
  child: ChildProcess;
  /** A request over the child's IPC channel (see proc.ts). */
  ask: <T>(type: string, args?: Record<string, unknown>) => Promise<T>;
  stop(): Promise<void>;
}

/**
 * `command` (a program and its arguments) run in `cgroup` (a cgroup v1 folder) from its first
 * instruction, since V8 sizes its heap from the memory it may use: a shell moves itself in, then
 * becomes the program, with the same pid. Without a cgroup, `command` as it is.
 */
export function inCgroup(cgroup: string | undefined, command: string[]): string[] {
  if (!cgroup) return command;
  return ['sh', '-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', cgroup, ...command];
}

/**
 * A bench script in a child process started with `node` and `nodeArgs` (the tsx loader, and
 * --cpu-prof when profiling) and an IPC channel; resolves with its URL once it prints it.
 */
export async function startChild(
  script: string,
  node: string,
  nodeArgs: string[],
  env: Record<string, string | undefined>,
  cgroup?: string,
): Promise<Child> {
  const [file, ...args] = inCgroup(cgroup, [node, ...nodeArgs, script]);
  const child = spawn(file as string, args, {
    cwd: projectRoot(),
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    serialization: 'advanced',
    env,
  });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`${script} exited with ${code} before it was ready`);
  });
  const firstLine = (async () => {
    if (!child.stdout) throw new Error('no stdout');
    for await (const line of createInterface({ input: child.stdout })) {
      return (JSON.parse(line) as { url: string }).url;
    }
    throw new Error(`${script} printed nothing`);
  })();
  const url = await Promise.race([firstLine, exited]);
  // Anything printed later (a warning) is not a URL: pass it on.
  child.stdout?.pipe(process.stderr);
  return {
    url,
    child,
    ask: asker(child),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** bench/control-plane.ts in a child process; resolves once it prints its URL. */
export function startControlPlaneProcess(
  auth: { issuer: string; jwksUri: string },
  node: string,
  nodeArgs: string[],
): Promise<Child> {
  return startChild('bench/control-plane.ts', node, nodeArgs, {
    ...process.env,
    BENCH_ISSUER: auth.issuer,
    BENCH_JWKS_URI: auth.jwksUri,
  });
}

/** Signs the admin in through the demo identity provider; returns the session cookie. */
export const signInAdmin = (base: string) => signInOverHttp(base, 'admin', 'admin-pass');

export interface BenchStack {
  identityProvider: DemoIdentityProvider;
  controlPlane: Child;
  console: Child;
  /** The admin's session cookie at the console. */
  cookie: string;
  /** Starts another bench script with the same node flags. */
  startChild(script: string, env: Record<string, string>): Promise<Child>;
  stop(): Promise<void>;
}

/**
 * The console's node flags: the image's (the heap's bounds, Dockerfile), or BENCH_NODE_FLAGS
 * when set (space-separated; `none` for V8's own sizing), to compare.
 */
function consoleNodeFlags(): string[] {
  const flags = process.env.BENCH_NODE_FLAGS?.trim();
  if (!flags) return imageNodeFlags();
  return flags === 'none' ? [] : flags.split(/\s+/);
}

/** How the console runs in this bench, for its output: node flags, and cgroup with its limit. */
export function consoleProcessSetting(): string {
  const flags = consoleNodeFlags();
  const cgroup = process.env.BENCH_CGROUP;
  const limit = cgroup
    ? `, in ${cgroup} (limit ${Number(readFileSync(join(cgroup, 'memory.limit_in_bytes'), 'utf8')) / 2 ** 20} MiB)`
    : '';
  return `node flags ${flags.length > 0 ? flags.join(' ') : '(none: V8 sizes its heap)'}${limit}`;
}

/**
 * The identity provider, the control plane (simulator paused) and the console with its service
 * client, with the admin signed in. Children get this process's node flags (tsx's loader, and
 * --cpu-prof when profiling); the console also consoleNodeFlags(), and runs in the cgroup
 * BENCH_CGROUP names when set (a cgroup v1 memory folder with its limit already written, e.g.
 * /sys/fs/cgroup/memory/prism at 256 MiB: the Deployment's limit, as the container runs it).
 */
export async function startBenchStack(): Promise<BenchStack> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const { identityProvider, clientSecret, serviceClientSecret } =
    await startBenchIdentityProvider(base);
  const children: Child[] = [];
  const start = async (
    script: string,
    env: Record<string, string | undefined>,
    nodeFlags: string[] = [],
    cgroup?: string,
  ) => {
    const child = await startChild(
      script,
      process.execPath,
      [...nodeFlags, ...process.execArgv],
      env,
      cgroup,
    );
    children.push(child);
    return child;
  };
  try {
    const controlPlane = await start('bench/control-plane.ts', {
      ...process.env,
      BENCH_ISSUER: identityProvider.issuer,
      BENCH_JWKS_URI: identityProvider.jwksUri,
    });
    // With the image's node flags (the heap's bounds), as production runs it.
    const console = await start(
      'bench/console.ts',
      {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        CONTROL_PLANE_URL: controlPlane.url,
        LOG_LEVEL: 'silent',
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_URL: base,
        OIDC_ISSUER: identityProvider.issuer,
        OIDC_CLIENT_ID: CLIENT_ID,
        OIDC_CLIENT_SECRET: clientSecret,
        SERVICE_CLIENT_ID: SERVICE_CLIENT_ID,
        SERVICE_CLIENT_SECRET: serviceClientSecret,
        SESSION_KEY: randomBytes(32).toString('base64'),
        // The live part's thousands of streams share a few sessions (BENCH_STREAM_SESSIONS).
        LIVE_STREAMS_PER_SESSION: '10000',
      },
      consoleNodeFlags(),
      process.env.BENCH_CGROUP || undefined,
    );
    const cookie = await signInAdmin(base);
    return {
      identityProvider,
      controlPlane,
      console,
      cookie,
      startChild: (script, env) => start(script, { PATH: process.env.PATH, ...env }),
      async stop() {
        for (const child of children.reverse()) await child.stop();
        await identityProvider.stop();
      },
    };
  } catch (error) {
    for (const child of children.reverse()) await child.stop();
    await identityProvider.stop();
    throw error;
  }
}
