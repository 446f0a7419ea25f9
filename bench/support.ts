import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
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
 * A bench script in a child process started with `node` and `nodeArgs` (the tsx loader, and
 * --cpu-prof when profiling) and an IPC channel; resolves with its URL once it prints it.
 */
export async function startChild(
  script: string,
  node: string,
  nodeArgs: string[],
  env: Record<string, string | undefined>,
): Promise<Child> {
  const child = spawn(node, [...nodeArgs, script], {
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
 * The identity provider, the control plane (simulator paused) and the console with its service
 * client, with the admin signed in. Children get this process's node flags (tsx's loader, and
 * --cpu-prof when profiling); the console also the image's (the heap's bounds, Dockerfile).
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
  ) => {
    const child = await startChild(
      script,
      process.execPath,
      [...nodeFlags, ...process.execArgv],
      env,
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
      },
      imageNodeFlags(),
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
