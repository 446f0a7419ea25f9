/**
 * Checks the JSX and route code for mistakes that type-check but TypeScript cannot see:
 *
 * - `markup`: a plain string where markup (`JSX.Element`) is expected. `JSX.Element` is
 *   `string | Promise<string>`, so a string passed as a `JSX.Element` prop, put in a
 *   `JSX.Element` property or returned from a `JSX.Element` function is rendered raw, and
 *   xss-scan trusts it because of its type.
 * - `url`: `href`, `action`, `formaction`, `src`, `hx-get`, `hx-post`, `hx-push-url` and
 *   `sse-connect` take a `Url` (src/html/url.ts): from the route table, the asset manifest or
 *   `safeHref()`; not a path literal nor a string from data (`javascript:`).
 * - `htmx-name`: TypeScript never checks the names of hyphenated JSX attributes, so `hx-tagret`
 *   passes; only the htmx attributes declared in components/ui/htmx.ts are allowed.
 * - `field-name`: `name=` on form controls takes a `FieldName` (src/forms/contract.ts), so the
 *   component and the handler's parser share one definition.
 * - `route-literal`: routes are registered from the route table, not from path literals; and in
 *   src/routes/ (but register.ts and the JSON probes of health.ts) only through get()/post() of
 *   src/routes/register.ts, never Fastify's own methods, whose handlers can `send` anything.
 * - `enum-number`: a number literal where an enum (the protobuf enums of src/gen/) is expected.
 *   TypeScript accepts `2` for `NamespaceStatus.READ_ONLY`; a reader cannot tell which status it
 *   is, and it silently changes meaning if the proto is renumbered.
 * - `markup-child`: a plain string in a branch of a conditional JSX child, outside an element
 *   with `safe`: rendered unescaped, and xss-scan does not look there (see checkMarkupChild).
 *
 * `npm run lint:jsx` runs it over tsconfig.build.json (src/ and components/, without the
 * generated code and the demo companions). `checkProgram()` is the core, for the tests.
 */
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const projectRoot = resolve(import.meta.dirname, '..');

export type Rule =
  | 'markup'
  | 'markup-child'
  | 'url'
  | 'htmx-name'
  | 'field-name'
  | 'route-literal'
  | 'enum-number';

export interface Finding {
  /** Relative to the project root, with forward slashes. */
  file: string;
  line: number;
  column: number;
  rule: Rule;
  message: string;
}

/** Where the types the rules compare against are declared. */
const references = {
  url: { file: 'src/html/url.ts', name: 'Url' },
  fieldName: { file: 'src/forms/contract.ts', name: 'FieldName' },
  htmx: { file: 'components/ui/htmx.ts', name: 'HtmxAttributes' },
} as const;

const URL_ATTRIBUTES = new Set([
  'href',
  'action',
  'formaction',
  'src',
  'hx-get',
  'hx-post',
  'hx-push-url',
  'sse-connect',
]);
const FORM_CONTROLS = new Set(['input', 'select', 'textarea', 'button']);
const ROUTE_METHODS = new Set([
  'get',
  'post',
  'put',
  'patch',
  'delete',
  'head',
  'options',
  'all',
  'route',
]);

const MESSAGES = {
  markup:
    'a plain string used as markup: render it as a JSX child with `safe`, or type the prop as string',
  url: 'links come from the route table (routes.x.href()) or safeHref() for data',
  fieldName: "form field names come from the form's contract (src/forms/)",
  route: 'register routes from the route table (src/routes/table.ts)',
  htmlRoute:
    'register HTML routes with get()/post() from src/routes/register.ts: their handlers can only answer through the page renderer',
  markupChild:
    'a plain string in a conditional JSX child is rendered unescaped, and xss-scan reads only the else branch of a conditional: put it in an element with `safe` (<span safe>{x}</span>)',
  htmx: 'htmx attributes this console uses are declared in components/ui/htmx.ts',
};

/** Relative path of a file, with forward slashes on every platform. */
export function projectPath(fileName: string, root: string = projectRoot): string {
  return relative(root, fileName).split(sep).join('/');
}

/** The files `npm run lint:jsx` checks: src/ and components/, not generated code nor the demo. */
export function defaultFileFilter(fileName: string): boolean {
  const path = projectPath(fileName);
  return (
    (path.startsWith('src/') || path.startsWith('components/')) &&
    !path.startsWith('src/gen/') &&
    !path.startsWith('src/dev/') &&
    !path.endsWith('.d.ts')
  );
}

/**
 * The modules of HTML routes, which must register through src/routes/register.ts: src/routes/,
 * but register.ts itself and health.ts (its probes answer JSON on purpose).
 */
export function defaultHtmlRouteFilter(fileName: string): boolean {
  const path = projectPath(fileName);
  return (
    path.startsWith('src/routes/') &&
    path !== 'src/routes/register.ts' &&
    path !== 'src/routes/health.ts'
  );
}

/** Reads a tsconfig of the project (tsconfig.json or tsconfig.build.json). */
export function readProjectConfig(name = 'tsconfig.build.json'): ts.ParsedCommandLine {
  const configPath = join(projectRoot, name);
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${configPath}`);
  return parsed;
}

/** A program over the files of `config` (plus `extraFiles`), with that config's options. */
export function createProjectProgram(
  options: { config?: string; files?: readonly string[]; extraFiles?: readonly string[] } = {},
): ts.Program {
  const parsed = readProjectConfig(options.config);
  const rootNames = [...(options.files ?? parsed.fileNames), ...(options.extraFiles ?? [])];
  return ts.createProgram({ rootNames, options: { ...parsed.options, noEmit: true } });
}

/**
 * Runs every rule over the program's files that `fileFilter` accepts; `htmlRouteFilter` says
 * which of them are modules of HTML routes (for `route-literal`).
 */
export function checkProgram(
  program: ts.Program,
  fileFilter: (fileName: string) => boolean = defaultFileFilter,
  htmlRouteFilter: (fileName: string) => boolean = defaultHtmlRouteFilter,
): Finding[] {
  const checker = program.getTypeChecker();
  const ctx = new Context(program, checker);
  const findings: Finding[] = [];
  for (const sourceFile of program.getSourceFiles()) {
    if (sourceFile.isDeclarationFile || !fileFilter(sourceFile.fileName)) continue;
    const htmlRoutes = htmlRouteFilter(sourceFile.fileName);
    const report = (node: ts.Node, rule: Rule, message: string) => {
      const { line, character } = sourceFile.getLineAndCharacterOfPosition(
        node.getStart(sourceFile),
      );
      findings.push({
        file: projectPath(sourceFile.fileName),
        line: line + 1,
        column: character + 1,
        rule,
        message,
      });
    };
    const visit = (node: ts.Node): void => {
      checkMarkup(ctx, node, report);
      if (ts.isJsxOpeningElement(node) || ts.isJsxSelfClosingElement(node)) {
        checkIntrinsicAttributes(ctx, node, report);
      }
      if (ts.isJsxExpression(node)) checkMarkupChild(ctx, node, report);
      if (ts.isCallExpression(node)) checkRouteRegistration(ctx, node, report, htmlRoutes);
      checkEnumNumber(ctx, node, report);
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return findings.sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
  );
}

type Report = (node: ts.Node, rule: Rule, message: string) => void;

/** The program, its checker, and the reference types the rules compare against. */
class Context {
  readonly url: ts.Type;
  /** The brand of `FieldName`: `FieldName<N>` is `N & brand`. */
  readonly fieldNameBrand: ts.Type;
  readonly htmxNames: ReadonlySet<string>;

  constructor(
    readonly program: ts.Program,
    readonly checker: ts.TypeChecker,
  ) {
    this.url = checker.getDeclaredTypeOfSymbol(this.exported(references.url));
    const fieldName = checker.getDeclaredTypeOfSymbol(this.exported(references.fieldName));
    const brand = fieldName.isIntersection()
      ? fieldName.types.filter((t) => !(t.flags & ts.TypeFlags.TypeParameter))
      : [];
    if (brand.length !== 1 || !brand[0]) {
      throw new Error(`${references.fieldName.file}: FieldName is no longer \`N & brand\``);
    }
    this.fieldNameBrand = brand[0];
    const htmx = checker.getDeclaredTypeOfSymbol(this.exported(references.htmx));
    this.htmxNames = new Set(checker.getPropertiesOfType(htmx).map((p) => p.getName()));
  }

  private exported(ref: { file: string; name: string }): ts.Symbol {
    const sourceFile = this.program.getSourceFile(join(projectRoot, ref.file));
    const module = sourceFile && this.checker.getSymbolAtLocation(sourceFile);
    const symbol =
      module && this.checker.getExportsOfModule(module).find((s) => s.name === ref.name);
    if (!symbol) {
      throw new Error(`check-jsx needs \`${ref.name}\` exported by ${ref.file} in the program`);
    }
    return symbol;
  }

  typeText(type: ts.Type): string {
    return this.checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
  }
}

// ---------------------------------------------------------------------------------------------
// R1 markup

function isJsxElementAlias(checker: ts.TypeChecker, type: ts.Type): boolean {
  const alias = type.aliasSymbol;
  return !!alias && checker.getFullyQualifiedName(alias) === 'JSX.Element';
}

/**
 * The members of a type as written: `JSX.Element | undefined` is stored as the flattened
 * `string | Promise<string> | undefined`, but TypeScript keeps the union it was written as in
 * `origin` (what editors show on hover). That field is not in the public API, so it is read
 * defensively; without it the flattened members are used.
 */
function writtenMembers(checker: ts.TypeChecker, type: ts.Type): ts.Type[] {
  if (isJsxElementAlias(checker, type)) return [type];
  if (type.isUnion()) {
    const origin = (type as ts.UnionType & { origin?: ts.Type }).origin;
    const members = origin?.isUnion() ? origin.types : type.types;
    return members.flatMap((t) => writtenMembers(checker, t));
  }
  return [type];
}

function isPromiseOfString(type: ts.Type): boolean {
  if (type.getSymbol()?.getName() !== 'Promise') return false;
  const [argument] = (type as ts.TypeReference).typeArguments ?? [];
  return !!argument && !!(argument.flags & ts.TypeFlags.String);
}

/** Does a contextual type ask for markup: is it, or does it include, `JSX.Element`? */
function expectsMarkup(checker: ts.TypeChecker, type: ts.Type | undefined): boolean {
  if (!type) return false;
  if (type.flags & ts.TypeFlags.TypeParameter) {
    return expectsMarkup(checker, checker.getBaseConstraintOfType(type));
  }
  // Only the alias counts, not its shape: `T | Promise<T>` instantiated with a string (zod's
  // `.transform()` callbacks) is `string | Promise<string>` too, and is not markup.
  return writtenMembers(checker, type).some(
    (t) =>
      isJsxElementAlias(checker, t) ||
      (!!(t.flags & ts.TypeFlags.TypeParameter) &&
        expectsMarkup(checker, checker.getBaseConstraintOfType(t))),
  );
}

/** Is this (written) member a string that is not markup: `string`, `'<b>'`, `` `${x}` ``? */
function isPlainString(type: ts.Type): boolean {
  if (type.isStringLiteral()) return type.value !== '';
  if (
    type.flags &
    (ts.TypeFlags.String | ts.TypeFlags.TemplateLiteral | ts.TypeFlags.StringMapping)
  ) {
    return true;
  }
  // A branded string (`Url`, `FieldName`) is still a plain string.
  return type.isIntersection() && type.types.some(isPlainString);
}

/** The plain-string members of an expression's own type, or none when it is markup. */
function plainStringMembers(checker: ts.TypeChecker, type: ts.Type): ts.Type[] {
  if (type.flags & ts.TypeFlags.Any) return [];
  const members = writtenMembers(checker, type);
  // `string | Promise<string>` without its alias is what `JSX.Element` flattens to when
  // TypeScript did not keep the written union: take it as markup rather than guess.
  if (members.some(isPromiseOfString)) return [];
  return members.filter((t) => !isJsxElementAlias(checker, t) && isPlainString(t));
}

/**
 * Wrappers a value passes through unchanged on its way to where it is used: the checked
 * expressions are the leaves inside them (each branch of `a ? b : c`, both sides of `a ?? b`).
 * `x as T` is not one: a cast is an explicit decision, checked as its own (asserted) type.
 */
function isTransparentParent(node: ts.Expression): boolean {
  const parent = node.parent;
  if (ts.isParenthesizedExpression(parent) || ts.isNonNullExpression(parent)) return true;
  if (ts.isSatisfiesExpression(parent)) return true;
  if (ts.isConditionalExpression(parent)) return node !== parent.condition;
  if (ts.isBinaryExpression(parent)) {
    switch (parent.operatorToken.kind) {
      case ts.SyntaxKind.BarBarToken:
      case ts.SyntaxKind.QuestionQuestionToken:
        return true;
      case ts.SyntaxKind.AmpersandAmpersandToken:
      case ts.SyntaxKind.CommaToken:
        return node === parent.right;
    }
  }
  return false;
}

function isComposite(node: ts.Node): boolean {
  return (
    ts.isParenthesizedExpression(node) ||
    ts.isNonNullExpression(node) ||
    ts.isSatisfiesExpression(node) ||
    ts.isConditionalExpression(node) ||
    (ts.isBinaryExpression(node) &&
      [
        ts.SyntaxKind.BarBarToken,
        ts.SyntaxKind.QuestionQuestionToken,
        ts.SyntaxKind.AmpersandAmpersandToken,
        ts.SyntaxKind.CommaToken,
      ].includes(node.operatorToken.kind))
  );
}

/**
 * Is `root` (the outermost expression around a leaf) in a place where its value is handed to
 * something typed: a JSX attribute, an argument, an initializer, a property, an array element,
 * a `return` or an arrow's body? JSX children are not: xss-scan covers those.
 */
function isValuePosition(root: ts.Expression): boolean {
  const parent = root.parent;
  if (ts.isJsxAttribute(parent)) return parent.initializer === root;
  if (ts.isJsxExpression(parent)) return ts.isJsxAttribute(parent.parent);
  if (ts.isReturnStatement(parent)) return true;
  if (ts.isArrowFunction(parent)) return parent.body === root;
  if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) {
    return !!parent.arguments?.includes(root);
  }
  if (
    ts.isVariableDeclaration(parent) ||
    ts.isPropertyDeclaration(parent) ||
    ts.isParameter(parent) ||
    ts.isBindingElement(parent) ||
    ts.isPropertyAssignment(parent)
  ) {
    return parent.initializer === root;
  }
  if (ts.isShorthandPropertyAssignment(parent)) return parent.name === root;
  if (ts.isArrayLiteralExpression(parent)) return true;
  if (ts.isBinaryExpression(parent)) {
    return parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === root;
  }
  return false;
}

/**
 * For `return x` and `=> x` in an async function whose result is markup: declared
 * `Promise<JSX.Element>`, or a callback where a `() => JSX.Element` is expected (a promise of a
 * string is markup to kitajs too). TypeScript gives such a return the awaited type as its
 * contextual type, and awaiting `string | Promise<string>` loses the JSX.Element alias.
 */
function asyncReturnExpectsMarkup(checker: ts.TypeChecker, root: ts.Expression): boolean {
  const parent = root.parent;
  const fn = ts.isReturnStatement(parent)
    ? ts.findAncestor(parent, ts.isFunctionLike)
    : ts.isArrowFunction(parent)
      ? parent
      : undefined;
  if (!fn || !(ts.getCombinedModifierFlags(fn as ts.Declaration) & ts.ModifierFlags.Async)) {
    return false;
  }
  let result: ts.Type | undefined;
  if (fn.type) {
    result = checker.getTypeFromTypeNode(fn.type);
  } else if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) {
    const expected = checker.getContextualType(fn);
    result = expected?.getCallSignatures()[0]?.getReturnType();
  }
  if (!result) return false;
  if (result.getSymbol()?.getName() === 'Promise' && !isJsxElementAlias(checker, result)) {
    const [awaited] = checker.getTypeArguments(result as ts.TypeReference);
    return expectsMarkup(checker, awaited);
  }
  return expectsMarkup(checker, result);
}

/**
 * For an argument of a generic call, the declared parameter type: TypeScript's contextual type
 * is the instantiated one (`wrap<T extends JSX.Element>(x: T)` called with a string gives
 * `string`), which no longer says that markup was asked for.
 */
function genericParameterExpectsMarkup(checker: ts.TypeChecker, root: ts.Expression): boolean {
  const call = root.parent;
  if (!ts.isCallExpression(call) && !ts.isNewExpression(call)) return false;
  const index = call.arguments?.indexOf(root) ?? -1;
  const declaration = checker.getResolvedSignature(call)?.getDeclaration();
  if (index < 0 || !declaration || !('parameters' in declaration)) return false;
  const parameter = declaration.parameters[index];
  if (!parameter?.type || parameter.dotDotDotToken) return false;
  return expectsMarkup(checker, checker.getTypeFromTypeNode(parameter.type));
}

/**
 * A variable declared `JSX.Element` and read later: TypeScript narrows it to the type of what
 * was assigned, but that assignment is where a string would have been reported.
 */
function isDeclaredMarkup(checker: ts.TypeChecker, node: ts.Expression): boolean {
  if (!ts.isIdentifier(node)) return false;
  const declaration = checker.getSymbolAtLocation(node)?.valueDeclaration;
  return (
    !!declaration &&
    (ts.isVariableDeclaration(declaration) || ts.isParameter(declaration)) &&
    !!declaration.type &&
    expectsMarkup(checker, checker.getTypeFromTypeNode(declaration.type))
  );
}

/**
 * The type of a value. A string literal written as a JSX attribute (`actions="<b>x</b>"`) is not
 * an expression to `getTypeAtLocation` (it answers `any`): its type is its literal type.
 */
function typeOfValue(checker: ts.TypeChecker, node: ts.Expression): ts.Type {
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)
    ? checker.getStringLiteralType(node.text)
    : checker.getTypeAtLocation(node);
}

function checkMarkup(ctx: Context, node: ts.Node, report: Report): void {
  if (!ts.isExpression(node) || isComposite(node)) return;
  let root: ts.Expression = node;
  while (isTransparentParent(root)) root = root.parent as ts.Expression;
  if (!isValuePosition(root)) return;
  const { checker } = ctx;
  const expected =
    expectsMarkup(checker, checker.getContextualType(node)) ||
    asyncReturnExpectsMarkup(checker, root) ||
    genericParameterExpectsMarkup(checker, root);
  if (!expected || isDeclaredMarkup(checker, node)) return;
  const own = typeOfValue(checker, node);
  const plain = plainStringMembers(checker, own);
  if (plain.length === 0) return;
  report(
    node,
    'markup',
    `${MESSAGES.markup} (this is \`${ctx.typeText(own)}\` where JSX.Element is expected)`,
  );
}

// ---------------------------------------------------------------------------------------------
// R2 url, R3 htmx-name, R4 field-name

/** Lower-case and custom-element tags are HTML elements; the rest are components. */
function intrinsicTagName(tag: ts.JsxTagNameExpression): string | undefined {
  if (ts.isIdentifier(tag)) {
    const name = tag.text;
    return /^[a-z]/.test(name) || name.includes('-') ? name : undefined;
  }
  if (ts.isJsxNamespacedName(tag)) return `${tag.namespace.text}:${tag.name.text}`;
  return undefined;
}

function attributeName(attribute: ts.JsxAttribute): string {
  const { name } = attribute;
  return ts.isJsxNamespacedName(name) ? `${name.namespace.text}:${name.name.text}` : name.text;
}

/** `hx-…`/`sse-…`, also in their `data-` form, which htmx reads as well. */
function htmxNameOf(name: string): { name: string; dataPrefixed: boolean } | undefined {
  const dataPrefixed = name.startsWith('data-');
  const bare = dataPrefixed ? name.slice('data-'.length) : name;
  return bare.startsWith('hx-') || bare.startsWith('sse-')
    ? { name: bare, dataPrefixed }
    : undefined;
}

function unionMembers(type: ts.Type): readonly ts.Type[] {
  return type.isUnion() ? type.types : [type];
}

/** Why a value is not a Url for `attribute`, or undefined when it is fine. */
function urlProblem(ctx: Context, attribute: string, type: ts.Type): string | undefined {
  for (const member of unionMembers(type)) {
    if (member.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Never)) continue;
    if (member.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return ctx.typeText(member);
    if (member.isStringLiteral()) {
      if (member.value.startsWith('#')) continue;
      if (attribute === 'hx-push-url' && (member.value === 'true' || member.value === 'false')) {
        continue;
      }
      return JSON.stringify(member.value);
    }
    if (member.flags & ts.TypeFlags.TemplateLiteral) {
      const [head] = (member as ts.TemplateLiteralType).texts;
      if (head?.startsWith('#')) continue;
    }
    if (ctx.checker.isTypeAssignableTo(member, ctx.url)) continue;
    return ctx.typeText(member);
  }
  return undefined;
}

/** `` href={`#${id}`} ``: an in-page anchor, though its type is only `string`. */
function isAnchorTemplate(expression: ts.Expression | undefined): boolean {
  return (
    !!expression && ts.isTemplateExpression(expression) && expression.head.text.startsWith('#')
  );
}

function fieldNameProblem(ctx: Context, type: ts.Type): string | undefined {
  const { checker } = ctx;
  for (const member of unionMembers(type)) {
    if (member.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Never)) continue;
    const ok =
      !(member.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) &&
      checker.isTypeAssignableTo(member, checker.getStringType()) &&
      checker.isTypeAssignableTo(member, ctx.fieldNameBrand);
    if (!ok) return ctx.typeText(member);
  }
  return undefined;
}

/** The objects a spread may be (`{...(cond ? attrs : {})}`), without what spreads to nothing. */
function spreadObjects(type: ts.Type): ts.Type[] {
  return unionMembers(type).filter(
    (t) =>
      !(
        t.flags &
        (ts.TypeFlags.Undefined |
          ts.TypeFlags.Null |
          ts.TypeFlags.Never |
          ts.TypeFlags.BooleanLiteral |
          ts.TypeFlags.Boolean)
      ),
  );
}

function checkIntrinsicAttributes(
  ctx: Context,
  element: ts.JsxOpeningElement | ts.JsxSelfClosingElement,
  report: Report,
): void {
  const tag = intrinsicTagName(element.tagName);
  if (tag === undefined) return;
  const { checker } = ctx;
  const isFormControl = FORM_CONTROLS.has(tag);

  const checkValue = (name: string, type: ts.Type, at: ts.Node, anchorTemplate: boolean) => {
    if (URL_ATTRIBUTES.has(name) && !anchorTemplate) {
      const problem = urlProblem(ctx, name, type);
      if (problem !== undefined) {
        report(at, 'url', `\`${name}\` is ${problem}, not a Url: ${MESSAGES.url}`);
      }
    }
    if (name === 'name' && isFormControl) {
      const problem = fieldNameProblem(ctx, type);
      if (problem !== undefined) {
        report(at, 'field-name', `\`name\` of <${tag}> is ${problem}: ${MESSAGES.fieldName}`);
      }
    }
  };

  for (const attribute of element.attributes.properties) {
    if (ts.isJsxAttribute(attribute)) {
      const name = attributeName(attribute);
      const htmx = htmxNameOf(name);
      if (htmx && (htmx.dataPrefixed || !ctx.htmxNames.has(htmx.name))) {
        report(attribute, 'htmx-name', unknownHtmxMessage(ctx, name, htmx));
      }
      if (!URL_ATTRIBUTES.has(name) && !(name === 'name' && isFormControl)) continue;
      const initializer = attribute.initializer;
      const valueNode =
        initializer && ts.isJsxExpression(initializer) ? initializer.expression : initializer;
      // `<a href>` without a value is `true`.
      const type = valueNode ? typeOfValue(checker, valueNode) : checker.getTrueType();
      checkValue(name, type, attribute, isAnchorTemplate(valueNode));
    } else {
      checkSpread(ctx, attribute, report, checkValue);
    }
  }
}

function unknownHtmxMessage(
  ctx: Context,
  written: string,
  htmx: { name: string; dataPrefixed: boolean },
): string {
  if (htmx.dataPrefixed && ctx.htmxNames.has(htmx.name)) {
    return `write \`${htmx.name}\`, not \`${written}\`: only the declared hx-* names are typed and checked; ${MESSAGES.htmx}`;
  }
  return `unknown htmx attribute \`${written}\`; ${MESSAGES.htmx}`;
}

function checkSpread(
  ctx: Context,
  spread: ts.JsxSpreadAttribute,
  report: Report,
  checkValue: (name: string, type: ts.Type, at: ts.Node, anchorTemplate: boolean) => void,
): void {
  const { checker } = ctx;
  const type = checker.getTypeAtLocation(spread.expression);
  const hxProbe = checker.getStringLiteralType('hx-probe');
  const sseProbe = checker.getStringLiteralType('sse-probe');
  for (const object of spreadObjects(type)) {
    if (object.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) {
      report(
        spread,
        'htmx-name',
        `a spread of type \`${ctx.typeText(object)}\` can carry any attribute; spread a typed object (HxAttributes); ${MESSAGES.htmx}`,
      );
      continue;
    }
    for (const info of checker.getIndexInfosOfType(object)) {
      if (
        checker.isTypeAssignableTo(hxProbe, info.keyType) ||
        checker.isTypeAssignableTo(sseProbe, info.keyType)
      ) {
        report(
          spread,
          'htmx-name',
          `a spread of \`${ctx.typeText(object)}\` (an index signature) can carry any hx-* attribute, unchecked; spread HxAttributes or name the attributes; ${MESSAGES.htmx}`,
        );
      }
    }
    for (const property of checker.getPropertiesOfType(object)) {
      const name = property.getName();
      const htmx = htmxNameOf(name);
      if (htmx && (htmx.dataPrefixed || !ctx.htmxNames.has(htmx.name))) {
        report(spread, 'htmx-name', unknownHtmxMessage(ctx, name, htmx));
      }
      checkValue(
        name,
        checker.getTypeOfSymbolAtLocation(property, spread.expression),
        spread,
        false,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// R5 route-literal

function isFastifyInstance(type: ts.Type): boolean {
  if (type.isIntersection()) return type.types.some(isFastifyInstance);
  const symbol = type.getSymbol() ?? type.aliasSymbol;
  if (symbol?.getName() !== 'FastifyInstance') return false;
  return (symbol.declarations ?? []).some((d) =>
    d.getSourceFile().fileName.split(sep).join('/').includes('/node_modules/fastify/'),
  );
}

function isLiteralPath(node: ts.Node | undefined): boolean {
  return (
    !!node &&
    (ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateExpression(node))
  );
}

/** The path literal a route registration is given, if it is given one. */
function literalPathOf(call: ts.CallExpression, method: string): ts.Node | undefined {
  const [first] = call.arguments;
  if (method !== 'route') return isLiteralPath(first) ? first : undefined;
  if (!first || !ts.isObjectLiteralExpression(first)) return undefined;
  for (const property of first.properties) {
    if (
      ts.isPropertyAssignment(property) &&
      (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) &&
      property.name.text === 'url' &&
      isLiteralPath(property.initializer)
    ) {
      return property.initializer;
    }
  }
  return undefined;
}

/**
 * Everywhere: a route registered from a path literal. In a module of HTML routes
 * (`htmlRoutes`), also any direct registration on a FastifyInstance: one finding per call, at
 * the method's name, which says both when both apply.
 */
function checkRouteRegistration(
  ctx: Context,
  call: ts.CallExpression,
  report: Report,
  htmlRoutes: boolean,
): void {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !ROUTE_METHODS.has(callee.name.text)) return;
  if (!isFastifyInstance(ctx.checker.getTypeAtLocation(callee.expression))) return;
  const method = callee.name.text;
  const literal = literalPathOf(call, method);
  const written = method === 'route' ? '.route({ url })' : `.${method}()`;
  if (htmlRoutes) {
    const also = literal ? `; and not from a path literal: ${MESSAGES.route}` : '';
    report(
      callee.name,
      'route-literal',
      `\`.${method}()\` of Fastify in a module of HTML routes: ${MESSAGES.htmlRoute}${also}`,
    );
  } else if (literal) {
    report(literal, 'route-literal', `\`${written}\` with a path literal: ${MESSAGES.route}`);
  }
}

// ---------------------------------------------------------------------------------------------
// R6 enum-number

const COMPARISONS = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
  ts.SyntaxKind.LessThanToken,
  ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.GreaterThanEqualsToken,
]);

/**
 * `2` or `-1`, with its value; the `1` of `-1` is not one on its own, nor is a number that names
 * a property (`{ 2: label }` of a `Record<NamespaceStatus, …>`: keys are out of this rule's scope).
 */
function numberLiteral(node: ts.Node): { node: ts.Expression; value: number } | undefined {
  if (ts.isNumericLiteral(node)) {
    const parent = node.parent;
    if (ts.isPrefixUnaryExpression(parent) && parent.operator === ts.SyntaxKind.MinusToken) {
      return undefined;
    }
    const named = parent as ts.Node & { name?: ts.Node; propertyName?: ts.Node };
    if (named.name === node || named.propertyName === node) return undefined;
    return { node, value: Number(node.text) };
  }
  if (
    ts.isPrefixUnaryExpression(node) &&
    node.operator === ts.SyntaxKind.MinusToken &&
    ts.isNumericLiteral(node.operand)
  ) {
    return { node, value: -Number(node.operand.text) };
  }
  return undefined;
}

/**
 * The type a number is expected to be: its contextual type (an argument, a property of an
 * object literal, an initializer, an array element, a JSX attribute, a `return`), or for a
 * comparison and a `case` (which have none), the type of what it is compared with.
 */
function expectedTypeOfNumber(checker: ts.TypeChecker, node: ts.Expression): ts.Type | undefined {
  let outer: ts.Expression = node;
  while (ts.isParenthesizedExpression(outer.parent)) outer = outer.parent;
  const parent = outer.parent;
  if (ts.isBinaryExpression(parent) && COMPARISONS.has(parent.operatorToken.kind)) {
    return checker.getTypeAtLocation(parent.left === outer ? parent.right : parent.left);
  }
  if (ts.isCaseClause(parent) && parent.expression === outer) {
    return checker.getTypeAtLocation(parent.parent.parent.expression);
  }
  return checker.getContextualType(node);
}

/**
 * The enums a number is expected to be a member of: when every member of the expected type
 * that could take the number (besides `undefined`) is an enum's. None when a plain `number`
 * (or `{}`, `unknown`, a type parameter) is also accepted.
 */
function expectedEnums(
  checker: ts.TypeChecker,
  expected: ts.Type,
  value: ts.Type,
): ts.EnumDeclaration[] {
  const enums = new Set<ts.EnumDeclaration>();
  for (const member of unionMembers(expected)) {
    if (member.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)) continue;
    if (member.flags & (ts.TypeFlags.EnumLiteral | ts.TypeFlags.Enum)) {
      const declaration = member.getSymbol()?.valueDeclaration;
      if (declaration && ts.isEnumMember(declaration)) enums.add(declaration.parent);
      else if (declaration && ts.isEnumDeclaration(declaration)) enums.add(declaration);
      continue;
    }
    if (
      member.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter) ||
      checker.isTypeAssignableTo(value, member)
    ) {
      return [];
    }
  }
  return [...enums];
}

function checkEnumNumber(ctx: Context, node: ts.Node, report: Report): void {
  const literal = numberLiteral(node);
  if (!literal) return;
  const { checker } = ctx;
  const expected = expectedTypeOfNumber(checker, literal.node);
  if (!expected) return;
  const enums = expectedEnums(checker, expected, checker.getNumberLiteralType(literal.value));
  if (enums.length === 0) return;
  const names = enums.map((e) => e.name.text);
  let use = `a member of ${names.join(' or ')}`;
  for (const declaration of enums) {
    const member = declaration.members.find((m) => checker.getConstantValue(m) === literal.value);
    if (member) {
      use = `${declaration.name.text}.${member.name.getText()}`;
      break;
    }
  }
  report(
    literal.node,
    'enum-number',
    `a bare number where the enum ${names.join(' or ')} is expected: use ${use}`,
  );
}

// ---------------------------------------------------------------------------------------------
// R7 markup-child

/*
 * Why this rule exists: xss-scan (@kitajs/ts-html-plugin 4.1.4) checks the JSX children that
 * are not escaped, but for a conditional it takes the branches as `[node.whenFalse,
 * node.whenFalse]` (getNodeExpressions in its dist/util.js): the `whenTrue` branch, and
 * whatever is nested in it, is never looked at. `{cond ? name : <b/>}` with `name: string`
 * outside a `safe` element renders `name` unescaped and passes the lint (and `safe` around
 * `{cond ? name : ''}` is even reported as unused). This rule checks every branch of a
 * conditional or logical JSX child: a leaf whose type is a plain string (not a literal type,
 * not JSX.Element nor Html.Children, not a number) needs an element with `safe` around it. It
 * keeps xss-scan's escape hatches (an escapeHtml() call, a name starting with `safe`).
 */

const XSS_SCAN_ESCAPED = /^(\w+\.)?(escapeHtml|e\s*`|escape)/i;

function hasSafeAttribute(element: ts.JsxOpeningElement): boolean {
  return element.attributes.properties.some(
    (a) => ts.isJsxAttribute(a) && !ts.isJsxNamespacedName(a.name) && a.name.text === 'safe',
  );
}

function isBranching(node: ts.Expression): boolean {
  if (ts.isConditionalExpression(node)) return true;
  return (
    ts.isBinaryExpression(node) &&
    [
      ts.SyntaxKind.AmpersandAmpersandToken,
      ts.SyntaxKind.BarBarToken,
      ts.SyntaxKind.QuestionQuestionToken,
    ].includes(node.operatorToken.kind)
  );
}

/**
 * The expressions a JSX child may render: each branch of `a ? b : c`, the right of `a && b`
 * (its left renders only when falsy), both sides of `a || b` and `a ?? b`. JSX is left out: it
 * is markup, and its own children are visited on their own.
 */
function renderedLeaves(node: ts.Expression): ts.Expression[] {
  if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node)) {
    return renderedLeaves(node.expression);
  }
  if (ts.isJsxElement(node) || ts.isJsxSelfClosingElement(node) || ts.isJsxFragment(node)) {
    return [];
  }
  if (ts.isConditionalExpression(node)) {
    return [...renderedLeaves(node.whenTrue), ...renderedLeaves(node.whenFalse)];
  }
  if (ts.isBinaryExpression(node)) {
    switch (node.operatorToken.kind) {
      case ts.SyntaxKind.AmpersandAmpersandToken:
      case ts.SyntaxKind.CommaToken:
        return renderedLeaves(node.right);
      case ts.SyntaxKind.BarBarToken:
      case ts.SyntaxKind.QuestionQuestionToken:
        return [...renderedLeaves(node.left), ...renderedLeaves(node.right)];
    }
  }
  return [node];
}

function isChildrenAlias(type: ts.Type): boolean {
  return type.aliasSymbol?.getName() === 'Children';
}

/** A string that may hold anything: `string`, `` `${string}` ``, a branded string (`Url`). */
function isOpenString(type: ts.Type): boolean {
  if (
    type.flags &
    (ts.TypeFlags.String | ts.TypeFlags.TemplateLiteral | ts.TypeFlags.StringMapping)
  ) {
    return true;
  }
  return type.isIntersection() && type.types.some(isOpenString);
}

function checkMarkupChild(ctx: Context, child: ts.JsxExpression, report: Report): void {
  const holder = child.parent;
  if (!ts.isJsxElement(holder) && !ts.isJsxFragment(holder)) return;
  if (ts.isJsxElement(holder) && hasSafeAttribute(holder.openingElement)) return;
  if (!child.expression || child.dotDotDotToken) return;
  let expression = child.expression;
  while (ts.isParenthesizedExpression(expression)) expression = expression.expression;
  if (!isBranching(expression)) return;
  const { checker } = ctx;
  for (const leaf of renderedLeaves(expression)) {
    if (ts.isStringLiteral(leaf) || ts.isNoSubstitutionTemplateLiteral(leaf)) continue;
    const text = leaf.getText();
    if (text.startsWith('safe') || XSS_SCAN_ESCAPED.test(text)) continue;
    const type = checker.getTypeAtLocation(leaf);
    if (isChildrenAlias(type)) continue;
    const members = writtenMembers(checker, type);
    if (members.some(isPromiseOfString)) continue;
    const open = members.filter(
      (t) => !isJsxElementAlias(checker, t) && !isChildrenAlias(t) && isOpenString(t),
    );
    if (open.length === 0) continue;
    report(leaf, 'markup-child', `${MESSAGES.markupChild} (this is \`${ctx.typeText(type)}\`)`);
  }
}

// ---------------------------------------------------------------------------------------------

export function formatFinding(finding: Finding): string {
  return `${finding.file}:${finding.line}:${finding.column}  ${finding.rule}  ${finding.message}`;
}

function main(): void {
  const program = createProjectProgram();
  const findings = checkProgram(program);
  for (const finding of findings) process.stdout.write(`${formatFinding(finding)}\n`);
  if (findings.length > 0) {
    const files = new Set(findings.map((f) => f.file)).size;
    process.stderr.write(`check-jsx: ${findings.length} finding(s) in ${files} file(s)\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
