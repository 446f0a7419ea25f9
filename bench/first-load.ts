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
 * The page at `path` and everything it links, each in body bytes on the wire. `html` is the page
 * as the browser reads it (decompressed), for what it links; the page itself is fetched again
 * for its size on the wire.
 */
async function wireSizes(
  base: string,
  cookie: string,
  path: string,
  html: string,
): Promise<Record<string, number>> {
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
  return sizes;
}

const sum = (sizes: Record<string, number>) =>
  Object.values(sizes).reduce((total, size) => total + size, 0);

/** Issue 10's figure: the first load of `path` (the 50-row namespaces page), asset by asset. */
export async function firstLoad(
  base: string,
  cookie: string,
  path: string,
  html: string,
): Promise<Target> {
  const sizes = await wireSizes(base, cookie, path, html);
  const total = sum(sizes);
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

/**
 * For reference, not a target: the first load of each page of the navigation as it opens (its
 * default view, with the demo's data), one line each, so that a page heavier than the one the
 * target measures shows here. The assets are the same for every page; the page is what differs.
 */
export async function firstLoadOfPages(
  base: string,
  cookie: string,
  paths: readonly string[],
): Promise<void> {
  out('first load of each navigation page as it opens, in br (for reference):');
  for (const path of paths) {
    const page = await fetch(new URL(path, base), { headers: { cookie } });
    if (page.status !== 200) throw new Error(`first load: ${path} answered ${page.status}`);
    const sizes = await wireSizes(base, cookie, path, await page.text());
    const total = sum(sizes);
    const over = total > FIRST_LOAD_TARGET_KB * 1024 ? `, over ${FIRST_LOAD_TARGET_KB} KB` : '';
    out(
      `  ${path.padEnd(24)}${(total / 1024).toFixed(1).padStart(6)} KB  (page ${sizes[path]} bytes${over})`,
    );
  }
  out();
}
