/**
 * A free list of equal-size byte buffers. Blocks and their compressed output travel to worker
 * threads and back and are used again, so a run of any length allocates a bounded number of
 * buffers: V8 frees dropped ArrayBuffers only after tens of MB of them pile up in each thread,
 * which would put peak memory far above what the work needs.
 *
 * @module
 */

/** Buffers of one size, reused. */
export class BufferPool {
  readonly #size: number;
  readonly #free: Uint8Array<ArrayBuffer>[] = [];
  readonly #max: number;

  /**
   * Makes a pool.
   *
   * @param size Size of every buffer.
   * @param max Most free buffers kept; more are dropped.
   */
  constructor(size: number, max = 16) {
    this.#size = size;
    this.#max = max;
  }

  /** Size of every buffer. */
  get size(): number {
    return this.#size;
  }

  /**
   * A buffer, reused when one is free.
   *
   * @returns A whole buffer of {@linkcode BufferPool.size} bytes (contents undefined).
   */
  take(): Uint8Array<ArrayBuffer> {
    return this.#free.pop() ?? new Uint8Array(this.#size);
  }

  /**
   * Returns a buffer for reuse. Buffers of another size, or detached ones, are dropped.
   *
   * @param buf The buffer (its whole ArrayBuffer is reused).
   */
  give(buf: Uint8Array | undefined): void {
    if (!buf || buf.buffer.byteLength !== this.#size || this.#free.length >= this.#max) return;
    if (!(buf.buffer instanceof ArrayBuffer) || buf.buffer.detached) return;
    this.#free.push(new Uint8Array(buf.buffer));
  }
}
