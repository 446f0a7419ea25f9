/**
 * `npm run build:server`: bundles the server with esbuild into dist/:
 *
 *   dist/src/server.js    serve mode's entry (the Dockerfile's CMD, `npm run serve`): the few
 *                         lines in SERVE_ENTRY, which then load console.js
 *   dist/src/console.js   src/server.ts and everything it imports, in one file: no demo code
 *   dist/src/chunks/      what console.js imports only with import() (the Redis client), and
 *                         the little code it shares with those
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
import { builtinModules } from 'node:module';
import { dirname, join, sep } from 'node:path';
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
 * - Stack traces through the source map, read the first time a stack trace is made. Not
 *   Node's own source-map support (`--enable-source-maps`, or module.setSourceMapsSupport()):
 *   with it Node reads the map and measures every line of the 2 MB bundle as it compiles it
 *   (~30 ms of every start, 7 %), and with the flag util.getCallSites() maps every frame, which
 *   pino calls for each logger it makes. Here only frames in console.js are mapped, by
 *   node:module's SourceMap, and a frame keeps V8's own text with src/…:line:column in it.
 * - Node's compile cache: V8's compiled code for the bundle, kept in dist/.compile-cache (or
 *   NODE_COMPILE_CACHE) and reused by the next start. The image fills it at build time; where
 *   the folder cannot be written (a read-only root filesystem) Node carries on without it.
 */
const SERVE_ENTRY = `// Written by scripts/build-server.ts, which says why this is not part of console.js.
import { readFileSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bundle = new URL('./console.js', import.meta.url).href;
/** console.js's map: undefined until a stack trace needs it, null when it cannot be read. */
let map;
function mapped(site) {
  const text = String(site);
  const [line, column] = [site.getLineNumber(), site.getColumnNumber()];
  if (site.getFileName() !== bundle || !line || !column) return text;
  if (map === undefined) {
    try {
      map = new module.SourceMap(JSON.parse(readFileSync(fileURLToPath(\`\${bundle}.map\`), 'utf8')));
    } catch {
      map = null;
    }
  }
  const origin = map?.findOrigin(line, column);
  if (!origin?.fileName) return text;
  // A source that is no file (a module esbuild made up): the frame as V8 wrote it.
  const url = URL.parse(origin.fileName, bundle);
  if (url?.protocol !== 'file:') return text;
  const source = fileURLToPath(url);
  return text.replace(
    \`\${bundle}:\${line}:\${column}\`,
    \`\${source}:\${origin.lineNumber}:\${origin.columnNumber}\`,
  );
}
Error.prepareStackTrace = (error, sites) => {
  let head;
  try {
    head = String(error);
  } catch {
    head = Object.prototype.toString.call(error);
  }
  return head + sites.map((site) => \`\\n    at \${mapped(site)}\`).join('');
};
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
 * `import … from 'node:http'` in the bundle (ours, and dependencies written as ES modules)
 * becomes `require('node:http')`. An ES import of a built-in makes Node build an ES module
 * facade of it, which reads every export: node:http's lazy getters then load undici (Node's
 * fetch and WebSocket) and node:util's its TextDecoder, ~60 ms of CPU at every start for things
 * serve mode uses later or never. Through require nothing is read until the code uses it.
 */
const builtinsThroughRequire: Plugin = {
  name: 'builtins-through-require',
  setup(build) {
    const builtins = new Set(builtinModules);
    build.onResolve({ filter: /^[a-z_/0-9:]+$/ }, (args) => {
      if (args.kind !== 'import-statement') return undefined;
      const name = args.path.replace(/^node:/, '');
      if (!builtins.has(name) && !args.path.startsWith('node:')) return undefined;
      return { path: `node:${name}`, namespace: 'builtin-through-require' };
    });
    build.onLoad({ filter: /.*/, namespace: 'builtin-through-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * @fastify/static requires glob when it loads, for `wildcard: false`, which walks the public
 * folder with it at start. src/plugins/static.ts registers the files itself instead (`serve:
 * false`), so glob and what it pulls in (path-scurry, lru-cache) would be loaded for nothing:
 * ~5 % of the start. Left out, with a stand-in that says why if anything ever calls it.
 */
const globLeftOut: Plugin = {
  name: 'glob-left-out',
  setup(build) {
    build.onResolve({ filter: /^glob$/ }, (args) =>
      args.importer.includes(`node_modules${sep}@fastify${sep}static${sep}`)
        ? { path: 'glob', namespace: 'glob-left-out' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'glob-left-out' }, () => ({
      contents:
        "exports.glob = async () => { throw new Error('glob is not in the serve bundle: serve public/ as src/plugins/static.ts does (scripts/build-server.ts)'); };",
      loader: 'js',
    }));
  },
};

/**
 * @fastify/compress asks `payload instanceof Response` and `instanceof ReadableStream` of every
 * answer. Those globals are lazy in Node: the first read of `Response` loads undici (Node's
 * fetch) and `ReadableStream` the web streams, ~40 ms of CPU inside the first answer the
 * console gives (its first /healthz). A string or a Buffer can be neither, and nothing can be a
 * Response before something has read the global, so the checks look at the payload first.
 * Applied to the exact text of the package's lib/utils.js: a version that changed it fails the
 * build here rather than quietly loading undici again.
 */
const COMPRESS_CHECKS: readonly [string, string][] = [
  [
    'return obj instanceof ReadableStream',
    "return obj !== null && typeof obj === 'object' && typeof obj.getReader === 'function' && obj instanceof ReadableStream",
  ],
  [
    'return obj instanceof Response',
    "return obj !== null && typeof obj === 'object' && typeof obj.arrayBuffer === 'function' && obj instanceof Response",
  ],
];
const compressChecksLazy: Plugin = {
  name: 'compress-checks-lazy',
  setup(build) {
    const file = /[\\/]@fastify[\\/]compress[\\/]lib[\\/]utils\.js$/;
    build.onLoad({ filter: file }, (args) => {
      let contents = readFileSync(args.path, 'utf8');
      for (const [from, to] of COMPRESS_CHECKS) {
        if (!contents.includes(from)) {
          throw new Error(`${args.path} no longer has "${from}": see compressChecksLazy`);
        }
        contents = contents.replace(from, to);
      }
      return { contents, loader: 'js' };
    });
  },
};

/**
 * zod's `z` carries `z.locales`, error messages in ~50 languages (a tenth of the bundle), so
 * none of them can be left out by tree shaking. The console uses only the English ones, which
 * zod sets itself; the others are left out (`z.locales.fr` would be undefined).
 */
const zodLocalesLeftOut: Plugin = {
  name: 'zod-locales-left-out',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`node_modules${sep}zod${sep}`)
        ? { path: join(args.resolveDir, '..', 'locales', 'en.js'), namespace: 'zod-english' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
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
 * The source map without what points into node_modules or into no file: those segments become
 * unmapped (a one-field segment), so a frame in a dependency shows the bundle's line, and ours
 * show src/.
 */
export function keepOwnMappings(json: string): string {
  const map = JSON.parse(json) as { sources: string[]; names: string[]; mappings: string };
  const kept: number[] = [];
  // Also left out: modules esbuild's plugins made up ("builtin-through-require:node:timers"),
  // which are no file a stack trace could name.
  const sourceIndex = map.sources.map((source) =>
    source.includes('node_modules/') || /^[a-z][a-z0-9+.-]*:/i.test(source)
      ? -1
      : kept.push(kept.length) - 1,
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

export interface BuildServerOptions {
  /**
   * Keep the source map's mappings into node_modules: for reading a CPU profile of the start
   * by package (the shipped map names our files only).
   */
  dependencyMappings?: boolean;
}

/** Bundles both entry points into `<outDir>/src/…`; `outDir` defaults to the project's dist/. */
export async function buildServer(
  outDir = join(projectRoot(), 'dist'),
  options: BuildServerOptions = {},
): Promise<BuiltServer> {
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
      plugins: [builtinsThroughRequire, globLeftOut, zodLocalesLeftOut, compressChecksLazy],
      // What is imported with import() only (the Redis client: sessions are in memory without
      // REDIS_URL) goes to files of its own in src/chunks/, read when first imported: console.js
      // is smaller, and every start reads, maps and loads less of it.
      splitting: true,
      chunkNames: 'src/chunks/[name]-[hash]',
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
  // first time it prints a stack trace; our own files are what stack traces need. A chunk of
  // dependencies only keeps no map at all, so loading it costs Node no source-map work.
  for (const output of Object.keys(serveMeta.outputs)) {
    if (!output.endsWith('.js') || options.dependencyMappings) continue;
    const js = join(root, output);
    const own = keepOwnMappings(readFileSync(`${js}.map`, 'utf8'));
    if ((JSON.parse(own) as { sources: string[] }).sources.length > 0) {
      writeFileSync(`${js}.map`, own);
    } else {
      rmSync(`${js}.map`);
      const code = readFileSync(js, 'utf8');
      writeFileSync(js, code.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));
    }
  }
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
