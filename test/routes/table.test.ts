import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { navigation } from '../../src/routes/navigation.js';
import { type Route, routes } from '../../src/routes/table.js';
import { type Stack, startStack } from '../helper.js';

/*
 * The route table is the one place paths are written: the app registers exactly its patterns
 * (scripts/check-jsx.ts refuses a route registered by literal), and links come from it. Areas
 * listed in the navigation but not built yet are in the table and not registered.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ signInAdmin: false });
});
afterAll(() => stack?.close());

function tableRoutes(node: unknown): Route[] {
  if (node && typeof node === 'object' && 'pattern' in node && 'href' in node) {
    return [node as Route];
  }
  return node && typeof node === 'object' ? Object.values(node).flatMap(tableRoutes) : [];
}

/** Path → methods, from Fastify's own printout of its router (`├── /:name (GET, HEAD)`). */
function registeredRoutes(printed: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const trail: string[] = [];
  for (const line of printed.split('\n')) {
    const match = /^([│ ├└─]*?)([└├]── )(\S+) \(([^)]*)\)$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    const segment = match[3] ?? '';
    trail.length = depth;
    const parent = trail.join('');
    const path = `${parent}${segment}`;
    trail.push(segment);
    found.set(path, (match[4] ?? '').split(', '));
  }
  return found;
}

describe('the route table', () => {
  const plannedAreas = navigation.filter((item) => !item.available).map((item) => item.href);
  const table = tableRoutes(routes);
  // An area not built yet: its root and every route under it.
  const planned = new Set<string>(
    table
      .map((route) => route.pattern)
      .filter((pattern) =>
        plannedAreas.some((root) => pattern === root || pattern.startsWith(`${root}/`)),
      ),
  );

  it('is what the app registers: every built route, and nothing else but static files', () => {
    const registered = registeredRoutes(stack.app.printRoutes({ commonPrefix: false }));
    const patterns = new Set(table.map((route) => route.pattern));
    const isStatic = (path: string) => path.startsWith('/assets/') || path === '/favicon.svg';
    const unknown = [...registered.keys()].filter((path) => !patterns.has(path) && !isStatic(path));
    expect(unknown).toEqual([]);
    for (const route of table) {
      const built = !planned.has(route.pattern);
      expect(registered.has(route.pattern), route.pattern).toBe(built);
    }
    // The printout was read at all: the namespaces and their forms are there, with methods.
    expect(registered.get('/namespaces/:name/delete')).toEqual(['GET', 'HEAD', 'POST']);
    // Event streams answer GET only (a HEAD would open one for nothing).
    expect(registered.get('/live')).toEqual(['GET']);
  });

  it('builds links with encoded parameters and a query without empty values', () => {
    expect(routes.namespaces.edit.href({ name: 'a/b?c' })).toBe('/namespaces/a%2Fb%3Fc/edit');
    expect(routes.namespaces.list.href({ q: 'a b', status: undefined, page: '', size: 10 })).toBe(
      '/namespaces?q=a+b&size=10',
    );
    expect(routes.consoleSessions.revoke.href({ handle: 'h1' })).toBe(
      '/console-sessions/h1/revoke',
    );
  });
});
