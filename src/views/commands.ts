import {
  create,
  type DescMessage,
  type DescMethodServerStreaming,
  type DescMethodUnary,
  type JsonObject,
  type MessageInitShape,
  toJson,
} from '@bufbuild/protobuf';

/*
 * "Copy as command": the `buf curl` command that sends the control plane the same request an
 * action form would send, so an operator can script what they just did.
 *
 * - The request is the message the route itself sends (src/views/action-requests.ts builds it
 *   once for both), written as protobuf JSON.
 * - The token is never in it: the command reads $PRISM_TOKEN, and stops with a message when it
 *   is not set.
 * - Every value is one single-quoted shell word, so whatever an operator typed (quotes, $(…),
 *   backticks, newlines) stays data in bash, zsh and sh (fish treats `\\` in quotes differently).
 * - gRPC needs HTTP/2: an http:// control plane is spoken to in cleartext HTTP/2 (h2c, said
 *   explicitly with --http2-prior-knowledge); https:// negotiates HTTP/2 with TLS.
 * - The schema comes from the console (docs/decisions and README, "Copy as command"): the
 *   AdminService descriptors the console itself was built with, served as a Buf image, so the
 *   command works against a control plane without server reflection and never disagrees with the
 *   request the console sends.
 */

/** A finished command line, built only here (so a component cannot be handed raw text). */
export type BufCurlCommand = string & { readonly __bufCurl: unique symbol };

/** An action form's command as its values stand, with what the form still needs. */
export interface ActionCommand {
  /** Undefined while the form's values make no request (a field cannot be read). */
  readonly command: BufCurlCommand | undefined;
  /** What is missing or wrong, in the form's words (a command may be shown with these too). */
  readonly missing: readonly string[];
}

/** What "Copy as command" shows: a finished command, or an action form's command. */
export type CommandView = BufCurlCommand | ActionCommand;

/** Any view as an ActionCommand. */
export function actionCommand(view: CommandView): ActionCommand {
  return typeof view === 'string' ? { command: view, missing: [] } : view;
}

/** `it's` → `'it'\''s'`: one shell word, nothing expanded. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export interface BufCurlOptions {
  /** The control plane's base URL, as the console uses it (`https://prism-admin:8443`). */
  readonly baseUrl: string;
  /**
   * Where buf reads the AdminService schema: the console's schema image (an absolute URL).
   * Without it, buf asks the server (gRPC reflection).
   */
  readonly schema?: string | undefined;
  /** The TLS server name the console checks instead of the URL's host (https:// only). */
  readonly serverName?: string | undefined;
}

type Method<I extends DescMessage, O extends DescMessage> =
  | DescMethodUnary<I, O>
  | DescMethodServerStreaming<I, O>;

/** The token, from the environment; a clear stop when it is not set. */
const AUTHORIZATION = `"Authorization: Bearer \${PRISM_TOKEN:?set PRISM_TOKEN to your access token}"`;

/** A mutation's reason is written even when empty, so the operator sees where it goes. */
const ALWAYS_WRITTEN = ['reason'] as const;

/** The request as protobuf JSON, as `buf curl --data` reads it. */
export function requestJson<I extends DescMessage>(
  schema: I,
  request: MessageInitShape<I>,
): string {
  const json = toJson(schema, create(schema, request)) as JsonObject;
  for (const field of ALWAYS_WRITTEN) {
    if (schema.fields.some((f) => f.jsonName === field) && json[field] === undefined) {
      json[field] = '';
    }
  }
  return JSON.stringify(json, null, 2);
}

/** The lines before `--data`: protocol, transport, schema and the token header. */
function flags(baseUrl: string, options: BufCurlOptions): string[] {
  const lines = ['buf curl --protocol grpc'];
  // gRPC over a cleartext URL is HTTP/2 with prior knowledge (h2c); TLS negotiates it (ALPN).
  if (/^http:/i.test(baseUrl)) lines.push('  --http2-prior-knowledge');
  if (/^https:/i.test(baseUrl) && options.serverName) {
    lines.push(`  --servername ${shellQuote(options.serverName)}`);
  }
  if (options.schema) lines.push(`  --schema ${shellQuote(options.schema)}`);
  lines.push(`  --header ${AUTHORIZATION}`);
  return lines;
}

function methodUrl(method: Method<DescMessage, DescMessage>, baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${method.parent.typeName}/${method.name}`;
}

/** The `buf curl` command for one call of `method` with `request`. */
export function bufCurl<I extends DescMessage, O extends DescMessage>(
  method: Method<I, O>,
  request: MessageInitShape<I>,
  options: BufCurlOptions,
): BufCurlCommand {
  const lines = [
    ...flags(options.baseUrl, options),
    `  --data ${shellQuote(requestJson(method.input, request))}`,
    `  ${shellQuote(methodUrl(method, options.baseUrl))}`,
  ];
  return lines.join(' \\\n') as BufCurlCommand;
}

/** Safe to splice into a JSON string and a double-quoted shell word unescaped. */
const PLAIN_KEY = /^[A-Za-z0-9._-]+$/;

/**
 * One call of `method` per key (a session id each), as a shell loop when the requests differ
 * only by the key: the request is built for each key by `requestFor`, exactly as the route
 * builds it, and the loop is used only when every key's JSON is the template's with that key
 * in place. Otherwise (or for one key) one command per key, one after the other.
 */
export function bufCurlEach<I extends DescMessage, O extends DescMessage>(
  method: Method<I, O>,
  keys: readonly string[],
  requestFor: (key: string) => MessageInitShape<I>,
  options: BufCurlOptions,
): BufCurlCommand {
  const separate = () =>
    keys.map((key) => bufCurl(method, requestFor(key), options)).join('\n\n') as BufCurlCommand;
  if (keys.length < 2 || !keys.every((key) => PLAIN_KEY.test(key))) return separate();
  // A marker no key or typed value contains, replaced by the loop variable.
  const marker = `KEY${Date.now().toString(36)}x${keys.length}`;
  const template = requestJson(method.input, requestFor(marker));
  const fits =
    !keys.some((key) => key.includes(marker)) &&
    keys.every(
      (key) => requestJson(method.input, requestFor(key)) === template.replaceAll(marker, key),
    ) &&
    template.includes(marker);
  if (!fits) return separate();
  // `'…"'"$key"'"…'`: the quoted JSON is left for a moment to put the key in.
  const data = template
    .split(marker)
    .map((part) => shellQuote(part))
    .join('"$key"');
  const lines = [
    ...flags(options.baseUrl, options).map((line) => `  ${line}`),
    `    --data ${data}`,
    `    ${shellQuote(methodUrl(method, options.baseUrl))}`,
  ];
  return [`for key in ${keys.map(shellQuote).join(' ')}; do`, lines.join(' \\\n'), 'done'].join(
    '\n',
  ) as BufCurlCommand;
}
