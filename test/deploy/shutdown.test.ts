/**
 * Shutdown with an upper bound, on the real entry (`src/server.ts`, serve mode) in a child
 * process: SIGTERM fails readiness, then after SHUTDOWN_GRACE_MS the listener closes, idle and
 * half-sent connections are cut, requests being answered finish, and the process exits — by
 * SHUTDOWN_TIMEOUT_MS at the latest whatever clients do.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/project-root.js';
import { PASSWORDS, type Stack, startStack } from '../helper.js';
import {
  type CookieJar,
  cookieHeader,
  signInAtIdentityProvider,
  storeCookies,
} from '../sign-in.js';

let stack: Stack;
beforeAll(async () => {
  // The control plane and identity provider the child talks to (its own app is not used).
  stack = await startStack({ signInAdmin: false });
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

interface Console {
  child: ChildProcess;
  baseUrl: string;
  port: number;
  output: () => string;
  exited: Promise<{ code: number | null; at: number }>;
}

const started: Console[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL');
});

async function startConsole(env: Record<string, string>): Promise<Console> {
  // The stack's public URL, where the identity provider sends operators back: the child
  // listens there (the stack's own app never listens).
  const port = Number(stack.env.PORT);
  const baseUrl = stack.baseUrl;
  const root = projectRoot();
  // Node itself with tsx's loader: the tsx wrapper process would relay signals with its own
  // timing and exit codes.
  const child = spawn(
    join(root, 'node_modules', '.bin', 'node'),
    ['--import', 'tsx', 'src/server.ts'],
    {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...stack.env, ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, at: Date.now() })),
  );
  const console: Console = { child, baseUrl, port, output: () => output, exited };
  started.push(console);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) return console;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      throw new Error(`the console did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A connection that sent part of a request and then nothing more: a slow or stuck client. */
async function halfSent(port: number, partial: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(partial);
  return socket;
}

describe('shutdown', () => {
  it('exits within its bound with five half-sent requests open, letting an answer in progress finish', async () => {
    const graceMs = 300;
    const timeoutMs = 4000;
    const c = await startConsole({
      SHUTDOWN_GRACE_MS: String(graceMs),
      SHUTDOWN_TIMEOUT_MS: String(timeoutMs),
      LOG_LEVEL: 'info',
    });
    const sockets = await Promise.all([
      halfSent(c.port, 'GET / HTTP/1.1\r\n'),
      halfSent(c.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n'),
      halfSent(c.port, 'GE'),
      halfSent(c.port, 'POST /auth/sign-out HTTP/1.1\r\nHost: x\r\ncontent-length: 100\r\n\r\nab'),
      halfSent(c.port, 'GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '),
    ]);
    // A keep-alive connection left idle after its answer.
    const jar = await signIn(c.baseUrl);
    // An answer in progress when the listener closes: a page waiting 1 s for the control plane.
    stack.controlPlane.faults.latencyMs = 1000;
    let slowAnswer: Promise<Response>;
    let sigtermAt: number;
    try {
      slowAnswer = fetch(`${c.baseUrl}/namespaces`, { headers: { cookie: cookieHeader(jar) } });
      await new Promise((resolve) => setTimeout(resolve, 100));
      sigtermAt = Date.now();
      c.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await fetch(`${c.baseUrl}/readyz`)).status).toBe(503);
      const answer = await slowAnswer;
      expect(answer.status).toBe(200);
      expect(await answer.text()).toContain('</html>');
    } finally {
      stack.controlPlane.faults.latencyMs = 0;
    }

    const { code, at } = await c.exited;
    expect(code).toBe(0);
    // Not the 40 s half-sent requests used to hold it: the listener closes after the grace and
    // the half-sent connections are cut at once.
    expect(at - sigtermAt).toBeGreaterThanOrEqual(graceMs);
    expect(at - sigtermAt).toBeLessThan(graceMs + timeoutMs);
    expect(at - sigtermAt).toBeLessThan(graceMs + 2000);
    for (const socket of sockets) socket.destroy();
    expect(c.output()).toContain('shutting down: failing readiness, then closing');
  }, 60_000);

  it('exits by SHUTDOWN_TIMEOUT_MS, with a log line, when an answer takes longer', async () => {
    const c = await startConsole({
      SHUTDOWN_GRACE_MS: '0',
      SHUTDOWN_TIMEOUT_MS: '1000',
      CONTROL_PLANE_TIMEOUT_MS: '20000',
      LOG_LEVEL: 'info',
    });
    const jar = await signIn(c.baseUrl);
    stack.controlPlane.faults.latencyMs = 10_000;
    try {
      const stuck = fetch(`${c.baseUrl}/namespaces`, { headers: { cookie: cookieHeader(jar) } });
      stuck.catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 300));
      const sigtermAt = Date.now();
      c.child.kill('SIGTERM');
      const { code, at } = await c.exited;
      expect(code).toBe(1);
      expect(at - sigtermAt).toBeGreaterThanOrEqual(1000);
      expect(at - sigtermAt).toBeLessThan(3000);
      expect(c.output()).toContain('shutdown timed out');
    } finally {
      stack.controlPlane.faults.latencyMs = 0;
    }
  }, 60_000);

  it('fails no request under steady load until the listener closes after the grace', async () => {
    const graceMs = 1500;
    const c = await startConsole({
      SHUTDOWN_GRACE_MS: String(graceMs),
      SHUTDOWN_TIMEOUT_MS: '5000',
    });
    const jar = await signIn(c.baseUrl);
    interface Outcome {
      sentAt: number;
      status: number | 'failed';
      path: string;
    }
    const outcomes: Outcome[] = [];
    let readyUntil = Number.POSITIVE_INFINITY;
    let running = true;
    const loop = async (path: string, headers: Record<string, string> = {}) => {
      while (running) {
        const sentAt = Date.now();
        try {
          const res = await fetch(`${c.baseUrl}${path}`, { headers, redirect: 'manual' });
          await res.arrayBuffer();
          outcomes.push({ sentAt, status: res.status, path });
          if (path === '/readyz' && res.status !== 200) readyUntil = Math.min(readyUntil, sentAt);
        } catch {
          outcomes.push({ sentAt, status: 'failed', path });
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    };
    const loops = [
      loop('/', { cookie: cookieHeader(jar) }),
      loop('/', { cookie: cookieHeader(jar) }),
      loop('/healthz'),
      loop('/readyz'),
    ];
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const sigtermAt = Date.now();
    c.child.kill('SIGTERM');
    const { code } = await c.exited;
    running = false;
    await Promise.all(loops);
    expect(code, c.output()).toBe(0);

    // Readiness failed right away, well before the listener closed.
    expect(readyUntil - sigtermAt).toBeLessThan(graceMs / 2);
    // Counted: requests sent while readiness still said 200 or during the grace (less a little
    // for a request still on its way when the listener closed, which a load balancer that saw
    // readiness fail would not have sent).
    const counted = outcomes.filter((o) => o.sentAt < sigtermAt + graceMs - 100);
    const failed = counted.filter(
      (o) => o.status === 'failed' || (o.path !== '/readyz' && o.status !== 200),
    );
    expect(counted.length).toBeGreaterThan(50);
    expect(failed).toEqual([]);
  }, 60_000);
});

/** Signs the viewer in over HTTP on a console process; the cookie jar holds its session. */
async function signIn(baseUrl: string): Promise<CookieJar> {
  const jar: CookieJar = new Map();
  const start = await fetch(`${baseUrl}/auth/sign-in?return=/`, { redirect: 'manual' });
  storeCookies(jar, start);
  const callback = await signInAtIdentityProvider(
    String(start.headers.get('location')),
    'viewer',
    PASSWORDS.viewer,
    `${baseUrl}/auth/callback`,
  );
  const signedIn = await fetch(callback, {
    headers: { cookie: cookieHeader(jar) },
    redirect: 'manual',
  });
  if (signedIn.status !== 200) throw new Error(`sign-in: ${signedIn.status}`);
  storeCookies(jar, signedIn);
  return jar;
}
