/**
 * Buffers the device reads and writes: anonymous mappings with every page faulted in at
 * allocation (MAP_POPULATE), so the device never takes an I/O page fault on them (those cost
 * the hardware about 3×, UADK docs/perf.rst), at addresses that never move, reused from a pool.
 *
 * @module
 */

import type { Env } from "../../env.ts";
import type { Mapping } from "../../ffi/mapping.ts";

/** One device-visible buffer. */
export class DmaBuffer implements Disposable {
  /** Its memory. */
  readonly bytes: Uint8Array;
  /** Its address as the device sees it (SVA: the process address). */
  readonly address: number;
  readonly #mapping: Mapping;

  /**
   * Allocates a buffer.
   *
   * @param env The environment (its `sys` maps the memory).
   * @param size Bytes.
   * @param label What it is for, for messages.
   */
  constructor(env: Env, size: number, label: string) {
    this.#mapping = env.sys.mapAnonymous(Math.max(size, 1), label);
    this.bytes = new Uint8Array(this.#mapping.buffer, 0, size);
    this.address = Number(this.#mapping.address);
  }

  /** Bytes. */
  get size(): number {
    return this.bytes.length;
  }

  /** Frees the memory; every view of it is detached first. */
  free(): void {
    this.#mapping.unmap();
  }

  /** Same as {@linkcode DmaBuffer.free}. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/** A pool of equal buffers, allocated on demand and reused. */
export class DmaPool implements Disposable {
  readonly #env: Env;
  readonly #size: number;
  readonly #label: string;
  readonly #free: DmaBuffer[] = [];
  readonly #all: DmaBuffer[] = [];

  /**
   * Makes an empty pool.
   *
   * @param env The environment.
   * @param size Bytes per buffer.
   * @param label What the buffers are for.
   */
  constructor(env: Env, size: number, label: string) {
    this.#env = env;
    this.#size = size;
    this.#label = label;
  }

  /** Bytes per buffer. */
  get size(): number {
    return this.#size;
  }

  /** A buffer: a free one, or a new one. */
  take(): DmaBuffer {
    const b = this.#free.pop();
    if (b !== undefined) return b;
    const n = new DmaBuffer(this.#env, this.#size, this.#label);
    this.#all.push(n);
    return n;
  }

  /** Returns a buffer to the pool. */
  give(b: DmaBuffer): void {
    this.#free.push(b);
  }

  /** Frees every buffer the pool made. */
  close(): void {
    for (const b of this.#all.splice(0)) b.free();
    this.#free.length = 0;
  }

  /** Same as {@linkcode DmaPool.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
