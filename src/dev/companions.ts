/**
 * The demo's two companions on loopback — the demo control plane (in-memory AdminService with a
 * traffic simulator, checking tokens and roles) and the demo identity provider (OIDC, one user
 * per role) — and the console configuration that uses them. Started by `npm start` (demo.ts)
 * and `npm run dev` (dev.ts), never by `serve` mode.
 */
import { randomBytes } from 'node:crypto';
import { type DemoControlPlane, startControlPlane } from './control-plane/index.js';
import {
  DEMO_USERS,
  type DemoIdentityProvider,
  startIdentityProvider,
} from './identity-provider/index.js';

export interface DemoCompanions {
  controlPlane: DemoControlPlane;
  identityProvider: DemoIdentityProvider;
  /** The console's environment: where the companions are, its client and a session key. */
  env: Record<string, string>;
  publicUrl: string;
  /** What the demo prints first: where everything is and who to sign in as. */
  banner(extra?: string[]): string;
  stop(): Promise<void>;
}

export async function startDemoCompanions(): Promise<DemoCompanions> {
  const host = process.env.HOST ?? '127.0.0.1';
  const port = Number(process.env.PORT ?? 8000);
  // The identity provider answers on "localhost", the console on 127.0.0.1: two sites, so the
  // return from sign-in is cross-site as it is with a real identity provider.
  const publicUrl = process.env.PUBLIC_URL ?? `http://${host}:${port}`;
  const clientId = 'prism-console';
  const clientSecret = randomBytes(24).toString('base64url');
  // The console's own identity: one Watch per replica, and reads shared between operators. Read
  // only (a viewer group), so nothing it does can change the control plane.
  const serviceClientId = 'prism-console-service';
  const serviceClientSecret = randomBytes(24).toString('base64url');

  const identityProvider = await startIdentityProvider({
    hostname: 'localhost',
    port: Number(process.env.DEMO_IDENTITY_PROVIDER_PORT ?? 8982),
    clients: [
      {
        clientId,
        clientSecret,
        name: 'Prism Console (demo)',
        redirectUris: [`${publicUrl}/auth/callback`],
        postLogoutRedirectUris: [`${publicUrl}/auth/signed-out`],
      },
    ],
    serviceClients: [
      { clientId: serviceClientId, clientSecret: serviceClientSecret, groups: ['prism-viewers'] },
    ],
  });
  const controlPlane = await startControlPlane({
    host: '127.0.0.1',
    port: Number(process.env.DEMO_CONTROL_PLANE_PORT ?? 8981),
    auth: {
      issuer: identityProvider.issuer,
      audience: 'prism-admin',
      jwks: new URL(identityProvider.jwksUri),
    },
  });

  const env = {
    // The banner is what a newcomer reads: no JSON line per request over it. Warnings and
    // errors still show; LOG_LEVEL=info brings the request log back.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    HOST: host,
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    CONTROL_PLANE_URL: controlPlane.url,
    OIDC_ISSUER: identityProvider.issuer,
    OIDC_CLIENT_ID: clientId,
    OIDC_CLIENT_SECRET: clientSecret,
    SERVICE_CLIENT_ID: serviceClientId,
    SERVICE_CLIENT_SECRET: serviceClientSecret,
    // A new key each start of the demo: its sessions do not outlive it.
    SESSION_KEY: process.env.SESSION_KEY ?? randomBytes(32).toString('base64'),
  };

  const banner = (extra: string[] = []) =>
    [
      '',
      'Prism Web Console — demo',
      `  console:            ${publicUrl}`,
      `  control plane:      ${controlPlane.url} (demo, in memory, simulated traffic)`,
      `  identity provider:  ${identityProvider.issuer} (demo)`,
      `  console's identity: ${serviceClientId} (client credentials, viewer: live updates)`,
      '  sign in as:',
      ...DEMO_USERS.map(
        (u) =>
          `    ${u.username.padEnd(9)} password ${u.password.padEnd(14)} (${u.groups.join(', ')})`,
      ),
      `  logs:               ${env.LOG_LEVEL} and above (LOG_LEVEL=info for every request)`,
      ...extra,
      '',
      '',
    ].join('\n');

  return {
    controlPlane,
    identityProvider,
    env,
    publicUrl,
    banner,
    async stop() {
      await Promise.allSettled([controlPlane.stop(), identityProvider.stop()]);
    },
  };
}
