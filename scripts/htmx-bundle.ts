/**
 * htmx as the console ships it (scripts/build-assets.ts): htmx.org's dist/htmx.js less the code
 * the console leaves dead, minified with terser. Issue 10 counts the first load in bytes on the
 * wire, and htmx is half of it; what goes is also work the browser no longer does (an XPath
 * query for hx-on over every swapped fragment, a clone of the page on every pushed URL).
 *
 * Each cut names what makes its code dead, and the build checks it still holds, so that a cut
 * fails the build instead of silently taking a feature away:
 * - a setting, which src/browser/htmx-config.js must still set;
 * - an attribute the console never writes: components/ui/htmx.ts declares the closed set of htmx
 *   attributes the console may use (scripts/check-jsx.ts refuses any other), and must not
 *   declare it;
 * - markup no component or view writes (the `<template hx>` partials of htmx 2.0.10).
 * Each cut's text must be found exactly once in the installed htmx, so a new htmx version that
 * moved it fails the build too (read the cut again, then update it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { minify } from 'terser';

const require = createRequire(import.meta.url);

interface Cut {
  /** What goes, and why it is dead here. */
  why: string;
  /** What makes it dead (see above). */
  because:
    | { setting: string }
    | { undeclared: `hx-${string}` }
    | { unwritten: RegExp; description: string };
  /** A top-level function of htmx (its whole body is replaced), or an exact piece of text. */
  target: { fn: string } | { text: string };
  replacement: string;
}

export const CUTS: readonly Cut[] = [
  {
    why:
      'htmx._ evaluates a string with a direct eval(), which keeps every name in htmx from being ' +
      'minified; with eval off it only reports evalDisallowedError, as it still does',
    because: { setting: 'allowEval: false' },
    target: { text: 'return eval(str)' },
    replacement: 'return undefined',
  },
  {
    why:
      'hx-on:* handlers compile their attribute with new Function() when the event comes, which ' +
      'eval off forbids; finding them ran an XPath query over every swapped fragment',
    because: { setting: 'allowEval: false' },
    target: { fn: 'findHxOnWildcardElements' },
    replacement: 'return []',
  },
  {
    why: 'the <style> htmx adds for .htmx-indicator (src/styles/app.css styles it)',
    because: { setting: 'includeIndicatorStyles: false' },
    target: { fn: 'insertIndicatorStyles' },
    replacement: '',
  },
  {
    why:
      'the history cache: pages hold cluster data and are not kept in sessionStorage; saving ' +
      'cloned the whole page on every pushed URL only to find the cache size 0',
    because: { setting: 'historyCacheSize: 0' },
    target: { fn: 'saveToHistoryCache' },
    replacement: '',
  },
  {
    why: 'reading the history cache, which is never written (a miss reloads the page)',
    because: { setting: 'historyCacheSize: 0' },
    target: { fn: 'getCachedHistory' },
    replacement: 'return null',
  },
  {
    why: 'running <script> elements of swapped content (they are removed instead, as before)',
    because: { setting: 'allowScriptTags: false' },
    target: { fn: 'normalizeScriptTags' },
    replacement: "fragment.querySelectorAll('script').forEach((script) => script.remove())",
  },
  {
    why: 'hx-boost: links and forms made into htmx requests',
    because: { undeclared: 'hx-boost' },
    target: { fn: 'boostElement' },
    replacement: '',
  },
  {
    why: 'hx-preserve: elements kept across a swap (live.js keeps what the operator was doing)',
    because: { undeclared: 'hx-preserve' },
    target: { fn: 'handlePreservedElements' },
    replacement: '',
  },
  {
    why: 'putting back what hx-preserve kept',
    because: { undeclared: 'hx-preserve' },
    target: { fn: 'restorePreservedElements' },
    replacement: '',
  },
  {
    why: 'partials: <template hx type="partial"> (or <hx-partial>) in an answer, swapped each to its own target',
    because: { unwritten: /<template\s+hx\b|<hx-[a-z]/, description: '<template hx> or <hx-…>' },
    target: { fn: 'findAndSwapPartials' },
    replacement: 'return false',
  },
  {
    why:
      'restoring a page htmx pushed (Back): the history cache is never written, so it is always ' +
      'a miss, which reloads the page; htmx no longer holds the code that fetched and swapped it',
    because: { setting: 'refreshOnHistoryMiss: true' },
    target: { fn: 'restoreHistory' },
    replacement: 'saveCurrentPageToHistory(); htmx.location.reload(true)',
  },
  {
    why:
      'a trigger filter (`click[ctrlKey]`) compiles to a function, which eval off forbids: it ' +
      'reports evalDisallowedError and lets every event through, as it still does, without ' +
      'the code that wrote the function',
    because: { setting: 'allowEval: false' },
    target: { fn: 'maybeGenerateConditional' },
    replacement:
      "if (tokens[0] === '[') { let depth = 0; while (tokens.length > 0) { const token = " +
      "tokens.shift(); if (token === '[') depth++; else if (token === ']' && --depth === 0) " +
      'return maybeEval(elt, null, function() { return true }) } }',
  },
  {
    why:
      'hx-on:* on an element itself (findHxOnWildcardElements above finds none below it): ' +
      'each handler compiles its attribute with new Function(), which eval off forbids',
    because: { setting: 'allowEval: false' },
    target: { fn: 'processHxOnWildcard' },
    replacement: '',
  },
  {
    why: 'hx-params: which of the form values a request sends',
    because: { undeclared: 'hx-params' },
    target: { fn: 'filterValues' },
    replacement: 'return inputValues',
  },
  {
    why: 'hx-prompt: a prompt() before the request, its answer sent in a header',
    because: { undeclared: 'hx-prompt' },
    target: {
      text: [
        "const promptQuestion = getClosestAttributeValue(elt, 'hx-prompt')",
        '    if (promptQuestion) {',
        '      var promptResponse = prompt(promptQuestion)',
        '      // prompt returns null if cancelled and empty string if accepted with no entry',
        '      if (promptResponse === null ||',
        "      !triggerEvent(elt, 'htmx:prompt', { prompt: promptResponse, target })) {",
        '        maybeCall(resolve)',
        '        endRequestLock()',
        '        return promise',
        '      }',
        '    }',
      ].join('\n'),
    },
    replacement: 'var promptResponse',
  },
  {
    why:
      "hx-swap's scroll: and show: modifiers, which scroll the swapped content into view " +
      '(HxSwap in components/ui/htmx.ts admits neither)',
    because: {
      unwritten: /(?<![\w-])(?:scroll|show):/,
      description: 'a scroll: or show: modifier of hx-swap',
    },
    target: { fn: 'updateScrollState' },
    replacement: '',
  },
];

/** Where `function name(` starts at htmx's top level, and where its body's braces are. */
function functionBody(source: string, name: string): { open: number; close: number } {
  const starts = [...source.matchAll(new RegExp(`\\n  function ${name}\\(`, 'g'))];
  if (starts.length !== 1) {
    throw new Error(`htmx-bundle: htmx has ${starts.length} top-level function(s) ${name}`);
  }
  const start = (starts[0] as RegExpMatchArray).index as number;
  const open = source.indexOf(') {\n', start) + 2;
  // Top-level functions are indented by two spaces: the first line "  }" after it closes it.
  const close = source.indexOf('\n  }\n', open) + 3;
  if (open < 2 || close < 3) throw new Error(`htmx-bundle: no body found for ${name}`);
  return { open, close };
}

/** What the cuts are checked against: the console's htmx settings, attributes and markup. */
export interface ConsoleHtmx {
  /** src/browser/htmx-config.js. */
  config: string;
  /** components/ui/htmx.ts: the htmx attributes the console may write. */
  attributes: string;
  /** Every component and view's source, by file. */
  markup: ReadonlyMap<string, string>;
}

/** Why a cut no longer holds, or undefined. */
function broken(cut: Cut, ours: ConsoleHtmx): string | undefined {
  const { because } = cut;
  if ('setting' in because) {
    return ours.config.includes(because.setting)
      ? undefined
      : `src/browser/htmx-config.js no longer sets \`${because.setting}\``;
  }
  if ('undeclared' in because) {
    return ours.attributes.includes(`'${because.undeclared}'`)
      ? `components/ui/htmx.ts declares \`${because.undeclared}\``
      : undefined;
  }
  for (const [file, text] of ours.markup) {
    if (because.unwritten.test(text)) return `${file} writes ${because.description}`;
  }
  return undefined;
}

/** htmx's source with the cuts applied; throws when one no longer fits (see above). */
export function cutHtmx(source: string, ours: ConsoleHtmx): string {
  let result = source;
  for (const cut of CUTS) {
    const why = broken(cut, ours);
    if (why) {
      throw new Error(
        `htmx-bundle: ${why}, which cuts ` +
          `${'fn' in cut.target ? cut.target.fn : JSON.stringify(cut.target.text)} from htmx ` +
          `(${cut.why}): remove the cut in scripts/htmx-bundle.ts, or undo that change`,
      );
    }
    if ('fn' in cut.target) {
      const { open, close } = functionBody(result, cut.target.fn);
      result = `${result.slice(0, open)}{ ${cut.replacement} }${result.slice(close + 1)}`;
    } else {
      const found = result.split(cut.target.text).length - 1;
      if (found !== 1) {
        throw new Error(
          `htmx-bundle: ${JSON.stringify(cut.target.text)} is in htmx ${found} times, not once`,
        );
      }
      result = result.replace(cut.target.text, cut.replacement);
    }
  }
  return result;
}

/** The console's htmx settings, attributes and markup, read from `root`. */
export function consoleHtmx(root: string): ConsoleHtmx {
  const markup = new Map<string, string>();
  for (const folder of [
    'components',
    ...['routes', 'plugins', 'views'].map((f) => join('src', f)),
  ]) {
    for (const file of readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })) {
      if (/\.tsx?$/.test(file)) {
        const path = join(folder, file);
        markup.set(path, readFileSync(join(root, path), 'utf8'));
      }
    }
  }
  return {
    config: readFileSync(join(root, 'src', 'browser', 'htmx-config.js'), 'utf8'),
    attributes: readFileSync(join(root, 'components', 'ui', 'htmx.ts'), 'utf8'),
    markup,
  };
}

/** The htmx the console ships, minified. */
export async function htmxBundle(root: string): Promise<Buffer> {
  const source = readFileSync(require.resolve('htmx.org/dist/htmx.js'), 'utf8');
  const { code } = await minify(cutHtmx(source, consoleHtmx(root)), {
    compress: { passes: 2 },
    mangle: true,
    format: { comments: /^!|@license/ },
  });
  if (!code) throw new Error('htmx-bundle: terser produced nothing');
  return Buffer.from(code);
}
