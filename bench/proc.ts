// What the benches read about a process from /proc (Linux), and a small request/answer channel
// over a child's IPC pipe. Each process the bench compares (console, control plane, minimal
// server) runs on its own, so its CPU time is its own and nothing else's.

import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

/** CPU milliseconds (user + system) a process has used so far. */
export function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces): utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1000;
  } catch {
    return Number.NaN;
  }
}

/** Resident set size in bytes. */
export function rssBytes(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? Number.NaN) * 1024;
}

/** The machine, for the README's results: nproc, CPU model, memory, node version. */
export function machine(): string {
  const cpus = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpus)?.[1]?.trim() ?? 'unknown CPU';
  const count = (cpus.match(/^processor\s*:/gm) ?? []).length;
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]);
  return `${count} CPU (${model}), ${(memKb / 2 ** 20).toFixed(0)} GiB, Node ${process.version}`;
}

interface Answer {
  id: number;
  result?: unknown;
  error?: string;
}

/**
 * Asks a child started with an IPC channel: `{ id, type, args }` out, `{ id, result | error }`
 * back (see serveRequests for the child's side).
 */
export function asker(child: ChildProcess) {
  let next = 0;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  child.on('message', (message: Answer) => {
    const w = waiting.get(message.id);
    if (!w) return;
    waiting.delete(message.id);
    if (message.error !== undefined) w.reject(new Error(message.error));
    else w.resolve(message.result);
  });
  child.once('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`the child exited (${code})`));
    waiting.clear();
  });
  return <T>(type: string, args: Record<string, unknown> = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++next;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, type, args });
    });
}

/** The child's side of asker(): one handler per request type. */
export function serveRequests(
  handlers: Record<string, (args: Record<string, unknown>) => unknown>,
): void {
  process.on(
    'message',
    async (message: { id: number; type: string; args: Record<string, unknown> }) => {
      const handler = handlers[message.type];
      try {
        if (!handler) throw new Error(`no handler for ${message.type}`);
        const result = await handler(message.args);
        process.send?.({ id: message.id, result });
      } catch (error) {
        process.send?.({ id: message.id, error: String((error as Error).stack ?? error) });
      }
    },
  );
}
