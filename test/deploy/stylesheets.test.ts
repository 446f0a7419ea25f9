import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/project-root.js';

/*
 * The three stylesheets scripts/build-assets.ts builds (npm test builds the assets first): each
 * holds every `dark:` rule once or not at all, the way its theme needs them (src/styles/app.css).
 */
const assets = join(projectRoot(), 'public', 'assets');
const manifest = JSON.parse(readFileSync(join(assets, 'manifest.json'), 'utf8')) as Record<
  string,
  string
>;
const stylesheet = (name: string) => readFileSync(join(assets, manifest[name] as string), 'utf8');

/** Where a dark rule the layout uses sits: inside a prefers-color-scheme block, at the top, or nowhere. */
function darkRule(css: string): 'media' | 'always' | 'none' {
  const at = css.indexOf('.dark\\:bg-slate-950{');
  if (at === -1) return 'none';
  const media = css.lastIndexOf('@media (prefers-color-scheme:dark){', at);
  if (media === -1) return 'always';
  // Inside that block when its braces are still open at the rule.
  let depth = 0;
  for (let i = css.indexOf('{', media); i < at; i++) {
    if (css[i] === '{') depth++;
    else if (css[i] === '}') depth--;
  }
  return depth > 0 ? 'media' : 'always';
}

describe('the stylesheets of the three themes', () => {
  it('system: dark rules under prefers-color-scheme, once', () => {
    const css = stylesheet('app.css');
    expect(darkRule(css)).toBe('media');
    expect(css.split('.dark\\:bg-slate-950{')).toHaveLength(2);
  });

  it('dark: dark rules always, no media query for them', () => {
    const css = stylesheet('app-dark.css');
    expect(darkRule(css)).toBe('always');
    expect(css).not.toContain('prefers-color-scheme');
    // A dark rule comes after the light one it overrides (same specificity: order decides).
    expect(css.indexOf('.dark\\:bg-slate-950{')).toBeGreaterThan(css.indexOf('.bg-slate-50{'));
  });

  it('light: no dark rule at all', () => {
    const css = stylesheet('app-light.css');
    expect(darkRule(css)).toBe('none');
    expect(css).not.toContain('prefers-color-scheme');
    expect(css).not.toMatch(/\.dark\\:/);
    // The light utilities are all there: the same as the system's, less the dark rules.
    for (const rule of ['.bg-slate-50{', '.text-slate-900{', '.lg\\:flex{']) {
      expect(css, rule).toContain(rule);
    }
    expect(css.length).toBeLessThan(stylesheet('app.css').length);
  });
});
