/**
 * The yardstick of issue 10: the least a server can do to send the namespaces page. A plain
 * node:http server whose GET /namespaces makes the console's ListNamespaces call (the same
 * request bytes, the same operator's token) as one raw gRPC unary call over node:http2 (5-byte
 * envelope, no compression asked for), decodes the answer with protobuf-es and renders 50 rows
 * with a template string, escaping every value. No framework, session, hooks or view mapping.
 * The markup is sized like the console's page (see the bench's output for both sizes).
 *
 * Started by the bench in its own process (support.ts startChild): CONTROL_PLANE_URL,
 * MINIMAL_TOKEN (bearer token), MINIMAL_REQUEST (the request, base64 of its binary form).
 * Prints its URL as one JSON line on stdout, then serves until SIGTERM.
 */
import { createServer } from 'node:http';
import { connect } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import {
  ListNamespacesRequestSchema,
  type ListNamespacesResponse,
  ListNamespacesResponseSchema,
  type Namespace,
  NamespaceStatus,
} from '../src/gen/prism/admin/v1/namespace_pb.js';

const { CONTROL_PLANE_URL: upstream, MINIMAL_TOKEN: token, MINIMAL_REQUEST } = process.env;
if (!upstream || !token || !MINIMAL_REQUEST) {
  throw new Error('CONTROL_PLANE_URL, MINIMAL_TOKEN and MINIMAL_REQUEST are required');
}
const request = fromBinary(ListNamespacesRequestSchema, Buffer.from(MINIMAL_REQUEST, 'base64'));
const PATH = '/prism.admin.v1.AdminService/ListNamespaces';

// One HTTP/2 connection for every call, as the console's transport keeps one.
const session = connect(upstream);
session.on('error', (error) => {
  process.stderr.write(`minimal server: HTTP/2 session: ${error.message}\n`);
  process.exit(1);
});

/** One unary call: the request in a gRPC envelope, the answer's single message back. */
function listNamespaces(): Promise<ListNamespacesResponse> {
  const message = toBinary(ListNamespacesRequestSchema, request);
  const frame = Buffer.allocUnsafe(5 + message.length);
  frame[0] = 0; // not compressed
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ':method': 'POST',
      ':path': PATH,
      'content-type': 'application/grpc+proto',
      te: 'trailers',
      authorization: `Bearer ${token}`,
    });
    const chunks: Buffer[] = [];
    let status: string | undefined;
    let statusMessage = '';
    const take = (headers: Record<string, unknown>) => {
      if (headers['grpc-status'] !== undefined) {
        status = String(headers['grpc-status']);
        statusMessage = decodeURIComponent(String(headers['grpc-message'] ?? ''));
      }
    };
    stream.on('response', take);
    stream.on('trailers', take);
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', reject);
    stream.on('end', () => {
      if (status !== '0') {
        reject(new Error(`ListNamespaces: grpc-status ${status}: ${statusMessage}`));
        return;
      }
      const body = Buffer.concat(chunks);
      if (body.length < 5 || body[0] !== 0) {
        reject(new Error('ListNamespaces: no uncompressed message in the answer'));
        return;
      }
      const length = body.readUInt32BE(1);
      resolve(fromBinary(ListNamespacesResponseSchema, body.subarray(5, 5 + length)));
    });
    stream.end(frame);
  });
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
};
const esc = (value: unknown) => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

const number = new Intl.NumberFormat('en-GB');
const bytes = (n: bigint) => `${(Number(n) / 2 ** 30).toFixed(1)} GiB`;
const statusName = (s: NamespaceStatus) => NamespaceStatus[s].toLowerCase().replace('_', ' ');

// Class lists like the console's (utility CSS), so the page weighs about what the console's does.
const CELL = 'px-3 py-2 text-sm text-gray-700 dark:text-gray-300 whitespace-nowrap';
const NUM = `${CELL} text-right font-mono`;

function row(ns: Namespace): string {
  const quota = ns.quota;
  const m = ns.metrics;
  const created = ns.createTime ? timestampDate(ns.createTime).toISOString() : '—';
  return `<tr class="border-t border-gray-200 dark:border-gray-700 hover:bg-gray-50" data-testid="namespace-row">
<td class="${CELL} font-medium"><a class="text-blue-700 dark:text-blue-300 underline-offset-2 hover:underline" href="/namespaces/${encodeURIComponent(ns.name)}">${esc(ns.name)}</a><p class="mt-1 max-w-prose truncate text-xs text-gray-500 dark:text-gray-400">${esc(ns.description)}</p></td>
<td class="${CELL}"><span class="inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset bg-green-50 text-green-800 ring-green-600/20 dark:bg-green-900/30 dark:text-green-200">${esc(statusName(ns.status))}</span></td>
<td class="${NUM}">${esc(number.format(m?.activeSessions ?? 0))} / ${esc(number.format(quota?.maxSessions ?? 0))}</td>
<td class="${NUM}">${esc(bytes(m?.storageUsedBytes ?? 0n))} / ${esc(bytes(quota?.maxStorageBytes ?? 0n))}</td>
<td class="${NUM}">${esc(number.format(m?.rps ?? 0))}</td>
<td class="${CELL} font-mono text-xs">${esc(ns.assignedProxy)}</td>
<td class="${CELL}"><time datetime="${esc(created)}" title="${esc(created)}">${esc(created.slice(0, 10))}</time></td>
<td class="${CELL} text-right"><a class="text-sm font-medium text-blue-700" href="/namespaces/${encodeURIComponent(ns.name)}/edit">Edit<span class="sr-only"> ${esc(ns.name)}</span></a></td>
</tr>`;
}

function page(answer: ListNamespacesResponse): string {
  const head = ['Name', 'Status', 'Sessions', 'Storage', 'Requests/s', 'Proxy', 'Created', ''];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Namespaces · Prism</title><link rel="stylesheet" href="/assets/app.css"></head>
<body class="min-h-screen bg-white text-gray-900 antialiased dark:bg-gray-950 dark:text-gray-100">
<header class="border-b border-gray-200 dark:border-gray-800"><nav aria-label="Main" class="mx-auto flex max-w-7xl items-center gap-6 px-4 py-3"><a href="/">Prism</a><a href="/namespaces" aria-current="page">Namespaces</a><a href="/client-sessions">Client sessions</a><a href="/backends">Backends</a><a href="/cluster">Cluster</a><a href="/audit">Audit log</a></nav></header>
<main class="mx-auto max-w-7xl px-4 py-6"><h1 class="text-2xl font-semibold">Namespaces</h1>
<p class="mt-1 text-sm text-gray-600 dark:text-gray-400">${esc(answer.totalSize)} namespaces</p>
<div class="mt-4 overflow-x-auto rounded-lg border border-gray-200 dark:border-gray-800"><table class="min-w-full text-left">
<thead><tr>${head.map((h) => `<th scope="col" class="${CELL} font-semibold">${esc(h)}</th>`).join('')}</tr></thead>
<tbody>
${answer.namespaces.map(row).join('\n')}
</tbody></table></div></main></body></html>`;
}

const server = createServer((req, res) => {
  if (req.method !== 'GET' || req.url?.split('?')[0] !== '/namespaces') {
    res.writeHead(404).end();
    return;
  }
  listNamespaces().then(
    (answer) => {
      const html = page(answer);
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(html),
        'cache-control': 'no-store',
      });
      res.end(html);
    },
    (error: Error) => {
      res.writeHead(502, { 'content-type': 'text/plain' }).end(error.message);
    },
  );
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
process.once('SIGTERM', () => {
  server.close();
  session.close();
  process.exit(0);
});
