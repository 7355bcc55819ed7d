/**
 * Reading a byte stream in the shapes the engines need: blocks of a fixed size (compression)
 * and a window that can be peeked, consumed and refilled (headers and trailers on
 * decompression). Neither keeps a chunk of the stream after asking for the next one, so a
 * source may reuse its buffer.
 *
 * @module
 */

import type { BufferPool } from "./buffers.ts";

/**
 * Re-cuts a byte stream into blocks (the last may be shorter), copied into the pool's buffers
 * after `headroom` bytes left free (for the window that primes the block).
 *
 * @param input The stream.
 * @param pool Where block buffers come from.
 * @param options Bytes to leave free at the start of each buffer; abort signal.
 * @returns The blocks, each a view of a pool buffer from `headroom` on.
 */
export async function* blocksOf(
  input: AsyncIterable<Uint8Array>,
  pool: BufferPool,
  options: { headroom?: number; signal?: AbortSignal | undefined } = {},
): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  const headroom = options.headroom ?? 0;
  const signal = options.signal;
  let block = pool.take().subarray(headroom);
  let fill = 0;
  for await (const chunk of input) {
    signal?.throwIfAborted();
    let off = 0;
    while (off < chunk.length) {
      const n = Math.min(block.length - fill, chunk.length - off);
      block.set(chunk.subarray(off, off + n), fill);
      fill += n;
      off += n;
      if (fill === block.length) {
        yield block;
        block = pool.take().subarray(headroom);
        fill = 0;
      }
    }
  }
  if (fill > 0) yield block.subarray(0, fill);
  else pool.give(block);
}

/** How many consumed bytes an {@linkcode InputReader} can give back. */
export const KEEP_BEHIND = 16;

/** A byte stream read through a window that can be peeked, consumed and grown. */
export class InputReader {
  readonly #it: AsyncIterator<Uint8Array>;
  #buf: Uint8Array = new Uint8Array(0);
  #pos = 0;
  #eof = false;
  #total = 0;
  /** The end of the previous buffer, so a few consumed bytes can be given back. */
  #before: Uint8Array = new Uint8Array(0);
  /** Two buffers used in turn to join what is left with the next chunk. */
  #scratch: Uint8Array[] = [new Uint8Array(0), new Uint8Array(0)];
  #turn = 0;

  /**
   * Wraps a stream.
   *
   * @param input The stream.
   */
  constructor(input: AsyncIterable<Uint8Array>) {
    this.#it = input[Symbol.asyncIterator]();
  }

  /** The bytes read but not consumed. */
  get available(): Uint8Array {
    return this.#buf.subarray(this.#pos);
  }

  /** Total bytes consumed. */
  get consumed(): number {
    return this.#total;
  }

  /**
   * Marks bytes as used; a negative count gives back up to {@linkcode KEEP_BEHIND} bytes
   * (a decoder that read ahead past the end of its stream).
   *
   * @param n How many.
   */
  consume(n: number): void {
    this.#total += n;
    if (this.#pos + n >= 0) {
      this.#pos += n;
      return;
    }
    const back = -(this.#pos + n);
    if (back > this.#before.length) throw new RangeError("Cannot give back that many bytes");
    this.#buf = this.#join(this.#before.subarray(this.#before.length - back), this.available);
    this.#pos = 0;
  }

  /**
   * Reads the next chunk and appends it to what is available.
   *
   * @returns False at the end of the stream.
   */
  async more(): Promise<boolean> {
    if (this.#eof) return false;
    this.#before = lastBytes(this.#before, this.#buf.subarray(0, this.#pos), KEEP_BEHIND);
    // What is left must outlive the chunk it is in: the source may reuse that buffer.
    const rest = this.#join(this.available, new Uint8Array(0));
    this.#buf = rest;
    this.#pos = 0;
    for (;;) {
      const r = await this.#it.next();
      if (r.done) {
        this.#eof = true;
        return false;
      }
      if (r.value.length === 0) continue;
      this.#buf = rest.length === 0 ? r.value : this.#join(rest, r.value);
      return true;
    }
  }

  /**
   * Reads until at least `n` bytes are available.
   *
   * @param n How many.
   * @returns False when the stream ends first.
   */
  async ensure(n: number): Promise<boolean> {
    while (this.available.length < n) if (!await this.more()) return false;
    return true;
  }

  /** Stops reading the underlying stream early. */
  async close(): Promise<void> {
    if (!this.#eof) await this.#it.return?.();
    this.#eof = true;
  }

  /** `a` then `b` in the scratch buffer not holding the current window. */
  #join(a: Uint8Array, b: Uint8Array): Uint8Array {
    const n = a.length + b.length;
    if (n === 0) return new Uint8Array(0);
    this.#turn ^= 1;
    let s = this.#scratch[this.#turn]!;
    if (s.length < n) s = this.#scratch[this.#turn] = new Uint8Array(Math.max(n, 2 * s.length));
    s.set(a);
    s.set(b, a.length);
    return s.subarray(0, n);
  }
}

/**
 * The last `n` bytes of `a` followed by `b`, as a new array.
 *
 * @param a The earlier bytes.
 * @param b The later bytes.
 * @param n How many to keep at most.
 * @returns The bytes.
 */
export function lastBytes(a: Uint8Array, b: Uint8Array, n: number): Uint8Array {
  if (b.length >= n) return b.slice(b.length - n);
  const keep = Math.min(a.length, n - b.length);
  const out = new Uint8Array(keep + b.length);
  out.set(a.subarray(a.length - keep));
  out.set(b, keep);
  return out;
}
