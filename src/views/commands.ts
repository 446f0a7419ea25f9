import {
  create,
  type DescMessage,
  type DescMethodServerStreaming,
  type DescMethodUnary,
  type MessageInitShape,
  toJsonString,
} from '@bufbuild/protobuf';

/*
 * "Copy as command": the `buf curl` command that sends the control plane the same request an
 * action form would send, so an operator can script what they just did. The token is never in
 * it: the command reads it from $PRISM_TOKEN. Every value is single-quoted for the shell, so
 * whatever an operator typed (quotes, $(…), backticks) stays data.
 */

/** A finished command line, built only by bufCurl (so a component cannot be handed raw text). */
export type BufCurlCommand = string & { readonly __bufCurl: unique symbol };

/** `it's` → `'it'\''s'`: one shell word, nothing expanded. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export interface BufCurlOptions {
  /** The control plane's base URL, as the console uses it (`https://prism-admin:8443`). */
  readonly baseUrl: string;
}

/** The `buf curl` command for one call of `method` with `request`. */
export function bufCurl<I extends DescMessage, O extends DescMessage>(
  method: DescMethodUnary<I, O> | DescMethodServerStreaming<I, O>,
  request: MessageInitShape<I>,
  { baseUrl }: BufCurlOptions,
): BufCurlCommand {
  const message = create(method.input, request);
  const json = toJsonString(method.input, message);
  const url = `${baseUrl.replace(/\/+$/, '')}/${method.parent.typeName}/${method.name}`;
  const lines = [
    'buf curl --protocol grpc',
    `  --header "Authorization: Bearer $PRISM_TOKEN"`,
    `  --data ${shellQuote(json)}`,
    `  ${shellQuote(url)}`,
  ];
  return lines.join(' \\\n') as BufCurlCommand;
}
