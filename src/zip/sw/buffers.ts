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

/** Buffers of varying sizes, reused: a view of the first free one large enough is handed out. */
export class SizedBufferPool {
  readonly #free: ArrayBuffer[] = [];
  readonly #max: number;

  /**
   * Makes a pool.
   *
   * @param max Most free buffers kept.
   */
  constructor(max = 8) {
    this.#max = max;
  }

  /**
   * A view of `n` bytes at the start of a free buffer, or of a new one (rounded up to 64 KiB,
   * so it fits later requests of about the same size).
   *
   * @param n Bytes needed.
   * @returns The view (contents undefined).
   */
  take(n: number): Uint8Array<ArrayBuffer> {
    const i = this.#free.findIndex((b) => b.byteLength >= n);
    if (i >= 0) return new Uint8Array(this.#free.splice(i, 1)[0]!, 0, n);
    return new Uint8Array(new ArrayBuffer(Math.ceil((n || 1) / 65536) * 65536), 0, n);
  }

  /**
   * Returns a buffer (the whole ArrayBuffer under the view) for reuse.
   *
   * @param buf A view.
   */
  give(buf: Uint8Array | undefined): void {
    if (!buf || !(buf.buffer instanceof ArrayBuffer) || buf.buffer.detached) return;
    if (this.#free.length >= this.#max) this.#free.shift();
    this.#free.push(buf.buffer);
  }
}
