import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkProgram,
  createProjectProgram,
  defaultFileFilter,
  defaultHtmlRouteFilter,
  type Finding,
  formatFinding,
  projectPath,
  projectRoot,
  type Rule,
  readProjectConfig,
} from '../../scripts/check-jsx.js';

/*
 * scripts/check-jsx.ts over fixtures that seed each mistake it exists for. The mistakes all
 * type-check (that is why the checker exists), so the fixtures are part of `npm run typecheck`;
 * xss-scan does not see them (it scans src/ and components/ only). A line of a `*.bad.*` fixture
 * that must be reported ends with `// expect: <rule>`; the `*.ok.*` fixtures hold the accepted
 * forms and must give nothing.
 */

const fixturesDir = join(import.meta.dirname, 'fixtures');
const fixtures = readdirSync(fixturesDir)
  .filter((name) => /\.tsx?$/.test(name))
  .map((name) => join(fixturesDir, name));
const isFixture = (fileName: string) => projectPath(fileName).startsWith('test/types/fixtures/');
/** The html-routes fixtures stand for modules of src/routes/. */
const isHtmlRouteFixture = (fileName: string) =>
  projectPath(fileName).startsWith('test/types/fixtures/html-routes.');

let program: ts.Program;
let findings: Finding[];

beforeAll(() => {
  // The project's compiler options, its source files (so the global JSX augmentation of
  // components/ui/htmx.ts is there as in the build) and the fixtures: one program for the file.
  program = createProjectProgram({
    config: 'tsconfig.json',
    files: readProjectConfig('tsconfig.build.json').fileNames,
    extraFiles: fixtures,
  });
  findings = checkProgram(program, isFixture, isHtmlRouteFixture);
}, 120_000);

/** `rule:line` of every `// expect: rule` marker in a fixture. */
function expected(fixture: string): string[] {
  const lines = readFileSync(join(fixturesDir, fixture), 'utf8').split('\n');
  return lines.flatMap((text, index) => {
    const marker = /\/\/ expect: ([a-z-]+)\s*$/.exec(text);
    return marker ? [`${marker[1]}:${index + 1}`] : [];
  });
}

function found(fixture: string): string[] {
  return findings
    .filter((f) => f.file === `test/types/fixtures/${fixture}`)
    .map((f) => `${f.rule}:${f.line}`);
}

describe('fixtures', () => {
  it('are valid TypeScript: every seeded mistake type-checks', () => {
    const errors = fixtures.flatMap((file) => {
      const sourceFile = program.getSourceFile(file);
      if (!sourceFile) return [`${file}: not in the program`];
      return [
        ...program.getSyntacticDiagnostics(sourceFile),
        ...program.getSemanticDiagnostics(sourceFile),
      ].map((d) => `${projectPath(file)}: ${JSON.stringify(d.messageText)}`);
    });
    expect(errors).toEqual([]);
  });
});

const rules: { rule: Rule; fixture: string; ext: 'ts' | 'tsx'; count: number }[] = [
  { rule: 'markup', fixture: 'markup', ext: 'tsx', count: 20 },
  { rule: 'markup-child', fixture: 'markup-child', ext: 'tsx', count: 10 },
  { rule: 'url', fixture: 'url', ext: 'tsx', count: 10 },
  { rule: 'htmx-name', fixture: 'htmx', ext: 'tsx', count: 9 },
  { rule: 'field-name', fixture: 'fields', ext: 'tsx', count: 5 },
  { rule: 'route-literal', fixture: 'routes', ext: 'ts', count: 4 },
  { rule: 'route-literal', fixture: 'html-routes', ext: 'ts', count: 5 },
  { rule: 'enum-number', fixture: 'enums', ext: 'tsx', count: 12 },
];

describe.each(rules)('$rule ($fixture)', ({ rule, fixture, ext, count }) => {
  const bad = `${fixture}.bad.${ext}`;
  const ok = `${fixture}.ok.${ext}`;

  it(`reports each seeded mistake of ${bad}, on its line, and nothing else`, () => {
    const want = expected(bad);
    expect(want).toHaveLength(count);
    expect(want.every((w) => w.startsWith(`${rule}:`))).toBe(true);
    expect(found(bad)).toEqual(want);
  });

  it(`accepts the correct forms of ${ok}`, () => {
    expect(found(ok)).toEqual([]);
  });
});

describe('output', () => {
  it('is path:line:col, the rule, and what to do instead', () => {
    const typo = findings.find((f) => f.file.endsWith('htmx.bad.tsx') && f.line === 10);
    expect(typo && formatFinding(typo)).toBe(
      'test/types/fixtures/htmx.bad.tsx:10:24  htmx-name  unknown htmx attribute `hx-tagret`; ' +
        'htmx attributes this console uses are declared in components/ui/htmx.ts',
    );
    const markup = findings.find((f) => f.rule === 'markup');
    expect(markup?.message).toMatch(/^a plain string used as markup: render it as a JSX child/);
    const url = findings.find((f) => f.rule === 'url');
    expect(url?.message).toContain('routes.x.href()) or safeHref() for data');
    const enumNumber = findings.find((f) => f.file.endsWith('enums.bad.tsx') && f.line === 33);
    expect(enumNumber && formatFinding(enumNumber)).toBe(
      'test/types/fixtures/enums.bad.tsx:33:27  enum-number  a bare number where the enum ' +
        'NamespaceStatus is expected: use NamespaceStatus.READ_ONLY',
    );
    const negative = findings.find((f) => f.file.endsWith('enums.bad.tsx') && f.line === 42);
    expect(negative?.message).toMatch(/the enum Step is expected: use Step\.BACK$/);
    const htmlRoute = findings.find((f) => f.file.endsWith('html-routes.bad.ts'));
    expect(htmlRoute?.message).toContain(
      'register HTML routes with get()/post() from src/routes/register.ts: their handlers can ' +
        'only answer through the page renderer',
    );
  });

  it('checks only src/ and components/ by default, without the generated code and the demo', () => {
    const at = (path: string) => defaultFileFilter(join(projectRoot, path));
    expect(at('src/routes/namespaces/list.tsx')).toBe(true);
    expect(at('components/ui/PageHeader.tsx')).toBe(true);
    expect(at('src/gen/prism/admin/v1/namespace_pb.ts')).toBe(false);
    expect(at('src/dev/identity-provider/pages.tsx')).toBe(false);
    expect(at('test/types/fixtures/markup.bad.tsx')).toBe(false);
    expect(at('scripts/build-assets.ts')).toBe(false);
  });

  it('takes src/routes/ as HTML routes, but register.ts and the JSON probes of health.ts', () => {
    const at = (path: string) => defaultHtmlRouteFilter(join(projectRoot, path));
    expect(at('src/routes/namespaces/list.tsx')).toBe(true);
    expect(at('src/routes/auth/index.tsx')).toBe(true);
    expect(at('src/routes/register.ts')).toBe(false);
    expect(at('src/routes/health.ts')).toBe(false);
    expect(at('src/plugins/page.tsx')).toBe(false);
  });
});
