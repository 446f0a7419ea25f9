/**
 * `npx tsx bench/memory.ts`: what the built server (`node dist/src/server.js`, serve mode) holds
 * in memory idle and under load, with and without the heap bounds of the image (the node flags
 * of the Dockerfile's CMD), for docs/operations.md and deploy/'s requests and limits.
 *
 * The server is bundled once into a scratch folder, as the image does. Per variant: fill the
 * compile cache with its flags, as the image's build does; start the demo control plane in its
 * own process (bench/control-plane.ts), the demo identity provider here, and the console; sign
 * the admin in; RSS after 10 s idle; then autocannon on the signed-in namespaces page for
 * MEMORY_DURATION seconds (60), sampling RSS every second (peak, and at the end).
 *
 * MEMORY_CGROUP: a cgroup v1 memory folder (e.g. /sys/fs/cgroup/memory/prism) to run the console
 * in, its limit set to MEMORY_LIMIT_MIB (256) as a container's would be; without it the cap's
 * percentage applies to the machine's memory.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildServer } from '../scripts/build-server.js';
import { imageNodeFlags } from '../scripts/image-node-flags.js';
import { projectRoot } from '../src/project-root.js';
import { freePort } from '../test/helper.js';
import {
  inCgroup,
  signInAdmin,
  startBenchIdentityProvider,
  startControlPlaneProcess,
} from './support.js';

const root = projectRoot();
const node = join(root, 'node_modules', '.bin', 'node');
const run = promisify(execFile);
const durationS = Number(process.env.MEMORY_DURATION ?? 60);
const connections = Number(process.env.MEMORY_CONNECTIONS ?? 10);
const cgroup = process.env.MEMORY_CGROUP;
const limitMiB = Number(process.env.MEMORY_LIMIT_MIB ?? 256);
const out = (line = '') => process.stdout.write(`${line}\n`);

/** Resident set size of a process in MiB, from /proc (Linux). */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

interface Figures {
  variant: string;
  heapLimitMiB: number;
  idleMiB: number;
  peakMiB: number;
  endMiB: number;
  requests: number;
  non2xx: number;
}

async function measure(dir: string, variant: string, flags: string[]): Promise<Figures> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const { identityProvider, clientSecret } = await startBenchIdentityProvider(base);
  const controlPlane = await startControlPlaneProcess(identityProvider, node, ['--import', 'tsx']);
  const env = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    CONTROL_PLANE_URL: controlPlane.url,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: base,
    OIDC_ISSUER: identityProvider.issuer,
    OIDC_CLIENT_ID: 'prism-console',
    OIDC_CLIENT_SECRET: clientSecret,
    SESSION_KEY: randomBytes(32).toString('base64'),
    SHUTDOWN_GRACE_MS: '0',
  };
  // The compile cache filled as the image's build fills it, with this variant's flags (V8 keeps
  // code only for the flags it ran under).
  await run(node, [...flags, 'dist/src/server.js', '--fill-compile-cache'], {
    cwd: dir,
    env: { PATH: env.PATH, NODE_ENV: 'production' },
  });
  const command = [node, ...flags, 'dist/src/server.js'];
  const [file, ...args] = inCgroup(cgroup, command);
  const console: ChildProcess = spawn(file as string, args, { cwd: dir, env, stdio: 'inherit' });
  const pid = console.pid as number;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        if (i > 150) throw new Error('the console did not start');
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const cookie = await signInAdmin(base);
    const [probe, ...probeArgs] = inCgroup(cgroup, [
      node,
      ...flags,
      '-p',
      'require("v8").getHeapStatistics().heap_size_limit / 2 ** 20',
    ]);
    const heapLimit = await run(probe as string, probeArgs, { cwd: dir });
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const idleMiB = rssMiB(pid);
    let peakMiB = idleMiB;
    const sampler = setInterval(() => {
      peakMiB = Math.max(peakMiB, rssMiB(pid));
    }, 1000);
    const { stdout } = await run(
      node,
      [
        join(root, 'node_modules', 'autocannon', 'autocannon.js'),
        '--json',
        '--headers',
        `cookie=${cookie}`,
        '--connections',
        String(connections),
        '--duration',
        String(durationS),
        `${base}/namespaces?size=50`,
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    clearInterval(sampler);
    const endMiB = rssMiB(pid);
    peakMiB = Math.max(peakMiB, endMiB);
    const result = JSON.parse(stdout) as { requests: { total: number }; non2xx: number };
    return {
      variant,
      heapLimitMiB: Math.round(Number(heapLimit.stdout.trim())),
      idleMiB: Math.round(idleMiB),
      peakMiB: Math.round(peakMiB),
      endMiB: Math.round(endMiB),
      requests: result.requests.total,
      non2xx: result.non2xx,
    };
  } finally {
    console.kill('SIGTERM');
    await once(console, 'exit');
    controlPlane.child.kill('SIGTERM');
    await once(controlPlane.child, 'exit');
    await identityProvider.stop();
  }
}

async function main() {
  if (cgroup) writeFileSync(join(cgroup, 'memory.limit_in_bytes'), String(limitMiB * 2 ** 20));
  const dir = mkdtempSync(join(tmpdir(), 'prism-console-memory-'));
  try {
    // The bundle the image runs (scripts/build-server.ts), not one file per module.
    await buildServer(join(dir, 'dist'));
    if (!existsSync(join(root, 'public', 'assets', 'manifest.json'))) {
      throw new Error('no built assets: run npm run build:assets first');
    }
    cpSync(join(root, 'public'), join(dir, 'public'), { recursive: true });
    cpSync(join(root, 'package.json'), join(dir, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    out(
      `console under ${connections} connections for ${durationS} s, ${cgroup ? `in a cgroup limited to ${limitMiB} MiB` : 'no memory limit'}`,
    );
    const figures = [
      await measure(dir, 'no cap (V8 default)', []),
      await measure(dir, imageNodeFlags().join(' '), imageNodeFlags()),
    ];
    out(JSON.stringify(figures, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
