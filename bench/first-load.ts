/**
 * The first load of a page on the wire (issue 10: ≤ 30 KB): the page and everything it links
 * (stylesheet, scripts, icon), each asked for in brotli as a browser asks, the bodies' bytes as
 * they come over the socket (node:http: nothing decompresses them). test/routes/compression.test.ts
 * holds the console to the same bound in `npm test`.
 */
import { request } from 'node:http';
import { out, type Target } from './targets.js';

export const FIRST_LOAD_TARGET_KB = 30;

/** The body's bytes as they came over the socket. */
function wireBytes(url: string, cookie: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const asked = request(
      url,
      { headers: { cookie, 'accept-encoding': 'br, gzip' } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }),
        );
        response.on('error', reject);
      },
    );
    asked.on('error', reject);
    asked.end();
  });
}

/**
 * `html` is the page at `path` as the browser reads it (decompressed), for what it links; the
 * page itself is fetched again for its size on the wire.
 */
export async function firstLoad(
  base: string,
  cookie: string,
  path: string,
  html: string,
): Promise<Target> {
  const assets = [...html.matchAll(/<(?:link|script)\b[^>]*\s(?:href|src)="([^"]+)"/g)].map(
    (match) => (match[1] as string).replaceAll('&amp;', '&'),
  );
  const sizes: Record<string, number> = {};
  for (const address of [path, ...assets]) {
    const url = new URL(address, base);
    // Issue 10: no third-party request. One would not be counted here: the part fails instead.
    if (url.origin !== new URL(base).origin) throw new Error(`first load: ${address} is not ours`);
    const { status, body } = await wireBytes(url.href, cookie);
    if (status !== 200) throw new Error(`first load: ${address} answered ${status}`);
    sizes[address] = body.length;
  }
  const total = Object.values(sizes).reduce((sum, size) => sum + size, 0);
  out(`first load of ${path} in br: ${(total / 1024).toFixed(1)} KB`);
  for (const [address, size] of Object.entries(sizes)) {
    out(`  ${address.padEnd(48)}${String(size).padStart(8)} bytes`);
  }
  out();
  return {
    name: 'first load on the wire (page and assets, br)',
    value: total / 1024,
    limit: FIRST_LOAD_TARGET_KB,
    unit: 'KB',
    available: true,
    note: `${Object.keys(sizes).length} requests, all to the console`,
  };
}
