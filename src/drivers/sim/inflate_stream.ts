/**
 * A raw-deflate inflate stream that can stop anywhere and go on later: the state a ZIP engine
 * keeps for a stateful decompression. Deno's node:zlib offers no synchronous incremental
 * inflate, so the model calls the system zlib (`libz.so.1`) through FFI; this is the device
 * model's only dependency beyond Deno. Runs on the device thread.
 *
 * `z_stream` layout (x86_64 and arm64 LP64, zlib 1.2.x; verified with offsetof in
 * docs/deno_ffi.md §3): next_in @0, avail_in @8, total_in @16, next_out @24,
 * avail_out @32, total_out @40, msg @48, state @56, zalloc @64, zfree @72, opaque @80, ... size 112.
 *
 * @module
 */

const symbols = {
  inflateInit2_: {
    parameters: [
      "buffer", /* z_streamp strm */
      "i32", /* int windowBits */
      "buffer", /* const char *version */
      "i32", /* int stream_size */
    ],
    result: "i32",
  },
  inflate: { parameters: ["buffer", /* z_streamp strm */ "i32" /* int flush */], result: "i32" },
  inflateEnd: { parameters: ["buffer" /* z_streamp strm */], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

let lib: Deno.DynamicLibrary<typeof symbols>["symbols"] | undefined;

function libz(): Deno.DynamicLibrary<typeof symbols>["symbols"] {
  return lib ??= Deno.dlopen("libz.so.1", symbols).symbols;
}

const Z_OK = 0;
const Z_STREAM_END = 1;
const Z_BUF_ERROR = -5;
const Z_SYNC_FLUSH = 2;
const Z_STREAM_SIZE = 112;
const VERSION = new TextEncoder().encode("1.2.13\0"); // zlib checks only the major digit

let nextId = 1;

/** What one inflate call did. */
export interface InflateStep {
  /** Input bytes consumed. */
  consumed: number;
  /** Output bytes produced. */
  produced: number;
  /** The end of the deflate stream was reached. */
  ended: boolean;
  /** The data is corrupt. */
  error: boolean;
}

/** One inflate stream over process memory. */
export class StreamInflater {
  /** Identifies the stream in its context buffer. */
  readonly id: number = nextId++;
  readonly #strm = new Uint8Array(Z_STREAM_SIZE);
  readonly #view = new DataView(this.#strm.buffer);
  #open = false;

  /** Starts a raw inflate stream (windowBits −15). */
  constructor() {
    const r = libz().inflateInit2_(this.#strm, -15, VERSION, Z_STREAM_SIZE);
    if (r !== Z_OK) throw new Error(`inflateInit2 failed (${r})`);
    this.#open = true;
  }

  /**
   * Inflates from `src` into `dst`.
   *
   * @param src Input address.
   * @param srcLen Input bytes.
   * @param dst Output address.
   * @param dstLen Output capacity.
   * @returns What happened.
   */
  inflate(src: number, srcLen: number, dst: number, dstLen: number): InflateStep {
    const v = this.#view;
    v.setBigUint64(0, BigInt(src), true);
    v.setUint32(8, srcLen, true);
    v.setBigUint64(24, BigInt(dst), true);
    v.setUint32(32, dstLen, true);
    const r = libz().inflate(this.#strm, Z_SYNC_FLUSH);
    const consumed = srcLen - v.getUint32(8, true);
    const produced = dstLen - v.getUint32(32, true);
    const ended = r === Z_STREAM_END;
    return { consumed, produced, ended, error: r !== Z_OK && !ended && r !== Z_BUF_ERROR };
  }

  /** Frees zlib's state. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    libz().inflateEnd(this.#strm);
  }
}
