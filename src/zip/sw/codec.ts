/**
 * What a software codec provides: a block deflater (one block of a pigz-style stream) and a
 * streaming raw inflater. node:zlib (zlib-ng inside Deno) is always there; ISA-L is used when
 * `libisal.so.2` is installed.
 *
 * @module
 */

/** A CRC-32 function: the CRC of `data` continuing from `crc`. */
export type Crc32 = (data: Uint8Array, crc: number) => number;

/** A codec's name. */
export type CodecName = "zng" | "isal";

/** How to compress one block (see {@linkcode BlockDeflater} in ../engine.ts). */
export interface BlockJob {
  /** The block. */
  data: Uint8Array;
  /** Up to 32 KiB of input before the block, to prime the window. */
  dictionary?: Uint8Array | undefined;
  /** The codec's own level (not wd's). */
  level: number;
  /** Whether this is the last block (BFINAL), else it ends with a sync flush. */
  last: boolean;
}

/**
 * Room enough for any block's deflate output: stored blocks cost 5 bytes per 64 KiB, a sync
 * flush or the final block a few more; this leaves a wide margin.
 *
 * @param n The block's length.
 * @returns A capacity in bytes.
 */
export function deflateBound(n: number): number {
  return n + (n >>> 6) + 1024;
}

/** The result of one {@linkcode RawInflater.inflate} step. */
export interface InflateStep {
  /** Input bytes consumed (negative: the decoder gives back bytes it read past its end). */
  consumed: number;
  /** Output bytes written. */
  produced: number;
  /** Whether the deflate stream ended (its last block is complete). */
  ended: boolean;
}

/** A streaming raw-deflate decoder that reports exactly where the stream ends. */
export interface RawInflater extends Disposable {
  /**
   * Decodes from `input` into `output` (which must have room).
   *
   * @throws ZipDataError `data` on invalid deflate data.
   */
  inflate(input: Uint8Array, output: Uint8Array): InflateStep;
  /** At the end of the input: whether the stream is complete (false: it was cut short). */
  finish(): boolean;
  /** Starts a new stream (the next gzip member). */
  reset(): void;
}

/**
 * Grows `out` (keeping its first `used` bytes) when a deflater filled it.
 *
 * @param out The full buffer.
 * @param used Bytes to keep.
 * @returns A buffer twice the size.
 */
export function grow(out: Uint8Array, used: number): Uint8Array {
  const bigger = new Uint8Array(out.length * 2);
  bigger.set(out.subarray(0, used));
  return bigger;
}
