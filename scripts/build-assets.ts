/**
 * Builds public/assets: Tailwind CSS compiled from src/styles/ (one stylesheet per theme) and the
 * script bundle (htmx and our browser scripts), each under a content-hashed name so they can be
 * cached for a year, plus manifest.json mapping logical names to hashed ones for the server.
 * Each asset also gets a brotli (quality 11) and a gzip (level 9) copy beside it (`.br`, `.gz`),
 * served as they are by src/plugins/static.ts: compressed once here at the highest settings,
 * never per request.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { transformSync } from 'esbuild';
import { projectRoot } from '../src/project-root.js';
import { adminSchemaImage } from '../src/views/commands-schema.js';
import { htmxBundle } from './htmx-bundle.js';

const root = projectRoot();
const outDir = join(root, 'public', 'assets');

function hashed(name: string, content: Buffer): string {
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 12);
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
}

mkdirSync(outDir, { recursive: true });

/**
 * The stylesheet for each theme (src/styles/app.css says why there are three): Tailwind's CLI on
 * the entry file, minified, through a temporary file in outDir (its @source paths are relative to
 * the entry, so it stays where it is).
 */
function stylesheet(entry: string): Buffer {
  const output = join(outDir, `.${entry}`);
  execFileSync(
    join(root, 'node_modules', '.bin', 'tailwindcss'),
    ['--input', join(root, 'src', 'styles', entry), '--output', output, '--minify'],
    { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const css = readFileSync(output);
  rmSync(output);
  return css;
}

/**
 * One of our own browser scripts (src/browser/), minified: their comments are for us, and the
 * first load is counted in bytes on the wire (issue 10).
 */
function browserScript(file: string): Buffer {
  const code = readFileSync(join(root, 'src', 'browser', file), 'utf8');
  return Buffer.from(transformSync(code, { minify: true, target: 'es2022', loader: 'js' }).code);
}

const sources: Record<string, Buffer> = {
  'app.css': stylesheet('app.css'),
  'app-light.css': stylesheet('theme-light.css'),
  'app-dark.css': stylesheet('theme-dark.css'),
  // Every page's one script: htmx (less what its settings leave dead: scripts/htmx-bundle.ts),
  // its settings (src/browser/htmx-config.js: they must be set before htmx starts, at
  // DOMContentLoaded), the SSE extension (hx-ext="sse", sse-connect, sse-swap: live regions and
  // an operation's progress) and the live regions' scripts (src/browser/live-keep.js, then
  // src/browser/live.js, which uses it). One file is one request and one brotli stream, smaller
  // than five, and cached once for every page.
  'app.js': Buffer.concat(
    [
      await htmxBundle(root),
      browserScript('htmx-config.js'),
      readFileSync(join(root, 'node_modules', 'htmx-ext-sse', 'dist', 'sse.min.js')),
      browserScript('live-keep.js'),
      browserScript('live.js'),
    ].flatMap((part) => [part, Buffer.from('\n')]),
  ),
  // "Copy as command": the Copy button (no inline script under the CSP), and the AdminService
  // schema the commands name with `buf curl --schema` (src/views/commands-schema.ts).
  'copy-command.js': browserScript('copy-command.js'),
  'prism-admin.binpb': Buffer.from(adminSchemaImage()),
};

const manifest: Record<string, string> = {};
for (const [name, content] of Object.entries(sources)) {
  manifest[name] = hashed(name, content);
}
const precompressed = (content: Buffer) => ({
  '.br': brotliCompressSync(content, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
    },
  }),
  '.gz': gzipSync(content, { level: constants.Z_BEST_COMPRESSION }),
});
// Drop files of earlier builds so the folder holds exactly what the manifest names.
const kept = Object.values(manifest).flatMap((file) => [file, `${file}.br`, `${file}.gz`]);
for (const file of readdirSync(outDir)) {
  if (!kept.includes(file)) rmSync(join(outDir, file));
}
for (const [name, content] of Object.entries(sources)) {
  const file = join(outDir, manifest[name] as string);
  writeFileSync(file, content);
  for (const [extension, compressed] of Object.entries(precompressed(content))) {
    writeFileSync(`${file}${extension}`, compressed);
  }
}
writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
process.stdout.write(`assets: ${Object.values(manifest).join(', ')}\n`);
