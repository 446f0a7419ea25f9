import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { trustedUrl, type Url } from '../html/url.js';
import type { Theme } from './theme.js';

/** Public URLs of the built assets, for the layout. */
export interface Assets {
  /**
   * The stylesheet for each theme (src/styles/app.css): `system` follows prefers-color-scheme,
   * `light` and `dark` are for an operator who chose one.
   */
  stylesheets: Readonly<Record<Theme, Url>>;
  /**
   * Every page's script: htmx with its settings, the htmx SSE extension and src/browser/live.js
   * (the indicator, pause, polling fallback, swaps that keep input), in one file.
   */
  script: Url;
  favicon: Url;
  /** "Copy as command": the Copy button's script (components/ui/CopyCommand.tsx). */
  copyCommand?: Url | undefined;
  /** The AdminService schema the commands name (`buf curl --schema`, src/views/commands-schema.ts). */
  adminSchema?: Url | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    assets: Assets;
  }
}

export interface StaticOptions {
  publicDir: string;
}

function readManifest(publicDir: string): Assets {
  const file = join(publicDir, 'assets', 'manifest.json');
  if (!existsSync(file)) {
    throw new Error(`Static assets are not built (${file} is missing): run \`npm run build\`.`);
  }
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string | undefined>;
  const asset = (name: string) => {
    const hashed = manifest[name];
    if (!hashed) throw new Error(`${file} names no ${name}: run \`npm run build\` again.`);
    return trustedUrl(`/assets/${hashed}`);
  };
  // The favicon keeps its name: browsers ask for it without reading the page.
  return {
    stylesheets: {
      system: asset('app.css'),
      light: asset('app-light.css'),
      dark: asset('app-dark.css'),
    },
    script: asset('app.js'),
    copyCommand: asset('copy-command.js'),
    adminSchema: asset('prism-admin.binpb'),
    favicon: trustedUrl('/favicon.svg'),
  };
}

/**
 * Every file under `publicDir`, as URL paths (`/assets/app.….css`, `/favicon.svg`): what
 * @fastify/static's `wildcard: false` found with glob. Dotfiles are left out, as it left them.
 */
export function publicFiles(publicDir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(publicDir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const parts = relative(publicDir, path).split(sep);
    if (parts.some((part) => part.startsWith('.'))) continue;
    // A link to a file is served as the file is (glob followed links).
    if (entry.isFile() || (entry.isSymbolicLink() && statSync(path).isFile())) {
      files.push(`/${parts.join('/')}`);
    }
  }
  return files.sort();
}

export default fp(
  async (app: FastifyInstance, options: StaticOptions) => {
    app.decorate('assets', readManifest(options.publicDir));
    // `serve: false`, then one GET/HEAD route per file: what `wildcard: false` does, without
    // its glob walk at every start (and without glob in the serve bundle at all, see
    // scripts/build-server-plugins.ts). A URL that names no file is the console's 404, as before.
    await app.register(fastifyStatic, {
      root: options.publicDir,
      serve: false,
      index: false,
      // Hashed names change with their content, so they can be cached for good; the few
      // unhashed files (favicon) get an hour.
      cacheControl: false,
      // The build writes `.br` and `.gz` beside each asset (scripts/build-assets.ts): sent as
      // they are for browsers that accept them (Content-Encoding, Vary: accept-encoding), so no
      // asset is compressed per request.
      preCompressed: true,
      setHeaders(reply, path) {
        const hashedAsset = path.includes(`${join('public', 'assets')}`);
        reply.header(
          'cache-control',
          hashedAsset ? 'public, max-age=31536000, immutable' : 'public, max-age=3600',
        );
      },
    });
    for (const file of publicFiles(options.publicDir)) {
      app.route({
        method: ['GET', 'HEAD'],
        url: file,
        handler: (_request, reply) => reply.sendFile(file),
      });
    }
  },
  { name: 'static' },
);
