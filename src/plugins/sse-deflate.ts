import { constants, deflateRawSync } from 'node:zlib';

/*
 * Event streams compressed for the browser (`Content-Encoding: deflate`, the zlib format) with
 * no compressor per stream. A live region is pushed whole whenever it changes: a 50-row sessions
 * list is ~115 KB a push, once a second while the cluster is busy — ~400 MB an hour for one open
 * tab, where deflated it is ~9 KB a push.
 *
 * A compressor per stream would cost each of thousands of streams its window (32 KB or more) and
 * the fan-out its compression per stream. Instead each frame is deflated once, on its own (a
 * fresh compressor, ended with a sync flush: non-final blocks that refer to nothing before them,
 * ending on a byte boundary), and the same bytes go to every stream that asked for deflate: any
 * sequence of such pieces is a valid deflate stream. What a stream keeps of its own is the
 * Adler-32 of what it was sent, combined per frame in constant time from the frame's own, for the
 * zlib trailer that ends it. (gzip's trailer is a CRC-32, whose combination costs a matrix
 * product per frame; every browser takes deflate.)
 */

/** The zlib header: deflate, 32 KB window (deflateRawSync's default), default level. */
export const ZLIB_HEADER = Buffer.from([0x78, 0x9c]);
/** An empty final block (fixed codes, end of block): what ends the deflate data. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);
/** zlib's default, as GZIP_LEVEL in src/plugins/compression.ts: near 9's size at half its CPU. */
const LEVEL = 6;
const ADLER_BASE = 65521;

/** A frame as every deflating stream sends it. */
export interface DeflatedFrame {
  readonly bytes: Buffer;
  readonly adler: number;
  readonly length: number;
}

/** Adler-32 of `bytes` (RFC 1950). */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  let i = 0;
  while (i < bytes.length) {
    // The sums are reduced every 4,096 bytes: b stays far below 2^53, where doubles stay exact.
    const stop = Math.min(i + 4096, bytes.length);
    for (; i < stop; i++) {
      a += bytes[i] as number;
      b += a;
    }
    a %= ADLER_BASE;
    b %= ADLER_BASE;
  }
  return ((b << 16) | a) >>> 0;
}

/** Adler-32 of A followed by B, from A's, B's and B's length (zlib's adler32_combine). */
export function adler32Combine(first: number, second: number, secondLength: number): number {
  const rem = secondLength % ADLER_BASE;
  let sum1 = first & 0xffff;
  let sum2 = (rem * sum1) % ADLER_BASE;
  sum1 += (second & 0xffff) + ADLER_BASE - 1;
  sum2 += (first >>> 16) + (second >>> 16) + ADLER_BASE - rem;
  if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE;
  if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE;
  if (sum2 >= ADLER_BASE * 2) sum2 -= ADLER_BASE * 2;
  if (sum2 >= ADLER_BASE) sum2 -= ADLER_BASE;
  return ((sum2 << 16) | sum1) >>> 0;
}

function deflate(frame: Buffer): DeflatedFrame {
  return {
    bytes: deflateRawSync(frame, { level: LEVEL, finishFlush: constants.Z_SYNC_FLUSH }),
    adler: adler32(frame),
    length: frame.length,
  };
}

/** Frames deflated, for as long as the frame itself is kept (the hub keeps each topic's last). */
const deflatedFrames = new WeakMap<Buffer, DeflatedFrame>();
/**
 * Text frames every stream writes (`retry: 3000`, the keep-alive comment), by their text: a
 * compressor is set up for each deflate (~300 KB of state), not worth doing per stream. Bounded.
 */
const deflatedTexts = new Map<string, DeflatedFrame>();
const TEXTS_KEPT = 32;

/** `frame` deflated on its own: once per Buffer or text, shared by every stream it goes to. */
export function deflatedFrame(frame: Buffer | string): DeflatedFrame {
  if (typeof frame === 'string') {
    let deflated = deflatedTexts.get(frame);
    if (!deflated) {
      if (deflatedTexts.size >= TEXTS_KEPT) deflatedTexts.clear();
      deflated = deflate(Buffer.from(frame));
      deflatedTexts.set(frame, deflated);
    }
    return deflated;
  }
  let deflated = deflatedFrames.get(frame);
  if (!deflated) {
    deflated = deflate(frame);
    deflatedFrames.set(frame, deflated);
  }
  return deflated;
}

/** What ends a deflating stream whose frames' Adler-32 is `adler`: the final block, the trailer. */
export function deflateEnd(adler: number): Buffer {
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(adler);
  return Buffer.concat([FINAL_BLOCK, trailer]);
}
