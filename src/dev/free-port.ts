/**
 * A loopback port for a server that another process (or a later listen) will bind: chosen
 * below the kernel's ephemeral range, so that no outgoing connection and no `listen(0)` in
 * the meantime can be handed the same port between this check and its use (a port taken by
 * `listen(0)` and released is exactly the kind the kernel gives the next connection — which
 * made a child server fail with EADDRINUSE under a busy test run).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The lowest port the kernel hands out by itself (Linux's default when unreadable). */
function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low !== undefined && Number.isInteger(low) && low > 12_000) return low;
  } catch {
    // not Linux: keep the default
  }
  return 32_768;
}

const FLOOR = 10_000;
const given = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/**
 * A free loopback port outside the ephemeral range, not given before in this process;
 * `range` (from inclusive, to exclusive) narrows the choice, for its test.
 */
export async function freePort(
  range: { from: number; to: number } = { from: FLOOR, to: ephemeralLow() },
): Promise<number> {
  const { from, to } = range;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = from + Math.floor(Math.random() * (to - from));
    if (given.has(port)) continue;
    if (await canListen(port)) {
      given.add(port);
      return port;
    }
  }
  throw new Error(`no free loopback port from ${from} to ${to}`);
}
