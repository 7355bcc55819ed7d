/**
 * ISA-L (`libisal.so.2`, Debian's `libisal2`) through FFI, when it is installed: the fastest
 * deflate at levels 1–3 and the fastest inflate on x86. Found at run time; without it, wd uses
 * node:zlib. Struct offsets are ISA-L 2.30's on LP64, checked with `offsetof` (docs/deno_ffi.md
 * §3); the API is include/igzip_lib.h of intel/isa-l.
 *
 * @module
 */

import { ZipDataError } from "../errors.ts";
import { type BlockJob, grow, type InflateStep, type RawInflater } from "./codec.ts";

const symbols = {
  isal_deflate_init: { parameters: ["buffer" /* struct isal_zstream *stream */], result: "void" },
  isal_deflate_set_dict: {
    parameters: [
      "buffer", // struct isal_zstream *stream
      "buffer", // uint8_t *dict
      "u32", // uint32_t dict_len
    ],
    result: "i32",
  },
  isal_deflate: { parameters: ["buffer" /* struct isal_zstream *stream */], result: "i32" },
  isal_inflate_init: { parameters: ["buffer" /* struct inflate_state *state */], result: "void" },
  isal_inflate_reset: { parameters: ["buffer" /* struct inflate_state *state */], result: "void" },
  isal_inflate: { parameters: ["buffer" /* struct inflate_state *state */], result: "i32" },
  crc32_gzip_refl: {
    parameters: [
      "u32", // uint32_t init_crc
      "buffer", // const unsigned char *buf
      "u64", // uint64_t len
    ],
    result: "u32",
  },
} as const satisfies Deno.ForeignLibraryInterface;

type Isal = Deno.DynamicLibrary<typeof symbols>["symbols"];

/** Set to `1` to make wd behave as if ISA-L were not installed. */
export const NO_ISAL_VAR = "WD_NO_ISAL";

// struct isal_zstream (sizeof 82384)
const ZS_SIZE = 82384;
const ZS_NEXT_IN = 0; // uint8_t *
const ZS_AVAIL_IN = 8; // uint32_t
const ZS_NEXT_OUT = 16; // uint8_t *
const ZS_AVAIL_OUT = 24; // uint32_t
const ZS_LEVEL = 40; // uint32_t
const ZS_LEVEL_BUF_SIZE = 44; // uint32_t
const ZS_LEVEL_BUF = 48; // uint8_t *
const ZS_END_OF_STREAM = 56; // uint16_t
const ZS_FLUSH = 58; // uint16_t
const ZS_GZIP_FLAG = 60; // uint16_t (IGZIP_DEFLATE = 0: raw deflate)
const ZS_STATE = 84; // internal_state.state, enum isal_zstate_state
const ZSTATE_END = 11;
const SYNC_FLUSH = 1;
const NO_FLUSH = 0;
/** level_buf sizes ISA-L asks for (ISAL_DEF_LVLn_DEFAULT). */
const LEVEL_BUF = [0, 282624, 331776, 348160];

// struct inflate_state (sizeof 87368)
const IS_SIZE = 87368;
const IS_NEXT_OUT = 0; // uint8_t *
const IS_AVAIL_OUT = 8; // uint32_t
const IS_NEXT_IN = 16; // uint8_t *
const IS_AVAIL_IN = 32; // uint32_t
const IS_READ_IN_LENGTH = 36; // int32_t: bits read ahead into the bit buffer
const IS_BLOCK_STATE = 21160; // enum isal_block_state
const IS_CRC_FLAG = 21172; // uint32_t (ISAL_DEFLATE = 0: raw deflate)
const ISAL_BLOCK_FINISH = 5;

let lib: Isal | null | undefined;

function load(): Isal | null {
  if (lib !== undefined) return lib;
  if (Deno.env.get(NO_ISAL_VAR) === "1") return lib = null;
  try {
    lib = Deno.dlopen("libisal.so.2", symbols).symbols;
  } catch {
    lib = null;
  }
  return lib;
}

/**
 * Whether ISA-L can be used (installed, and not turned off with `WD_NO_ISAL=1`).
 *
 * @returns True when `libisal.so.2` loaded.
 */
export function isalAvailable(): boolean {
  return load() !== null;
}

function isal(): Isal {
  const l = load();
  if (l === null) throw new Error("ISA-L (libisal.so.2) is not available");
  return l;
}

function addr(b: Uint8Array): bigint {
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(b)));
}

/**
 * ISA-L's CRC-32 (the gzip one, `crc32_gzip_refl`).
 *
 * @param data The bytes.
 * @param crc The CRC so far.
 * @returns The CRC.
 */
export function isalCrc32(data: Uint8Array, crc: number): number {
  return isal().crc32_gzip_refl(crc, data, BigInt(data.length)) >>> 0;
}

let zstream: Uint8Array<ArrayBuffer> | undefined;
const levelBufs: Uint8Array<ArrayBuffer>[] = [];

/**
 * Compresses one block to raw deflate with ISA-L (see {@linkcode BlockJob}).
 *
 * @param job The block (level 1–3).
 * @param out Where to write (see {@linkcode deflateBound}); grown if too small.
 * @returns The raw deflate bytes (a view of `out` or of a larger buffer).
 */
export function isalDeflateBlock(job: BlockJob, out: Uint8Array): Uint8Array {
  const f = isal();
  const zs = zstream ??= new Uint8Array(ZS_SIZE);
  const v = new DataView(zs.buffer);
  const level = Math.min(3, Math.max(0, job.level));
  f.isal_deflate_init(zs);
  v.setUint32(ZS_LEVEL, level, true);
  if (level > 0) {
    const lb = levelBufs[level] ??= new Uint8Array(LEVEL_BUF[level]!);
    v.setUint32(ZS_LEVEL_BUF_SIZE, lb.length, true);
    v.setBigUint64(ZS_LEVEL_BUF, addr(lb), true);
  }
  v.setUint16(ZS_GZIP_FLAG, 0, true);
  if (job.dictionary && job.dictionary.length > 0) {
    const rc = f.isal_deflate_set_dict(zs, job.dictionary, job.dictionary.length);
    if (rc !== 0) throw new Error(`isal_deflate_set_dict failed (${rc})`);
  }
  const input = job.data.length > 0 ? job.data : new Uint8Array(1);
  v.setBigUint64(ZS_NEXT_IN, addr(input), true);
  v.setUint32(ZS_AVAIL_IN, job.data.length, true);
  v.setUint16(ZS_END_OF_STREAM, job.last ? 1 : 0, true);
  v.setUint16(ZS_FLUSH, job.last ? NO_FLUSH : SYNC_FLUSH, true);
  let produced = 0;
  for (;;) {
    v.setBigUint64(ZS_NEXT_OUT, addr(out) + BigInt(produced), true);
    v.setUint32(ZS_AVAIL_OUT, out.length - produced, true);
    const rc = f.isal_deflate(zs);
    if (rc !== 0) throw new Error(`isal_deflate failed (${rc})`);
    produced = out.length - v.getUint32(ZS_AVAIL_OUT, true);
    const done = job.last
      ? v.getUint32(ZS_STATE, true) === ZSTATE_END
      : v.getUint32(ZS_AVAIL_IN, true) === 0 && produced < out.length;
    if (done) return out.subarray(0, produced);
    out = grow(out, produced);
  }
}

/** A streaming raw inflater over ISA-L. */
export class IsalInflater implements RawInflater {
  readonly #f: Isal;
  readonly #st = new Uint8Array(IS_SIZE);
  readonly #v = new DataView(this.#st.buffer);

  /** Makes an inflater for raw deflate. */
  constructor() {
    this.#f = isal();
    this.reset();
  }

  /** Decodes from `input` into `output`; see {@linkcode RawInflater.inflate}. */
  inflate(input: Uint8Array, output: Uint8Array): InflateStep {
    const v = this.#v;
    v.setBigUint64(IS_NEXT_IN, addr(input), true);
    v.setUint32(IS_AVAIL_IN, input.length, true);
    v.setBigUint64(IS_NEXT_OUT, addr(output), true);
    v.setUint32(IS_AVAIL_OUT, output.length, true);
    const rc = this.#f.isal_inflate(this.#st);
    if (rc < 0) throw new ZipDataError("data", { detail: inflateError(rc) });
    const ended = v.getUint32(IS_BLOCK_STATE, true) === ISAL_BLOCK_FINISH;
    let consumed = input.length - v.getUint32(IS_AVAIL_IN, true);
    if (ended) {
      // ISA-L reads input 8 bytes at a time: whole bytes left in its bit buffer after the
      // last block belong to what follows the stream (the trailer, the next member).
      const ahead = v.getInt32(IS_READ_IN_LENGTH, true) >> 3;
      consumed -= ahead;
      v.setInt32(IS_READ_IN_LENGTH, 0, true);
    }
    return { consumed, produced: output.length - v.getUint32(IS_AVAIL_OUT, true), ended };
  }

  /** Whether the stream is complete, at the end of the input. */
  finish(): boolean {
    return this.#v.getUint32(IS_BLOCK_STATE, true) === ISAL_BLOCK_FINISH;
  }

  /** Starts a new stream. */
  reset(): void {
    this.#f.isal_inflate_init(this.#st);
    this.#v.setUint32(IS_CRC_FLAG, 0, true);
  }

  /** Nothing to release: the state is JavaScript memory. */
  [Symbol.dispose](): void {}
}

function inflateError(rc: number): string {
  switch (rc) {
    case -1:
      return "invalid block";
    case -2:
      return "invalid symbol";
    case -3:
      return "invalid distance too far back";
    default:
      return `ISA-L error ${rc}`;
  }
}
