/**
 * Buffers the device reads and writes: anonymous mappings with every page faulted in at
 * allocation (MAP_POPULATE), so the device never takes an I/O page fault on them (those cost
 * the hardware about 3×, UADK docs/perf.rst), at addresses that never move, reused from a pool.
 *
 * @module
 */

import type { Env } from "../../env.ts";
import type { Mapping } from "../../ffi/mapping.ts";

/**
 * One device-visible buffer. While the device may still touch it (a request on a queue that
 * died before its completion was reaped), it is held: freeing it then only marks it, and the
 * memory goes when the last hold is dropped (after the queue is released and the device has
 * stopped).
 */
export class DmaBuffer implements Disposable {
  /** Its memory. */
  readonly bytes: Uint8Array;
  /** Its address as the device sees it (SVA: the process address). */
  readonly address: number;
  readonly #mapping: Mapping;
  #holds = 0;
  #freeAsked = false;

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

  /** Whether the device may still touch it. */
  get held(): boolean {
    return this.#holds > 0;
  }

  /** Keeps the memory alive however `free` is called, until {@linkcode DmaBuffer.unhold}. */
  hold(): void {
    this.#holds++;
  }

  /** Drops a hold; frees the memory if that was asked for meanwhile. */
  unhold(): void {
    if (--this.#holds === 0 && this.#freeAsked) this.#mapping.unmap();
  }

  /** Frees the memory (every view of it detached first), or, while held, once the holds go. */
  free(): void {
    if (this.#holds > 0) {
      this.#freeAsked = true;
      return;
    }
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

  /** Returns a buffer to the pool; a held one is never reused, only freed once released. */
  give(b: DmaBuffer): void {
    if (b.held) {
      this.#all.splice(this.#all.indexOf(b), 1);
      b.free();
      return;
    }
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
