/**
 * The esbuild plugins of scripts/build-server.ts: each changes how one thing is bundled, and says
 * why. A plugin that patches a dependency's text checks that text exactly, so a new version of
 * the dependency fails the build instead of being patched wrongly.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * demo.ts ends with `await import('../server.js')`: left as an import of the serve bundle next
 * to it instead of a second copy of the whole console inside demo.js.
 */
export const serverStaysSeparate: Plugin = {
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
 * @fastify/static requires glob when it loads, for `wildcard: false`, which walks the public
 * folder with it at start. src/plugins/static.ts registers the files itself instead (`serve:
 * false`), so glob and what it pulls in (path-scurry, lru-cache) would be loaded for nothing:
 * ~5 % of the start. Left out, with a stand-in that says why if anything ever calls it.
 */
export const globLeftOut: Plugin = {
  name: 'glob-left-out',
  setup(build) {
    build.onResolve({ filter: /^glob$/ }, (args) =>
      args.importer.includes(`node_modules${sep}@fastify${sep}static${sep}`)
        ? { path: 'glob', namespace: 'glob-left-out' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'glob-left-out' }, () => ({
      contents:
        "exports.glob = async () => { throw new Error('glob is not in the serve bundle: serve public/ as src/plugins/static.ts does (scripts/build-server-plugins.ts)'); };",
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
export const compressChecksLazy: Plugin = {
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
export const zodLocalesLeftOut: Plugin = {
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
 * sodium-native (@fastify/secure-session's cipher) finds its addon with require-addon, which
 * walks package.json files through bare-addon-resolve: loading those modules one by one from
 * node_modules cost ~20 ms of every start, for the one file it picks. Its JavaScript is bundled
 * instead, and its binding.js loads that file straight where require-addon would pick the plain
 * `<platform>-<arch>` prebuild (not on Alpine, where it looks for a `-musl` one). Anywhere else,
 * or without that file, require-addon finds the addon as before. The addon stays in
 * node_modules: the image installs production dependencies for it. Applied to the exact text of
 * the package's binding.js: a version that changed it fails the build here.
 */
const SODIUM_BINDING =
  "require.addon = require('require-addon')\nmodule.exports = require.addon('.', __filename)\n";
export const sodiumAddonDirect: Plugin = {
  name: 'sodium-addon-direct',
  setup(build) {
    build.onLoad({ filter: /[\\/]sodium-native[\\/]binding\.js$/ }, (args) => {
      if (readFileSync(args.path, 'utf8') !== SODIUM_BINDING) {
        throw new Error(`${args.path} is not the binding.js sodiumAddonDirect was written for`);
      }
      return {
        contents: `const { existsSync } = require('node:fs');
const { dirname, join } = require('node:path');
const manifest = 'sodium-native/package.json'; // resolved at run time, from node_modules
const root = dirname(require.resolve(manifest));
const plain = join(root, 'prebuilds', process.platform + '-' + process.arch, 'sodium-native.node');
const musl = process.platform === 'linux' && existsSync('/etc/alpine-release');
module.exports =
  !musl && existsSync(plain)
    ? require(plain)
    : require('require-addon')('.', join(root, 'binding.js'));
`,
        loader: 'js',
      };
    });
  },
};
