import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { AdminService } from '../../src/gen/prism/admin/v1/admin_service_pb.js';
import {
  type ControlPlaneTransport,
  createControlPlaneTransport,
} from '../../src/plugins/control-plane.js';

// TLS and mTLS to the control plane against a real HTTP/2 TLS server answering gRPC
// (connectNodeAdapter) that requires a client certificate from its CA. Certificates are made
// here with openssl: two CAs, each with a server certificate for `prism-admin.internal` (not
// the address connected to: CONTROL_PLANE_SERVER_NAME names it) and a client certificate.

const SERVER_NAME = 'prism-admin.internal';

interface Pki {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

let work: string;
/** Lets the Watch streams of the test control plane send their second batch. */
const releases: (() => void)[] = [];

function openssl(...args: string[]) {
  execFileSync('openssl', args, { cwd: work, stdio: 'pipe' });
}

/** A throwaway CA with a server and a client certificate, PEM files under `work/name/`. */
function makePki(name: string): Record<keyof Pki, string> {
  const dir = join(work, name);
  mkdirSync(dir);
  const file = (f: string) => join(dir, f);
  const key = (f: string) =>
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file(f));
  key('ca.key');
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    file('ca.key'),
    '-subj',
    `/CN=test CA ${name}`,
    '-days',
    '1',
    '-out',
    file('ca.crt'),
  );
  const issue = (who: string, ext: string) => {
    key(`${who}.key`);
    openssl(
      'req',
      '-new',
      '-key',
      file(`${who}.key`),
      '-subj',
      `/CN=${who}`,
      '-out',
      file(`${who}.csr`),
    );
    const extFile = file(`${who}.ext`);
    execFileSync('sh', ['-c', `printf '%s\\n' "$1" > "$2"`, 'sh', ext, extFile]);
    openssl(
      'x509',
      '-req',
      '-in',
      file(`${who}.csr`),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      extFile,
      '-out',
      file(`${who}.crt`),
    );
  };
  issue('server', `subjectAltName=DNS:${SERVER_NAME}\nextendedKeyUsage=serverAuth`);
  issue('client', 'extendedKeyUsage=clientAuth');
  return {
    ca: file('ca.crt'),
    serverCert: file('server.crt'),
    serverKey: file('server.key'),
    clientCert: file('client.crt'),
    clientKey: file('client.key'),
  };
}

const read = (path: string) => readFileSync(path, 'utf8');

interface TlsControlPlane {
  url: string;
  /** Client certificates the server saw on calls, by common name of their issuer. */
  callers: string[];
  /** New handshakes use this CA's certificates (and trust only its clients). */
  use(pki: Pki): void;
  /** Ends every connection, so the next call connects again. */
  dropConnections(): void;
  close(): Promise<void>;
}

async function startTlsControlPlane(pki: Pki): Promise<TlsControlPlane> {
  const callers: string[] = [];
  const sessions = new Set<http2.ServerHttp2Session>();
  const handler = connectNodeAdapter({
    routes: (router) =>
      router.service(AdminService, {
        getClusterStatus(_req, ctx) {
          callers.push(ctx.requestHeader.get('x-request-id') ?? 'call');
          return { leaderId: 'node-1', term: 7n };
        },
        // One batch, then another once the test releases it.
        async *watch() {
          yield {};
          await new Promise<void>((resolve) => releases.push(resolve));
          yield {};
        },
      }),
  });
  const contextOf = (p: Pki) => ({
    ca: read(p.ca),
    cert: read(p.serverCert),
    key: read(p.serverKey),
  });
  const server = http2.createSecureServer(
    { ...contextOf(pki), requestCert: true, rejectUnauthorized: true },
    handler,
  );
  server.on('session', (session) => {
    sessions.add(session);
    session.on('error', () => {});
    session.once('close', () => sessions.delete(session));
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    callers,
    use: (next) => server.setSecureContext(contextOf(next)),
    dropConnections() {
      for (const session of sessions) session.destroy();
    },
    async close() {
      for (const session of sessions) session.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * A folder laid out as Kubernetes mounts a Secret: ca.crt, tls.crt and tls.key are symlinks
 * into `..data`, itself a symlink to a timestamped folder, swapped atomically on an update.
 */
function mountSecret(pki: Pki, name: string): { dir: string; rotate(next: Pki): void } {
  const dir = join(work, name);
  mkdirSync(dir);
  let version = 0;
  const writeVersion = (p: Pki) => {
    const name = `..v${++version}`;
    mkdirSync(join(dir, name));
    for (const [from, to] of [
      [p.ca, 'ca.crt'],
      [p.clientCert, 'tls.crt'],
      [p.clientKey, 'tls.key'],
    ] as const) {
      execFileSync('cp', [from, join(dir, name, to)]);
    }
    return name;
  };
  symlinkSync(writeVersion(pki), join(dir, '..data'));
  for (const f of ['ca.crt', 'tls.crt', 'tls.key']) symlinkSync(join('..data', f), join(dir, f));
  return {
    dir,
    rotate(next) {
      const name = writeVersion(next);
      symlinkSync(name, join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    },
  };
}

let first: Pki;
let second: Pki;
let controlPlane: TlsControlPlane;
const transports: ControlPlaneTransport[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'prism-tls-'));
  first = makePki('first');
  second = makePki('second');
  controlPlane = await startTlsControlPlane(first);
});
afterAll(async () => {
  for (const transport of transports) transport.close();
  await controlPlane?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Ends the control plane's connections, and gives the clients a moment to see it. */
async function dropConnections() {
  controlPlane.dropConnections();
  await sleep(100);
}

function clientWith(tls: Parameters<typeof createControlPlaneTransport>[0]['tls']) {
  const transport = createControlPlaneTransport({
    url: controlPlane.url,
    timeoutMs: 2000,
    readRetries: 0,
    tls,
    tlsReloadDelayMs: 50,
  });
  transports.push(transport);
  return createClient(AdminService, transport);
}

describe('TLS to the control plane', () => {
  it('calls with the CA bundle, a client certificate and the server name', async () => {
    const client = clientWith({
      caFile: first.ca,
      certFile: first.clientCert,
      keyFile: first.clientKey,
      serverName: SERVER_NAME,
    });
    const status = await client.getClusterStatus({});
    expect(status.leaderId).toBe('node-1');
  });

  it('is refused by a server requiring a client certificate when it has none', async () => {
    const client = clientWith({ caFile: first.ca, serverName: SERVER_NAME });
    await expect(client.getClusterStatus({})).rejects.toThrow(/certificate required/i);
    expect(controlPlane.callers).toHaveLength(1);
  });

  it('does not trust the server without the CA, nor under a name its certificate lacks', async () => {
    const noCa = clientWith({ certFile: first.clientCert, keyFile: first.clientKey });
    await expect(noCa.getClusterStatus({})).rejects.toThrow(/self-signed certificate/i);
    const wrongName = clientWith({
      caFile: first.ca,
      certFile: first.clientCert,
      keyFile: first.clientKey,
    });
    // Connected to 127.0.0.1, but the certificate is for prism-admin.internal only.
    await expect(wrongName.getClusterStatus({})).rejects.toThrow(/IP: 127\.0\.0\.1 is not in/);
  });

  it('picks up rotated files (a swapped Secret) for new connections, without a restart', async () => {
    const secret = mountSecret(first, 'secret');
    const client = clientWith({
      caFile: join(secret.dir, 'ca.crt'),
      certFile: join(secret.dir, 'tls.crt'),
      keyFile: join(secret.dir, 'tls.key'),
      serverName: SERVER_NAME,
    });
    await client.getClusterStatus({});

    // The control plane moves to the second CA; the console's old files no longer do.
    controlPlane.use(second);
    await dropConnections();
    await expect(client.getClusterStatus({})).rejects.toThrow(/certificate/i);

    secret.rotate(second);
    let answered = false;
    for (let i = 0; i < 50 && !answered; i++) {
      await sleep(50);
      answered = await client.getClusterStatus({}).then(
        () => true,
        () => false,
      );
    }
    expect(answered).toBe(true);
    controlPlane.use(first);
    await dropConnections();
  });

  it('finishes a call in flight on its connection while new connections use the new files', async () => {
    const secret = mountSecret(first, 'secret-in-flight');
    const client = clientWith({
      caFile: join(secret.dir, 'ca.crt'),
      certFile: join(secret.dir, 'tls.crt'),
      keyFile: join(secret.dir, 'tls.key'),
      serverName: SERVER_NAME,
    });
    const watch = client.watch({}, { timeoutMs: 0 })[Symbol.asyncIterator]();
    expect((await watch.next()).done).toBe(false);

    // The control plane stays on the first CA, which the second set of files does not trust.
    secret.rotate(second);
    let refused = false;
    for (let i = 0; i < 50 && !refused; i++) {
      await sleep(50);
      refused = await client.getClusterStatus({}).then(
        () => false,
        (err: Error) => /certificate/i.test(err.message),
      );
    }
    expect(refused).toBe(true);

    for (const release of releases.splice(0)) release();
    expect((await watch.next()).done).toBe(false);
    expect((await watch.next()).done).toBe(true);
  });

  it('keeps the files in use when a rotation leaves a certificate without its key', async () => {
    const secret = mountSecret2(first);
    const client = clientWith({
      caFile: join(secret, 'ca.crt'),
      certFile: join(secret, 'tls.crt'),
      keyFile: join(secret, 'tls.key'),
      serverName: SERVER_NAME,
    });
    await client.getClusterStatus({});
    // Half a rotation: the second client certificate beside the first key.
    execFileSync('cp', [second.clientCert, join(secret, 'tls.crt')]);
    await sleep(300);
    await dropConnections();
    await expect(client.getClusterStatus({})).resolves.toMatchObject({ leaderId: 'node-1' });
  });
});

/** Plain files in a folder of their own (no symlinks). */
function mountSecret2(pki: Pki): string {
  const dir = join(work, 'plain');
  mkdirSync(dir);
  execFileSync('cp', [pki.ca, join(dir, 'ca.crt')]);
  execFileSync('cp', [pki.clientCert, join(dir, 'tls.crt')]);
  execFileSync('cp', [pki.clientKey, join(dir, 'tls.key')]);
  return dir;
}

describe('TLS configuration', () => {
  const base = {
    PUBLIC_URL: 'https://console.example',
    OIDC_ISSUER: 'https://login.example/realms/prism',
    OIDC_CLIENT_ID: 'prism-console',
    OIDC_CLIENT_SECRET: 's3cret',
    SESSION_KEY: Buffer.alloc(32, 7).toString('base64'),
  };
  const problemsOf = (env: Record<string, string>) => {
    try {
      loadConfig({ ...base, ...env });
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    return [];
  };

  it('reads the settings for an https:// control plane', () => {
    const config = loadConfig({
      ...base,
      CONTROL_PLANE_URL: 'https://prism-admin:8981',
      CONTROL_PLANE_CA_FILE: first.ca,
      CONTROL_PLANE_CERT_FILE: first.clientCert,
      CONTROL_PLANE_KEY_FILE: first.clientKey,
      CONTROL_PLANE_SERVER_NAME: SERVER_NAME,
    });
    expect(config.controlPlane.tls).toEqual({
      caFile: first.ca,
      certFile: first.clientCert,
      keyFile: first.clientKey,
      serverName: SERVER_NAME,
    });
    expect(config.controlPlane.keepaliveMs).toBe(300_000);
    expect(loadConfig({ ...base, CONTROL_PLANE_URL: 'https://x' }).controlPlane.tls).toBe(
      undefined,
    );
  });

  it('refuses TLS settings for an http:// control plane, naming each', () => {
    expect(
      problemsOf({
        CONTROL_PLANE_URL: 'http://prism-admin:8981',
        CONTROL_PLANE_CA_FILE: first.ca,
        CONTROL_PLANE_SERVER_NAME: SERVER_NAME,
      }),
    ).toEqual([
      'CONTROL_PLANE_CA_FILE: needs an https:// CONTROL_PLANE_URL (TLS to the control plane)',
      'CONTROL_PLANE_SERVER_NAME: needs an https:// CONTROL_PLANE_URL (TLS to the control plane)',
    ]);
  });

  it('refuses a certificate without its key, missing files and a mismatched pair', () => {
    const url = { CONTROL_PLANE_URL: 'https://prism-admin:8981' };
    expect(problemsOf({ ...url, CONTROL_PLANE_CERT_FILE: first.clientCert })).toEqual([
      'CONTROL_PLANE_KEY_FILE: is required with CONTROL_PLANE_CERT_FILE (its key)',
    ]);
    const missing = join(work, 'nowhere', 'ca.crt');
    expect(problemsOf({ ...url, CONTROL_PLANE_CA_FILE: missing })).toEqual([
      `CONTROL_PLANE_CA_FILE: cannot read ${missing} (ENOENT)`,
    ]);
    expect(problemsOf({ ...url, CONTROL_PLANE_CA_FILE: first.clientKey })).toEqual([
      `CONTROL_PLANE_CA_FILE: ${first.clientKey} holds no PEM certificate`,
    ]);
    const [mismatch, ...rest] = problemsOf({
      ...url,
      CONTROL_PLANE_CERT_FILE: first.clientCert,
      CONTROL_PLANE_KEY_FILE: second.clientKey,
    });
    expect(rest).toEqual([]);
    expect(mismatch).toMatch(
      `CONTROL_PLANE_KEY_FILE: ${second.clientKey} does not go with the certificate in ${first.clientCert}`,
    );
  });

  it('refuses a keepalive faster than 10 s (other than 0, off)', () => {
    const url = { CONTROL_PLANE_URL: 'http://127.0.0.1:8981' };
    expect(problemsOf({ ...url, CONTROL_PLANE_KEEPALIVE_MS: '5000' })).toEqual([
      'CONTROL_PLANE_KEEPALIVE_MS: must be 0 (no keepalive) or at least 10000',
    ]);
    expect(
      loadConfig({ ...base, ...url, CONTROL_PLANE_KEEPALIVE_MS: '0' }).controlPlane,
    ).toMatchObject({
      keepaliveMs: 0,
    });
  });
});
