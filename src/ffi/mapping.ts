/**
 * A memory mapping whose JavaScript views die before the memory does.
 *
 * Touching a view after `munmap` kills the process with SIGSEGV, not an exception
 * (docs/deno_ffi.md §2). So a Mapping detaches its ArrayBuffer first: every view
 * built on it drops to length 0, and only then is the memory released.
 *
 * @module
 */

/** Releases the memory behind a mapping (munmap, or a model's own bookkeeping). */
export type Unmapper = (address: bigint, length: number) => void;

/**
 * An mmap'ed region: its address, length and an ArrayBuffer over it. Release it with
 * `using`, {@linkcode Mapping.unmap}, or both (the second release does nothing).
 *
 * @example Map, view, release
 * ```ts
 * import { libcSys } from "@wd/wd/low-level";
 * {
 *   using m = libcSys().mapAnonymous(4096);
 *   new Uint8Array(m.buffer)[0] = 1;
 * } // unmapped here; the views are detached first
 * ```
 */
export class Mapping implements Disposable {
  #address: bigint;
  #length: number;
  #buffer: ArrayBuffer;
  #unmap: Unmapper;
  #label: string;

  /**
   * Wraps memory that is already mapped.
   *
   * @param pointer The start of the mapping (not null).
   * @param length Its length in bytes.
   * @param unmap What releases it.
   * @param label What it maps, for messages ("DUS region of /dev/hisi_zip-4").
   */
  constructor(pointer: Deno.PointerObject, length: number, unmap: Unmapper, label: string) {
    this.#address = BigInt(Deno.UnsafePointer.value(pointer));
    this.#length = length;
    this.#buffer = Deno.UnsafePointerView.getArrayBuffer(pointer, length);
    this.#unmap = unmap;
    this.#label = label;
  }

  /** The mapped memory. Detached (length 0) once the mapping is released. */
  get buffer(): ArrayBuffer {
    return this.#buffer;
  }

  /** The start address, as the hardware sees it under SVA. */
  get address(): bigint {
    return this.#address;
  }

  /** Length in bytes. */
  get length(): number {
    return this.#length;
  }

  /** What this maps. */
  get label(): string {
    return this.#label;
  }

  /** Whether the mapping was released. */
  get released(): boolean {
    return this.#buffer.detached;
  }

  /** Detaches every view, then releases the memory. Safe to call twice. */
  unmap(): void {
    if (this.#buffer.detached) return;
    this.#buffer.transfer(0);
    this.#unmap(this.#address, this.#length);
  }

  /** Same as {@linkcode Mapping.unmap}, for `using`. */
  [Symbol.dispose](): void {
    this.unmap();
  }
}
