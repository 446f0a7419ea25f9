import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { PassThrough } from 'node:stream';
import type { SseSink } from './sse.js';

/*
 * reply.sse's direct path (src/plugins/sse.ts): frames a direct source (the live hub) writes go
 * straight to the response's socket once the head is out, framed once per frame and corked
 * until the end of the tick. Split from sse.ts, which keeps the event stream itself.
 */

/** The event stream a DirectSink belongs to (sse.ts's EventStream). */
export interface DirectStream {
  /** The answer's body, piped to the response by reply.send; undefined once let go. */
  readonly body: PassThrough | undefined;
  /** Ends the stream, with a `retry:` hint when given. */
  end(retryMs?: number): void;
  /** A frame as the stream sends it (deflated, when it is). Called once per frame written. */
  encode(frame: Buffer | string): Buffer | string;
  /**
   * Frames go to the socket from now on: the body is unpiped and ended, so that the pipe and
   * the listeners on the body are let go, and the stream's end goes to the response itself.
   */
  releaseBody(): void;
}

const CRLF = Buffer.from('\r\n');

/** `frame` as one HTTP/1.1 chunk: its length in hex, CRLF, the bytes, CRLF. */
export function chunkFramed(frame: Buffer): Buffer {
  const head = Buffer.from(`${frame.length.toString(16)}\r\n`, 'latin1');
  return Buffer.concat([head, frame, CRLF], head.length + frame.length + CRLF.length);
}

/*
 * The fan-out writes one frame to thousands of streams in a row: it is chunk-framed once (the
 * last frame framed is kept) and the same bytes go to every socket.
 */
let lastFrame: Buffer | undefined;
let lastFramed: Buffer | undefined;
function framedOnce(frame: Buffer): Buffer {
  if (frame !== lastFrame) {
    lastFramed = chunkFramed(frame);
    lastFrame = frame;
  }
  return lastFramed as Buffer;
}

/*
 * Sockets written directly are corked until the end of the current tick, so that the fan-out's
 * loop only queues (one small write per stream) and the kernel writes follow in one pass —
 * also merging the frames one stream gets in the same tick (several regions) into one write.
 */
const corked: Socket[] = [];
function corkUntilFlush(socket: Socket): void {
  if (corked.length === 0) process.nextTick(flushEventStreams);
  socket.cork();
  corked.push(socket);
}

/**
 * Hands what direct sources wrote to event streams since the last flush to the kernel now
 * (otherwise done at the end of the tick). The live hub calls it after a fan-out, to time it.
 */
export function flushEventStreams(): void {
  const sockets = corked.splice(0);
  for (const socket of sockets) socket.uncork();
}

/**
 * Whether frames may now go straight to the response's socket: the head is out, and nothing
 * of ours or of the response's own is still waiting (so the socket's order is the stream's).
 */
function socketReady(raw: ServerResponse, body: PassThrough): Socket | undefined {
  // The body always starts with the retry hint, so an empty body means the head went with it.
  const socket = raw.socket;
  if (!socket || !raw.headersSent || body.readableLength > 0 || body.writableLength > 0) {
    return undefined;
  }
  // The response's own queue (a pipelined request's answer waiting its turn): none of it.
  return raw.writableLength === socket.writableLength ? socket : undefined;
}

/** What stands for a response head once it is out (forgetHead). */
const HEAD_SENT = 'HTTP/1.1 200 OK\r\n\r\n';

/**
 * Node keeps the response head it sent (`_header`) for as long as the response is open: some 55
 * linked pieces of text, ~1.7 KB per stream (~750 B even flattened). Once the head is on the
 * socket (`_headerSent`), Node 24's http reads it only as a flag: headersSent, and refusing a
 * second head or a header set late. A constant, shared by every stream, does the same.
 */
function forgetHead(raw: ServerResponse): void {
  const response = raw as ServerResponse & { _header?: unknown; _headerSent?: unknown };
  if (typeof response._header === 'string' && response._headerSent === true) {
    response._header = HEAD_SENT;
  }
}

/**
 * The sink a direct source writes to. Until the head is out (through reply.send and every onSend
 * hook: security headers, request id) frames go through `body` like any others; after, they skip
 * the PassThrough and the response's own chunking — one write to the socket of bytes framed once
 * per frame, not per stream (issue 10 measured ~14.5 µs per stream the other way, ten times the
 * fan-out's budget). close() is called as the stream ends: the end itself (the retry hint, the
 * last chunk) goes through `body` and the response again.
 *
 * One object per stream with its state in fields, not closures: the fan-out reads, for each of
 * thousands of streams, whatever the stream's write reaches, and with 5,000 streams that memory
 * is cold (each object read is a cache and TLB miss, ~0.1–0.2 µs). A sink of closures cost three
 * such objects more per stream (the sink, each method, their shared scope) than this one.
 */
export class DirectSink implements SseSink {
  #socket: Socket | undefined;
  #chunked = true;
  #closed = false;
  readonly #raw: ServerResponse;
  /** Until frames go to the socket: then the stream lets it go (releaseBody). */
  #body: PassThrough | undefined;
  readonly #stream: DirectStream;
  /** The stream's drain listener, also on the socket once frames go there. */
  readonly #drained: () => void;

  constructor(raw: ServerResponse, stream: DirectStream, drained: () => void) {
    this.#raw = raw;
    this.#body = stream.body;
    this.#stream = stream;
    this.#drained = drained;
    // Fastify pipes the body once the onSend hooks are done; what was written so far (the retry
    // hint, the live status) flows at the next tick, the head with it. Switching then keeps that
    // one-off work out of the first fan-out; a stream still busy switches at a later write.
    // `on`, not `once`: a response is piped once, and once() costs a wrapper per stream.
    raw.on('pipe', () => setImmediate(() => this.#prepare()));
  }

  #prepare(): Socket | undefined {
    if (this.#socket || this.#closed || !this.#body) return this.#socket;
    const socket = socketReady(this.#raw, this.#body);
    if (!socket) return undefined;
    this.#socket = socket;
    this.#body = undefined;
    // What kept the body flowing into the response (a pipe, and the listeners of Fastify's
    // end-of-stream watcher on the body) is ~2 KB per stream for the stream's whole life.
    this.#stream.releaseBody();
    forgetHead(this.#raw);
    // Without chunked encoding (an HTTP/1.0 client) the body is the bytes until the close.
    this.#chunked = this.#raw.chunkedEncoding;
    socket.on('drain', this.#drained);
    return socket;
  }

  write(frame: Buffer | string): void {
    if (this.#closed) return;
    const target = this.#socket ?? this.#prepare();
    if (!target) {
      if (this.#body?.writable) this.#body.write(this.#stream.encode(frame));
      return;
    }
    // Gone, its close event not here yet: nothing more to write.
    if (!target.writable) return;
    const encoded = this.#stream.encode(frame);
    const bytes = typeof encoded === 'string' ? Buffer.from(encoded) : encoded;
    if (!target.writableCorked) corkUntilFlush(target);
    target.write(this.#chunked ? framedOnce(bytes) : bytes);
  }

  /** The response holds nothing of its own once frames go to the socket (socketReady). */
  bufferedBytes(): number {
    const socket = this.#socket;
    if (socket) return socket.writableLength;
    const body = this.#body;
    return (body ? body.writableLength + body.readableLength : 0) + this.#raw.writableLength;
  }

  end(retryMs?: number): void {
    this.#stream.end(retryMs);
  }

  /** The stream ended: nothing more is written. */
  close(): void {
    this.#closed = true;
    // The socket outlives the stream (keep-alive): our listener does not.
    this.#socket?.off('drain', this.#drained);
  }
}
