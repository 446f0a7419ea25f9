import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/project-root.js';

/**
 * The node flags of the image's CMD, read from the Dockerfile: whatever starts serve mode as the
 * image does (test/deploy, bench/startup.ts, the bench's console) starts it with these, so a
 * flag changed in the Dockerfile is the flag measured and tested.
 */
export function imageNodeFlags(root = projectRoot()): string[] {
  return nodeFlagsOf(readFileSync(join(root, 'Dockerfile'), 'utf8'));
}

/** The flags between `node` and `dist/src/server.js` in a Dockerfile's exec-form CMD. */
export function nodeFlagsOf(dockerfile: string): string[] {
  // At the start of a line: HEALTHCHECK's own CMD is indented under it.
  const cmd = /^CMD (\[.+\])$/m.exec(dockerfile)?.[1];
  if (!cmd) throw new Error('Dockerfile: no CMD in exec form');
  const argv = JSON.parse(cmd) as string[];
  const entry = argv.indexOf('dist/src/server.js');
  if (argv[0] !== 'node' || entry < 0) {
    throw new Error(`Dockerfile: CMD does not run node dist/src/server.js: ${cmd}`);
  }
  return argv.slice(1, entry);
}
