import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/dev/free-port.js';

describe('freePort', () => {
  it('gives a port the kernel never hands out by itself, which a later listen can take', async () => {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBe(20);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(low ?? 32_768);
    }
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(ports[0], '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });

  it('passes over a port something listens on, and never gives a port twice', async () => {
    // Two neighbouring ports: the first taken by a listener freePort knows nothing of.
    const taken = createServer();
    let from = 0;
    for (let attempt = 0; attempt < 20 && from === 0; attempt++) {
      const candidate = 10_000 + Math.floor(Math.random() * 20_000);
      const listening = await new Promise<boolean>((resolve) => {
        taken.once('error', () => resolve(false));
        taken.listen(candidate, '127.0.0.1', () => resolve(true));
      });
      if (listening) from = candidate;
    }
    try {
      expect(from).not.toBe(0);
      expect(await freePort({ from, to: from + 2 })).toBe(from + 1);
      await expect(freePort({ from, to: from + 2 })).rejects.toThrow(/no free loopback port/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
