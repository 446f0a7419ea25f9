import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CUTS, consoleHtmx, cutHtmx } from '../../scripts/htmx-bundle.js';
import { projectRoot } from '../../src/project-root.js';

/*
 * The htmx the console ships (scripts/htmx-bundle.ts): htmx less what the console's settings
 * leave dead. What htmx does with it in a browser is what the Chromium tests walk through; here,
 * that the cuts hold to their settings and to the htmx installed.
 */
const require = createRequire(import.meta.url);
const source = readFileSync(require.resolve('htmx.org/dist/htmx.js'), 'utf8');
const ours = consoleHtmx(projectRoot());

/** A top-level function of htmx's source, as written. */
function topLevel(htmx: string, name: string): string {
  const start = htmx.indexOf(`\n  function ${name}(`);
  expect(start, name).toBeGreaterThan(0);
  return htmx.slice(start, htmx.indexOf('\n  }\n', start) + 4);
}

/**
 * What htmx's trigger parser (hx-trigger) makes of `trigger`, run on its own in a sandbox with
 * eval off: each spec (a filter as the value it lets through) and the error events.
 */
function parseTrigger(htmx: string, trigger: string) {
  const sandbox = { errors: [] as string[], specs: [] as Array<Record<string, unknown>>, trigger };
  new Script(
    [
      'const htmx = { config: { allowEval: false } };',
      'function getDocument() { return { body: {} } }',
      'function triggerErrorEvent(elt, name) { errors.push(name) }',
      htmx.slice(
        htmx.indexOf('\n  const WHITESPACE ='),
        htmx.indexOf('\n  function getTriggerSpecs('),
      ),
      topLevel(htmx, 'parseInterval'),
      topLevel(htmx, 'maybeEval'),
      'specs = parseAndCacheTrigger({}, trigger, {})',
    ].join('\n'),
  ).runInNewContext(sandbox);
  return {
    errors: sandbox.errors,
    specs: sandbox.specs.map(({ eventFilter, ...spec }) => ({
      ...spec,
      ...(typeof eventFilter === 'function' ? { filter: eventFilter() } : {}),
    })),
  };
}

describe('htmx as the console ships it', () => {
  it('cuts what the settings leave dead, and still compiles', () => {
    const cut = cutHtmx(source, ours);
    expect(cut.length).toBeLessThan(source.length);
    // No direct eval left (it kept every name from being minified).
    expect(source).toMatch(/\beval\(str\)/);
    expect(cut).not.toMatch(/\beval\(/);
    // Functions whose body went keep their name and arguments (their callers are htmx's own).
    expect(cut).toMatch(/\n {2}function findHxOnWildcardElements\(elt\) \{ return \[\] \}\n/);
    expect(cut).toMatch(/\n {2}function getCachedHistory\(url\) \{ return null \}\n/);
    expect(cut).not.toContain("sessionStorage.setItem('htmx-history-cache'");
    expect(cut).toMatch(/\n {2}function boostElement\(elt, nodeData, triggerSpecs\) \{ {2}\}\n/);
    // Back to a page htmx pushed: always a reload, never a request that swaps it in.
    expect(cut).toMatch(
      /\n {2}function restoreHistory\(path\) \{ saveCurrentPageToHistory\(\); htmx\.location\.reload\(true\) \}\n/,
    );
    expect(cut).not.toContain("getClosestAttributeValue(elt, 'hx-prompt')");
    expect(() => new Script(cut)).not.toThrow();
  });

  it('parses triggers as before: a filter, which eval off forbids, is still reported and passes all', () => {
    const cut = cutHtmx(source, ours);
    const triggers = [
      'click[ctrlKey && shiftKey] delay:1s, keyup',
      'input changed delay:300ms, search',
      "keyup[key=='Enter'] from:body",
      'every 10s [document.visibilityState === "visible"]',
      'live-poll',
    ];
    for (const trigger of triggers) {
      const before = parseTrigger(source, trigger);
      const after = parseTrigger(cut, trigger);
      expect(after, trigger).toEqual(before);
    }
    expect(parseTrigger(cut, triggers[0] as string)).toMatchObject({
      errors: ['htmx:evalDisallowedError'],
      specs: [{ trigger: 'click', delay: 1000, filter: true }, { trigger: 'keyup' }],
    });
  });

  it('refuses to cut when what makes the code dead no longer holds', () => {
    const settings = CUTS.flatMap(({ because }) => ('setting' in because ? [because.setting] : []));
    expect(settings).toContain('allowEval: false');
    for (const setting of settings) {
      const changed = { ...ours, config: ours.config.replace(setting, '') };
      expect(() => cutHtmx(source, changed), setting).toThrow(`no longer sets \`${setting}\``);
    }
    // An attribute the console starts to use (declared among its htmx attributes).
    const boosted = { ...ours, attributes: `${ours.attributes}\n  'hx-boost'?: 'true';` };
    expect(() => cutHtmx(source, boosted)).toThrow(
      'components/ui/htmx.ts declares `hx-boost`, which cuts boostElement',
    );
    // Markup a component starts to write.
    const markup = new Map(ours.markup).set('components/x.tsx', '<hx-partial hx-target="#a">');
    expect(() => cutHtmx(source, { ...ours, markup })).toThrow(
      'components/x.tsx writes <template hx> or <hx-…>',
    );
    const scrolled = new Map(ours.markup).set('src/x.tsx', 'swap: "outerHTML show:top"');
    expect(() => cutHtmx(source, { ...ours, markup: scrolled })).toThrow(
      'src/x.tsx writes a scroll: or show: modifier of hx-swap, which cuts updateScrollState',
    );
    const params = { ...ours, attributes: `${ours.attributes}\n  'hx-params'?: string;` };
    expect(() => cutHtmx(source, params)).toThrow('declares `hx-params`, which cuts filterValues');
    // What the console has today holds: the real files were read.
    expect(ours.markup.size).toBeGreaterThan(50);
    expect(ours.attributes).toContain("'hx-get'");
  });

  it('refuses to cut what this htmx no longer has, or has twice', () => {
    const renamed = source.replace('function insertIndicatorStyles(', 'function addStyles(');
    expect(() => cutHtmx(renamed, ours)).toThrow('0 top-level function(s) insertIndicatorStyles');
    const twice = `${source}\nfunction f(str) { return eval(str) }`;
    expect(() => cutHtmx(twice, ours)).toThrow('is in htmx 2 times');
  });

  it('is the htmx in the script every page loads', () => {
    const assets = join(projectRoot(), 'public', 'assets');
    const manifest = JSON.parse(readFileSync(join(assets, 'manifest.json'), 'utf8'));
    const script = readFileSync(join(assets, manifest['app.js']), 'utf8');
    const { version } = require('htmx.org/package.json') as { version: string };
    expect(script).toContain(`version:"${version}"`);
    expect(script).not.toContain('htmx-history-cache",JSON.stringify');
    expect(script).not.toMatch(/\beval\(/);
  });
});
