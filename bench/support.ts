import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import {
  type DemoIdentityProvider,
  startIdentityProvider,
} from '../src/dev/identity-provider/index.js';
import { projectRoot } from '../src/project-root.js';
import { signInOverHttp } from '../test/sign-in.js';

/* What both benches start around the console: the identity provider, the control plane in a
 * process of its own (as prism-admin runs apart in production), and a signed-in admin. */

export const CLIENT_ID = 'prism-console';

/** The demo identity provider with the console at `base` as its client (hour-long tokens). */
export async function startBenchIdentityProvider(
  base: string,
): Promise<{ identityProvider: DemoIdentityProvider; clientSecret: string }> {
  const clientSecret = randomBytes(24).toString('base64url');
  const identityProvider = await startIdentityProvider({
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret,
        redirectUris: [`${base}/auth/callback`],
        postLogoutRedirectUris: [`${base}/auth/signed-out`],
      },
    ],
    accessTokenTtlSeconds: 3600,
  });
  return { identityProvider, clientSecret };
}

/**
 * bench/control-plane.ts in a child process started with `node` and `nodeArgs` (the tsx loader,
 * and --cpu-prof when profiling); resolves with its URL once it prints it.
 */
export async function startControlPlaneProcess(
  auth: { issuer: string; jwksUri: string },
  node: string,
  nodeArgs: string[],
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(node, [...nodeArgs, 'bench/control-plane.ts'], {
    cwd: projectRoot(),
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_ISSUER: auth.issuer, BENCH_JWKS_URI: auth.jwksUri },
  });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`control plane exited with ${code} before it was ready`);
  });
  const firstLine = (async () => {
    if (!child.stdout) throw new Error('no stdout');
    for await (const line of createInterface({ input: child.stdout })) {
      return (JSON.parse(line) as { url: string }).url;
    }
    throw new Error('control plane printed nothing');
  })();
  const url = await Promise.race([firstLine, exited]);
  return { url, child };
}

/** Signs the admin in through the demo identity provider; returns the session cookie. */
export const signInAdmin = (base: string) => signInOverHttp(base, 'admin', 'admin-pass');
