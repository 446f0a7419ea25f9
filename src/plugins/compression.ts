import { pipeline, type Readable } from 'node:stream';
import { constants, createBrotliCompress, createGzip } from 'node:zlib';
import fastifyCompress from '@fastify/compress';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/*
 * Answers compressed for the browser (issue 10: the first load was 140 KB where brotli sends
 * ~25 KB). Pages, fragments, error pages and exports are compressed per request, br preferred,
 * then gzip, else identity, with `Vary: accept-encoding`. The hashed static assets are not:
 * they are compressed once at build (scripts/build-assets.ts, brotli 11 and gzip 9) and served
 * as they are (src/plugins/static.ts, preCompressed).
 *
 * Streams keep streaming:
 * - server-sent events (text/event-stream) are not compressed here: a compressor holds bytes
 *   back until it has enough, and an event must reach the browser when it happens. reply.sse
 *   deflates them itself, each frame once for every stream (src/plugins/sse-deflate.ts);
 * - a streamed page (reply.streamPage / streamFragment: the audit log) is compressed with a
 *   flush after every chunk, so the rows of each control-plane batch reach the browser as the
 *   batch arrives, not when the page ends;
 * - other streams (the audit export, CSV / JSON Lines) go through @fastify/compress's stream
 *   pipeline, which keeps backpressure (the export still reads the control plane only as fast
 *   as the download goes) and flushes only when its buffer fills: a download needs no rhythm.
 */

/** In order of preference. zstd is left out: browsers' support is recent and brotli is smaller. */
export const ENCODINGS = ['br', 'gzip', 'identity'] as const;

/**
 * Brotli quality for answers compressed per request. Measured on the 50-row namespaces page
 * (83 KB, this machine, best of 5×40): quality 4 → 8.2 KB in ~0.33 ms; 5 → 7.3 KB in ~0.53 ms;
 * 6 → 7.2 KB in ~0.56 ms; 8 → 7.1 KB in ~4.5 ms; 11 → 6.3 KB in ~63 ms (for the assets,
 * compressed once at build). 5: a tenth smaller than 4 for ~0.2 ms more per compressed page, where
 * 6 and up cost more than they save. The first load is counted on the wire (issue 10: ≤ 30 KB);
 * the bench's CPU per page is measured without compression, as the minimal server serves it, so
 * this 0.2 ms is not in it.
 */
export const BROTLI_QUALITY = 5;
/** gzip level per request: 6 (zlib's default) is within a few % of 9 at half the CPU. */
export const GZIP_LEVEL = 6;
/** Smaller answers (redirects, short fragments, 304s) go out as they are: not worth a frame. */
export const THRESHOLD_BYTES = 1024;
/**
 * Buffered answers up to this size are compressed in one synchronous call (no stream, no
 * worker round trip: the least CPU per page). The default on 2 cores would stream anything over
 * 8 KB, i.e. every list page.
 */
export const SYNC_THRESHOLD_BYTES = 512 * 1024;

const brotliOptions = {
  params: {
    [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
    [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
  },
};
const gzipOptions = { level: GZIP_LEVEL };

const EVENT_STREAM = /^text\/event-stream/i;
/** Beyond mime-db's compressible types: JSON Lines exports. Never event streams. */
const EXTRA_TYPES = /^application\/(?:x-ndjson|jsonl)(?:;|$)/i;

/** Whether an answer of this media type is compressed at all. */
export function compressibleType(contentType: string): boolean {
  if (EVENT_STREAM.test(contentType)) return false;
  return /^text\//i.test(contentType) || EXTRA_TYPES.test(contentType);
}

/**
 * How much the request's Accept-Encoding wants each encoding (its q, `*` for those it does not
 * name, 0 for none); undefined without the header, or with x-no-compression.
 */
function acceptedWeights(request: FastifyRequest): ((name: string) => number) | undefined {
  const header = request.headers['accept-encoding'];
  if (typeof header !== 'string' || request.headers['x-no-compression'] !== undefined) {
    return undefined;
  }
  const weights = new Map<string, number>();
  for (const part of header.toLowerCase().split(',')) {
    const [token = '', ...params] = part.split(';').map((piece) => piece.trim());
    const q = params.find((param) => param.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(token === 'x-gzip' ? 'gzip' : token, Number.isFinite(weight) ? weight : 0);
  }
  return (name) => weights.get(name) ?? weights.get('*') ?? 0;
}

/**
 * The encoding this request gets: the acceptable one (q > 0) with the highest q, br on a tie;
 * `identity` when neither is acceptable or there is no Accept-Encoding. Used for streamed
 * pages; @fastify/compress negotiates the same way for the rest (same ENCODINGS order).
 */
export function negotiatedEncoding(request: FastifyRequest): (typeof ENCODINGS)[number] {
  const weightOf = acceptedWeights(request);
  if (!weightOf) return 'identity';
  const [br, gzip] = [weightOf('br'), weightOf('gzip')];
  if (br > 0 && br >= gzip) return 'br';
  return gzip > 0 ? 'gzip' : 'identity';
}

/** Whether an event stream may be deflated for this request (src/plugins/sse-deflate.ts). */
export function acceptsDeflate(request: FastifyRequest): boolean {
  return (acceptedWeights(request)?.('deflate') ?? 0) > 0;
}

function isStream(payload: unknown): payload is Readable {
  return (
    typeof payload === 'object' &&
    payload !== null &&
    typeof (payload as { pipe?: unknown }).pipe === 'function'
  );
}

/** A compressor that emits everything it has after each chunk written to it. */
function flushingCompressor(encoding: 'br' | 'gzip') {
  return encoding === 'br'
    ? createBrotliCompress({ ...brotliOptions, flush: constants.BROTLI_OPERATION_FLUSH })
    : createGzip({ ...gzipOptions, flush: constants.Z_SYNC_FLUSH });
}

function addVary(reply: FastifyReply) {
  const current = reply.getHeader('vary');
  const value = Array.isArray(current) ? current.join(', ') : String(current ?? '');
  if (/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(value)) return;
  reply.header('vary', value ? `${value}, accept-encoding` : 'accept-encoding');
}

/**
 * Streamed HTML (text/html with a stream body: reply.streamPage) compressed with a flush per
 * chunk. Runs before @fastify/compress's own hook (route-level hooks run after app-level
 * ones), which then finds Content-Encoding set and leaves the answer alone.
 */
async function compressStreamedHtml(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
) {
  if (!isStream(payload)) return payload;
  const type = String(reply.getHeader('content-type') ?? '');
  if (!/^text\/html/i.test(type) || reply.hasHeader('content-encoding')) return payload;
  addVary(reply);
  const encoding = negotiatedEncoding(request);
  if (encoding === 'identity') return payload;
  const compressor = flushingCompressor(encoding);
  reply.header('content-encoding', encoding).removeHeader('content-length');
  pipeline(payload, compressor, (error) => {
    if (error && error.code !== 'ERR_STREAM_PREMATURE_CLOSE') {
      request.log.warn({ err: error }, 'streamed page cut off');
    }
  });
  return compressor;
}

export default fp(
  async (app: FastifyInstance) => {
    // Before the static plugin and every route: @fastify/compress hooks routes as they are added.
    app.addHook('onSend', compressStreamedHtml);
    await app.register(fastifyCompress, {
      encodings: [...ENCODINGS],
      brotliOptions,
      zlibOptions: gzipOptions,
      threshold: THRESHOLD_BYTES,
      syncThreshold: SYNC_THRESHOLD_BYTES,
      customTypes: compressibleType,
      // Request bodies are small forms that browsers do not compress: nothing is inflated
      // (a Content-Encoding on a request body is left to the body parser, as before).
      globalDecompression: false,
    });
  },
  { name: 'compression' },
);
