/**
 * `npm run build:server`: bundles the server with esbuild into dist/:
 *
 *   dist/src/server.js    serve mode's entry (the Dockerfile's CMD, `npm run serve`): the few
 *                         lines serveEntry() writes, which run console.cjs and its main()
 *   dist/src/console.cjs  src/serve.ts and everything it imports, in one script: no demo code
 *   dist/src/dev/demo.js  `npm start`: the demo companions, then it imports ../server.js
 *
 * Type checking stays with tsc (`npm run build` runs `tsc --noEmit` first); esbuild only strips
 * types and joins modules into one file. Most of serve mode's start-up went on Node finding,
 * reading and compiling some 1,600 files of dependencies one by one; one file of the same code
 * starts in about half the CPU time (figures in bench/README.md, "Start-up"). So the serve
 * bundle takes its dependencies in too. The image still installs production dependencies for
 * the one file no bundle can hold: sodium-native's addon.
 *
 * The demo bundle keeps every dependency in node_modules: it starts development tools (the
 * identity provider, the demo control plane) whose start-up time matters to nobody.
 *
 * The files keep the directory tsc gave them, so that projectRoot() (src/project-root.ts) still
 * walks up from dist/src/ to package.json and finds public/, and every script, test and bench
 * that starts `dist/src/server.js` works unchanged.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { projectRoot } from '../src/project-root.js';
import {
  compressChecksLazy,
  globLeftOut,
  serverStaysSeparate,
  sodiumAddonDirect,
  zodLocalesLeftOut,
} from './build-server-plugins.js';
import { keepOwnMappings } from './build-server-source-map.js';

/**
 * Serve mode's entry, written as dist/src/server.js (an ES module: `npm start`'s demo.js imports
 * it and waits for it). It runs console.cjs and calls its main(). Three things it does that the
 * bundle cannot do for itself:
 *
 * - Stack traces through the source map, read the first time a stack trace is made. Not
 *   Node's own source-map support (`--enable-source-maps`, or module.setSourceMapsSupport()):
 *   with it Node reads the map and measures every line of the 2 MB bundle as it compiles it
 *   (~30 ms of every start, 7 %), and with the flag util.getCallSites() maps every frame, which
 *   pino calls for each logger it makes. Here only frames in console.cjs are mapped, by
 *   node:module's SourceMap, and a frame keeps V8's own text with src/…:line:column in it.
 * - V8's compiled code for the bundle, kept in dist/.compile-cache (or NODE_COMPILE_CACHE) and
 *   given back to V8 at the next start. Node's own compile cache (module.enableCompileCache(),
 *   still on for the files loaded from node_modules) keeps a module's code as compiled before
 *   it ran: only its top level. Every function start-up calls was then compiled again at every
 *   start, lazily, ~60 ms of CPU (3 December figures in bench/README.md, "Start-up"). This keeps
 *   the code once the console listens, with every function the start compiled. The file is named
 *   by the bundle's hash, since V8 checks only the source's length. The image makes it at build
 *   time with `--fill-compile-cache`: a start with throwaway settings of its own (nothing is
 *   configured there), on loopback, that exits once listening and its code is kept. Where the
 *   folder cannot be written (a read-only root filesystem) the console starts without it.
 * - The bundle read as Latin-1, which is a copy: as UTF-8, Node decodes 2.5 MB at every start
 *   (~17 ms). The build has checked that the bundle is ASCII, where the two are the same text.
 */
function serveEntry(bundleId: string): string {
  return `// Written by scripts/build-server.ts, which says why this is not part of console.cjs.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

const fill = process.argv.includes('--fill-compile-cache');
if (fill) {
  const { randomBytes } = await import('node:crypto');
  for (const name of Object.keys(process.env)) {
    if (/^(HOST|PORT|PUBLIC_URL|CONTROL_PLANE_|OIDC_|SESSION_|REDIS_|TRUST_PROXY)/.test(name)) {
      delete process.env[name];
    }
  }
  // Nothing answers at port 9 (discard): the start waits for neither the control plane nor
  // the identity provider.
  Object.assign(process.env, {
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_URL: 'http://127.0.0.1',
    CONTROL_PLANE_URL: 'http://127.0.0.1:9',
    OIDC_ISSUER: 'http://127.0.0.1:9',
    OIDC_CLIENT_ID: 'compile-cache',
    OIDC_CLIENT_SECRET: randomBytes(24).toString('base64url'),
    SESSION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
  });
}

const bundle = join(import.meta.dirname, 'console.cjs');
const bundleUrl = pathToFileURL(bundle).href;
/** console.cjs's map: undefined until a stack trace needs it, null when it cannot be read. */
let map;
function mapped(site) {
  const text = String(site);
  const [line, column] = [site.getLineNumber(), site.getColumnNumber()];
  if (site.getFileName() !== bundle || !line || !column) return text;
  if (map === undefined) {
    try {
      map = new module.SourceMap(JSON.parse(readFileSync(\`\${bundle}.map\`, 'utf8')));
    } catch {
      map = null;
    }
  }
  const origin = map?.findOrigin(line, column);
  if (!origin?.fileName) return text;
  // A source that is no file (a module esbuild made up): the frame as V8 wrote it.
  const url = URL.parse(origin.fileName, bundleUrl);
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

const cacheDir =
  process.env.NODE_COMPILE_CACHE || join(import.meta.dirname, '..', '.compile-cache');
try {
  module.enableCompileCache(cacheDir);
} catch {
  // No cache: the start is slower, nothing else changes.
}
const codeName = 'console-${bundleId}-' + process.version + '-' + process.arch + '.v8';
let code;
try {
  code = readFileSync(join(cacheDir, codeName));
} catch {
  // None yet: this start compiles, and keeps the code once listening.
}
// The wrapper on a line of its own (lineOffset -1): V8's lines are the file's.
const script = new vm.Script(
  \`(function (exports, require, module, __filename, __dirname) {\\n\${readFileSync(bundle, 'latin1')}\\n})\`,
  {
    filename: bundle,
    lineOffset: -1,
    cachedData: code,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  },
);
const loaded = { exports: {} };
script.runInThisContext()(
  loaded.exports,
  module.createRequire(bundle),
  loaded,
  bundle,
  import.meta.dirname,
);

/** Keeps V8's code for console.cjs, with what start-up compiled, unless it was given it. */
function keepCode() {
  if (code && !script.cachedDataRejected) return;
  try {
    mkdirSync(cacheDir, { recursive: true });
    const file = join(cacheDir, codeName);
    writeFileSync(\`\${file}.\${process.pid}\`, script.createCachedData());
    renameSync(\`\${file}.\${process.pid}\`, file);
    // Older builds' code is of no use to this one.
    for (const name of readdirSync(cacheDir)) {
      if (/^console-.*\\.v8$/.test(name) && name !== codeName) rmSync(join(cacheDir, name));
    }
  } catch {
    // Not writable: every start compiles what it needs, nothing else changes.
  }
}

await loaded.exports.main();
keepCode();
// V8 has taken what it needs of the kept code: its 2 MB are not held for the process's life.
code = undefined;
module.flushCompileCache();
if (fill) process.exit(0);
`;
}

export interface BuiltServer {
  /** Serve mode's entry (serveEntry()), absolute. */
  serve: string;
  /** The serve-mode bundle it loads, absolute. */
  bundle: string;
  /** The `npm start` bundle, absolute. */
  demo: string;
  /** Which source files went into the serve-mode bundle, relative to the project root. */
  serveInputs: string[];
}

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
      entryPoints: [{ in: 'src/serve.ts', out: 'src/console' }],
      outdir: outDir,
      // Every dependency is bundled. sodium-native's addon, a file no bundle can hold, is loaded
      // from node_modules (sodiumAddonDirect). pino is bundled although its transports (worker
      // threads started from files beside its own) cannot work from a bundle: the console
      // configures none, it logs JSON to stdout, and loading pino from its files cost ~15 ms.
      plugins: [globLeftOut, zodLocalesLeftOut, compressChecksLazy, sodiumAddonDirect],
      // A script, not an ES module: the entry runs it with node:vm, which can hand V8 the code
      // kept from an earlier start and keep the code of this one (serveEntry() says why). What
      // is imported with import() only (the Redis client) stays in the file, run when imported.
      // Node's own modules are require()d, as a script does: an ES import of node:http made
      // Node build a module facade that read every export, and its lazy getters loaded undici
      // (fetch), ~60 ms of every start (test/deploy/bundle.test.ts checks undici stays out).
      format: 'cjs',
      outExtension: { '.js': '.cjs' },
      define: {
        'import.meta.dirname': '__dirname',
        'import.meta.filename': '__filename',
        'import.meta.url': '__import_meta_url',
      },
      banner: { js: "var __import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
      // Licence texts of the bundled dependencies, in a file beside the bundle.
      legalComments: 'linked',
      // Less to read, compile and keep in memory (about 10 MiB less resident, a tenth less CPU
      // at start). Our frames still read src/… through the map; a dependency's frame reads
      // console.cjs and a column, with its function's own name (keepNames).
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
  const bundleFile = join(outDir, 'src', 'console.cjs');
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
    if (!/\.c?js$/.test(output) || options.dependencyMappings) continue;
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
  // The entry reads the bundle as Latin-1 (a copy, not a decoding): that is its text only when
  // every byte is ASCII, as esbuild writes it (charset: 'ascii', its default).
  const bundle = readFileSync(bundleFile);
  const notAscii = bundle.findIndex((byte) => byte > 0x7f);
  if (notAscii >= 0) {
    throw new Error(`${bundleFile} is not ASCII (byte ${notAscii}): the entry reads it as Latin-1`);
  }
  const bundleId = createHash('sha256').update(bundle).digest('hex').slice(0, 16);
  writeFileSync(serveFile, serveEntry(bundleId));

  return { serve: serveFile, bundle: bundleFile, demo: demoFile, serveInputs };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await buildServer(process.argv[2]);
  const own = built.serveInputs.filter((file) => !file.includes('node_modules/')).length;
  process.stdout.write(
    `build-server: ${built.bundle} (${own} of our files, ${built.serveInputs.length - own} from node_modules), ${built.serve}, ${built.demo}\n`,
  );
}
