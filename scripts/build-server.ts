/**
 * `npm run build:server`: bundles the server with esbuild into dist/:
 *
 *   dist/src/server.js    serve mode's entry (the Dockerfile's CMD, `npm run serve`): the few
 *                         lines in SERVE_ENTRY, which then load console.js
 *   dist/src/console.js   src/server.ts and everything it imports, in one file: no demo code
 *   dist/src/dev/demo.js  `npm start`: the demo companions, then it imports ../server.js
 *
 * Type checking stays with tsc (`npm run build` runs `tsc --noEmit` first); esbuild only strips
 * types and joins modules into one file. Most of serve mode's start-up went on Node finding,
 * reading and compiling some 1,600 files of dependencies one by one; one file of the same code
 * starts in about half the CPU time (figures in bench/README.md, "Start-up"). So the serve
 * bundle takes its dependencies in too, except the few that must stay files (NODE_MODULES_KEPT).
 * The image still installs production dependencies: those few need them.
 *
 * The demo bundle keeps every dependency in node_modules: it starts development tools (the
 * identity provider, the demo control plane) whose start-up time matters to nobody.
 *
 * The files keep the directory tsc gave them, so that projectRoot() (src/project-root.ts) still
 * walks up from dist/src/ to package.json and finds public/, and every script, test and bench
 * that starts `dist/src/server.js` works unchanged.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { projectRoot } from '../src/project-root.js';

/**
 * Dependencies loaded from node_modules at run time rather than bundled: sodium-native is a
 * native addon (@fastify/secure-session). pino is bundled although its transports (worker
 * threads started from files beside its own) cannot work from a bundle: the console configures
 * none, it logs JSON to stdout, and loading pino from its files cost ~15 ms of every start.
 */
export const NODE_MODULES_KEPT = ['sodium-native'];

/**
 * Serve mode's entry, written as dist/src/server.js. Two things must happen before the bundle
 * is compiled, so they cannot be inside it:
 *
 * - Source maps on for stack traces, here rather than with `--enable-source-maps`: with the
 *   flag, util.getCallSites() maps every frame too, and pino calls it for each logger it makes
 *   (to resolve transport paths we do not use), so the start paid for decoding the whole map.
 *   Enabled this way, it is decoded the first time a stack trace is printed.
 * - Node's compile cache: V8's compiled code for the bundle, kept in dist/.compile-cache (or
 *   NODE_COMPILE_CACHE) and reused by the next start. The image fills it at build time; where
 *   the folder cannot be written (a read-only root filesystem) Node carries on without it.
 */
const SERVE_ENTRY = `// Written by scripts/build-server.ts, which says why this is not part of console.js.
import module from 'node:module';
import { join } from 'node:path';

if (module.setSourceMapsSupport) module.setSourceMapsSupport(true);
else process.setSourceMapsEnabled(true);
try {
  module.enableCompileCache(
    process.env.NODE_COMPILE_CACHE || join(import.meta.dirname, '..', '.compile-cache'),
  );
} catch {
  // No cache: the start is slower, nothing else changes.
}
await import('./console.js');
// Listening: what start-up compiled is written now, not only when the process exits.
module.flushCompileCache();
`;

export interface BuiltServer {
  /** Serve mode's entry (SERVE_ENTRY), absolute. */
  serve: string;
  /** The serve-mode bundle it loads, absolute. */
  bundle: string;
  /** The `npm start` bundle, absolute. */
  demo: string;
  /** Which source files went into the serve-mode bundle, relative to the project root. */
  serveInputs: string[];
}

/**
 * demo.ts ends with `await import('../server.js')`: left as an import of the serve bundle next
 * to it instead of a second copy of the whole console inside demo.js.
 */
const serverStaysSeparate: Plugin = {
  name: 'server-stays-separate',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/server\.js$/ }, (args) =>
      args.importer.endsWith(join('src', 'dev', 'demo.ts'))
        ? { path: '../server.js', external: true }
        : undefined,
    );
  },
};

/**
 * The packages that go into the image's node_modules (not marked `dev` in the lock file). A
 * bundled development dependency would work here and fail nowhere, so the build refuses it:
 * the check `npm ci --omit=dev` used to make at start-up.
 */
function productionPackages(root: string): Set<string> {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  return new Set(
    Object.entries(lock.packages)
      .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev)
      .map(([path]) => path),
  );
}

/**
 * node_modules/a/node_modules/@scope/b/lib/x.js → node_modules/a/node_modules/@scope/b, the
 * innermost package, as the lock file names it (a linked node_modules adds a prefix: dropped).
 */
function packageOf(input: string): string | undefined {
  const match =
    /(node_modules\/.*node_modules\/(?:@[^/]+\/)?[^/]+|node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(
      input,
    );
  return match?.[1];
}

const common: BuildOptions = {
  outbase: '.',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  sourcemap: 'linked',
  // Stack traces name src/… files and lines through the map; the sources are in the repo.
  sourcesContent: false,
  jsx: 'automatic',
  jsxImportSource: '@kitajs/html',
  // Function and class names stay as written: in stack traces and in `constructor.name`.
  keepNames: true,
  metafile: true,
  logLevel: 'warning',
};

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The numbers of one segment of a source map's `mappings` (base64 VLQ). */
function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function encodeSegment(values: number[]): string {
  let out = '';
  for (const n of values) {
    let value = n < 0 ? (-n << 1) | 1 : n << 1;
    do {
      let digit = value & 31;
      value >>>= 5;
      if (value > 0) digit |= 32;
      out += BASE64[digit];
    } while (value > 0);
  }
  return out;
}

/**
 * The source map without what points into node_modules: those segments become unmapped (a
 * one-field segment), so a frame in a dependency shows the bundle's line, and ours show src/.
 */
export function keepOwnMappings(json: string): string {
  const map = JSON.parse(json) as { sources: string[]; names: string[]; mappings: string };
  const kept: number[] = [];
  const sourceIndex = map.sources.map((source) =>
    source.includes('node_modules/') ? -1 : kept.push(kept.length) - 1,
  );
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  // Absolute positions decoded so far, and those last written (fields are deltas from them).
  let source = 0;
  let line = 0;
  let column = 0;
  let name = 0;
  const written = { source: 0, line: 0, column: 0, name: 0 };
  const lines = map.mappings.split(';').map((text) => {
    let generated = 0;
    let writtenGenerated = 0;
    let lastMapped = false;
    const out: string[] = [];
    for (const segment of text.split(',')) {
      if (segment === '') continue;
      const v = decodeSegment(segment);
      generated += v[0] ?? 0;
      if (v.length < 4) continue;
      source += v[1] ?? 0;
      line += v[2] ?? 0;
      column += v[3] ?? 0;
      if (v.length === 5) name += v[4] ?? 0;
      const to = sourceIndex[source] ?? -1;
      if (to < 0) {
        if (lastMapped) out.push(encodeSegment([generated - writtenGenerated]));
        else continue;
      } else {
        const fields = [generated - writtenGenerated, to - written.source];
        fields.push(line - written.line, column - written.column);
        written.source = to;
        written.line = line;
        written.column = column;
        if (v.length === 5) {
          const text = map.names[name] ?? '';
          let index = nameIndex.get(text);
          if (index === undefined) {
            index = names.push(text) - 1;
            nameIndex.set(text, index);
          }
          fields.push(index - written.name);
          written.name = index;
        }
        out.push(encodeSegment(fields));
      }
      writtenGenerated = generated;
      lastMapped = to >= 0;
    }
    return out.join(',');
  });
  return JSON.stringify({
    ...map,
    sources: map.sources.filter((_, i) => (sourceIndex[i] ?? -1) >= 0),
    names,
    mappings: lines.join(';'),
  });
}

/** Bundles both entry points into `<outDir>/src/…`; `outDir` defaults to the project's dist/. */
export async function buildServer(outDir = join(projectRoot(), 'dist')): Promise<BuiltServer> {
  const root = projectRoot();
  const tsconfig = join(root, 'tsconfig.build.json');
  // Nothing left from an earlier build (tsc's one file per module, a cache of older bundles).
  rmSync(join(outDir, 'src'), { recursive: true, force: true });
  rmSync(join(outDir, '.compile-cache'), { recursive: true, force: true });
  const [serve] = await Promise.all([
    build({
      ...common,
      absWorkingDir: root,
      tsconfig,
      entryPoints: [{ in: 'src/server.ts', out: 'src/console' }],
      outdir: outDir,
      external: NODE_MODULES_KEPT,
      // Dependencies written as CommonJS call require() for Node's own modules and for the
      // packages kept above; an ES module has no require of its own, so it gets one.
      banner: {
        js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
      },
      // Licence texts of the bundled dependencies, in a file beside the bundle.
      legalComments: 'linked',
      // Less to read, compile and keep in memory (about 10 MiB less resident, a tenth less CPU
      // at start). Our frames still read src/… through the map; a dependency's frame reads
      // console.js and a column, with its function's own name (keepNames).
      minify: true,
    }),
    build({
      ...common,
      absWorkingDir: root,
      tsconfig,
      entryPoints: ['src/dev/demo.ts'],
      outdir: outDir,
      packages: 'external',
      legalComments: 'none',
      plugins: [serverStaysSeparate],
    }),
  ]);

  const serveFile = join(outDir, 'src', 'server.js');
  const bundleFile = join(outDir, 'src', 'console.js');
  const demoFile = join(outDir, 'src', 'dev', 'demo.js');
  const serveMeta = serve.metafile as Metafile;
  const serveInputs = Object.keys(serveMeta.inputs);

  const production = productionPackages(root);
  const devOnly = [
    ...new Set(serveInputs.map(packageOf).filter((p): p is string => p !== undefined)),
  ].filter((pkg) => !production.has(pkg));
  if (devOnly.length > 0) {
    throw new Error(
      `serve mode imports development dependencies (move them to "dependencies"): ${devOnly.join(', ')}`,
    );
  }

  // Mappings into node_modules would make Node decode and hold a map of every dependency the
  // first time it prints a stack trace; our own files are what stack traces need.
  const mapFile = `${bundleFile}.map`;
  writeFileSync(mapFile, keepOwnMappings(readFileSync(mapFile, 'utf8')));
  writeFileSync(serveFile, SERVE_ENTRY);

  return { serve: serveFile, bundle: bundleFile, demo: demoFile, serveInputs };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await buildServer(process.argv[2]);
  const own = built.serveInputs.filter((file) => !file.includes('node_modules/')).length;
  process.stdout.write(
    `build-server: ${built.bundle} (${own} of our files, ${built.serveInputs.length - own} from node_modules), ${built.serve}, ${built.demo}\n`,
  );
}
