import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/*
 * The htmx attribute names of the console are ones htmx itself reads: each name declared in
 * `HtmxAttributes` (components/ui/htmx.ts) and each hx-* / sse-* name written in src/ and
 * components/ is looked up in the htmx source the console ships (htmx.org/dist/htmx.js, which
 * scripts/build-assets.ts bundles). A typo in the declaration (`hx-disable-elt`) would
 * otherwise make scripts/check-jsx.ts accept the typo everywhere.
 */

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const htmxDist = dirname(require.resolve('htmx.org/dist/htmx.js'));

/**
 * Attributes read by an htmx extension rather than by htmx: the SSE extension's `sse-connect`
 * and `sse-swap` (`hx-ext` itself is read by htmx). For htmx 2 that extension is the separate
 * npm package `htmx-ext-sse`, which is not installed; htmx.org still ships the htmx 1 copy in
 * dist/ext/sse.js, which reads the same names, so the names are checked against that file.
 */
const EXTENSION_ATTRIBUTES: Record<string, { extension: string; source: string }> = {
  'sse-connect': { extension: 'sse', source: 'ext/sse.js' },
  'sse-swap': { extension: 'sse', source: 'ext/sse.js' },
};

function parse(file: string): ts.SourceFile {
  const kind = file.endsWith('.tsx')
    ? ts.ScriptKind.TSX
    : file.endsWith('.js')
      ? ts.ScriptKind.JS
      : ts.ScriptKind.TS;
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, kind);
}

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  ts.forEachChild(node, (child) => walk(child, visit));
}

/** Every string literal of a JavaScript file, and the attribute names inside `[hx-…]` selectors. */
function stringsOf(file: string): Set<string> {
  const strings = new Set<string>();
  walk(parse(file), (node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      strings.add(node.text);
      for (const match of node.text.matchAll(/\[(?:data-)?([a-z][a-z-]*)/g)) {
        if (match[1]) strings.add(match[1]);
      }
    }
  });
  return strings;
}

/**
 * The names htmx reads. Most are literals (`getAttributeValue(elt, 'hx-swap')`); the request
 * attributes are built from the verbs: `const VERBS = ['get', 'post', …]` and
 * `hasAttribute(elt, 'hx-' + verb)`.
 */
function htmxAttributeNames(): Set<string> {
  const file = join(htmxDist, 'htmx.js');
  const names = new Set([...stringsOf(file)].filter((s) => /^hx-[a-z-]+$/.test(s)));
  let verbs: string[] = [];
  let buildsFromVerbs = false;
  walk(parse(file), (node) => {
    if (
      ts.isVariableDeclaration(node) &&
      node.name.getText() === 'VERBS' &&
      node.initializer &&
      ts.isArrayLiteralExpression(node.initializer)
    ) {
      verbs = node.initializer.elements.filter(ts.isStringLiteral).map((e) => e.text);
    }
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.PlusToken &&
      ts.isStringLiteral(node.left) &&
      node.left.text === 'hx-' &&
      node.right.getText() === 'verb'
    ) {
      buildsFromVerbs = true;
    }
  });
  // Only when htmx still builds them that way: else the verbs' names are simply missing.
  if (buildsFromVerbs) for (const verb of verbs) names.add(`hx-${verb}`);
  return names;
}

/** The property names of `interface HtmxAttributes`. */
function declaredNames(): { name: string; where: string }[] {
  const file = join(root, 'components', 'ui', 'htmx.ts');
  const names: { name: string; where: string }[] = [];
  walk(parse(file), (node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'HtmxAttributes') {
      for (const member of node.members) {
        if (member.name && (ts.isStringLiteral(member.name) || ts.isIdentifier(member.name))) {
          names.push({ name: member.name.text, where: location(member) });
        }
      }
    }
  });
  return names;
}

function location(node: ts.Node): string {
  const sourceFile = node.getSourceFile();
  const { line } = sourceFile.getLineAndCharacterOfPosition(node.getStart());
  return `${relative(root, sourceFile.fileName)}:${line + 1}`;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(
      (entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts'),
    )
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !relative(root, file).startsWith(join('src', 'gen')));
}

/** hx-* and sse-* names, also in their `data-` form (htmx reads both). */
function htmxName(text: string): string | undefined {
  const bare = text.startsWith('data-') ? text.slice('data-'.length) : text;
  return /^(hx|sse)-/.test(bare) ? bare : undefined;
}

function isHeaderCall(node: ts.Node): boolean {
  return (
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    /^headers?$/.test(node.expression.name.text)
  );
}

interface Used {
  name: string;
  where: string;
  /** A property of an object type declares a name rather than putting it on an element. */
  declaration: boolean;
}

/**
 * The hx-* / sse-* names written in src/ and components/: JSX attribute names, and the property
 * names of object literals and of object types (the objects spread into JSX: `{...attrs}`).
 * Response-header objects (`reply.headers({...})`) are not attributes and are left out.
 */
function usedNames(): Used[] {
  const used: Used[] = [];
  for (const file of [
    ...sourceFiles(join(root, 'src')),
    ...sourceFiles(join(root, 'components')),
  ]) {
    walk(parse(file), (node) => {
      let text: string | undefined;
      if (ts.isJsxAttribute(node)) {
        text = ts.isJsxNamespacedName(node.name)
          ? `${node.name.namespace.text}:${node.name.name.text}`
          : node.name.text;
      } else if (
        (ts.isPropertyAssignment(node) || ts.isPropertySignature(node)) &&
        (ts.isStringLiteral(node.name) || ts.isIdentifier(node.name)) &&
        !(ts.isObjectLiteralExpression(node.parent) && isHeaderCall(node.parent.parent))
      ) {
        text = node.name.text;
      }
      const name = text && htmxName(text);
      if (name)
        used.push({ name, where: location(node), declaration: ts.isPropertySignature(node) });
    });
  }
  return used;
}

const htmxNames = htmxAttributeNames();

function unknown(names: { name: string; where: string }[]): string[] {
  const extensionNames = new Map(
    Object.entries(EXTENSION_ATTRIBUTES).map(([name, { source }]) => [
      name,
      stringsOf(join(htmxDist, source)),
    ]),
  );
  return names
    .filter(({ name }) => !htmxNames.has(name) && !extensionNames.get(name)?.has(name))
    .map(({ name, where }) => `${where}: ${name}`);
}

describe('htmx attribute names', () => {
  it('are read from the htmx source the console ships', () => {
    expect(existsSync(join(htmxDist, 'htmx.js'))).toBe(true);
    // A sanity check of the reading itself: names htmx certainly reads, and one it does not.
    for (const name of ['hx-get', 'hx-post', 'hx-target', 'hx-swap', 'hx-ext', 'hx-disabled-elt']) {
      expect(htmxNames).toContain(name);
    }
    expect(htmxNames).not.toContain('hx-tagret');
    // What a typo in a declaration or an attribute would look like here.
    const typos = [
      { name: 'hx-disable-elt', where: 'x.tsx:1' },
      { name: 'sse-conect', where: 'x.tsx:2' },
    ];
    expect(unknown(typos)).toEqual(['x.tsx:1: hx-disable-elt', 'x.tsx:2: sse-conect']);
  });

  it('the extension allowance lists names its extension reads', () => {
    for (const [name, { source }] of Object.entries(EXTENSION_ATTRIBUTES)) {
      expect(stringsOf(join(htmxDist, source)), `${name} in ${source}`).toContain(name);
    }
  });

  it('every name declared in HtmxAttributes is one htmx reads', () => {
    const declared = declaredNames();
    expect(declared.length).toBeGreaterThan(10);
    expect(unknown(declared)).toEqual([]);
  });

  it('every hx-* / sse-* name written in src/ and components/ is one htmx reads', () => {
    const used = usedNames();
    expect(used.length).toBeGreaterThan(0);
    expect(unknown(used)).toEqual([]);
  });

  it('sse-* attributes are used only once the htmx 2 SSE extension is shipped', () => {
    // htmx ignores sse-connect without the extension (`hx-ext` only takes 'sse' here), and
    // scripts/build-assets.ts bundles htmx alone today.
    const sse = usedNames().filter(
      ({ name, declaration }) =>
        !declaration && (name === 'hx-ext' || EXTENSION_ATTRIBUTES[name]?.extension === 'sse'),
    );
    const buildAssets = readFileSync(join(root, 'scripts', 'build-assets.ts'), 'utf8');
    if (sse.length > 0) {
      expect(
        buildAssets,
        `${sse.map((s) => s.where).join(', ')} use SSE attributes: install htmx-ext-sse and bundle it in scripts/build-assets.ts`,
      ).toContain('htmx-ext-sse');
    }
  });
});
