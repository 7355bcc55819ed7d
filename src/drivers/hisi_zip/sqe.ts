/**
 * The hisi_zip SQE: 128 bytes, 32 little-endian dwords, written by software and overwritten
 * in place by the device with its results.
 *
 * Offsets and fields: docs/hisi_zip_sqe.md §2, from Linaro/uadk drv/hisi_comp.c
 * (`struct hisi_zip_sqe`, `fill_zip_comp_sqe()`, `parse_zip_sqe()`) and UADK-v1
 * v1/drv/hisi_zip_udrv.h (the type-0 layout with the tag in dw13).
 *
 * @module
 */

/** Bytes per SQE (`HZIP_SQE_SIZE`). */
export const SQE_SIZE = 128;
/** Dwords per SQE. */
export const SQE_DWORDS = 32;

/** Dword indices of the fields wd uses. */
export const DW = {
  /** out: input bytes consumed. */
  CONSUMED: 0,
  /** out: output bytes written at the destination. */
  PRODUCED: 1,
  /** out: bits 0–7 status, bit 8 last block. */
  STATUS: 3,
  /** in: source length. */
  INPUT_LENGTH: 4,
  /** in: flush (25), stream mode (26), new stream (27), SQE type (28–31). */
  MODE: 7,
  /** in: algorithm (0–7), buffer type (8–11), window (12–15). */
  ALG: 9,
  /** in: tag of a type-0 SQE. */
  TAG_TYPE0: 13,
  /** in: output capacity. */
  DEST_AVAIL: 14,
  /** in/out: stream context word 0 (bits 0–3 `ctx_st`). */
  CTX_DW0: 15,
  /** in: source address, low and high. */
  SRC_L: 18,
  SRC_H: 19,
  /** in: destination address, low and high. */
  DST_L: 20,
  DST_H: 21,
  /** in: stream context buffer address (+64 into the buffer), low and high. */
  CTX_L: 22,
  CTX_H: 23,
  /** in: tag of a type-3 SQE. */
  TAG_TYPE3: 26,
  /** in/out: stream context words 1 and 2. */
  CTX_DW1: 28,
  CTX_DW2: 29,
  /** in/out: running ISIZE. */
  ISIZE: 30,
  /** in/out: running checksum (Adler-32, or the CRC register for gzip). */
  CHECKSUM: 31,
} as const;

/** dw9 algorithm codes (UADK `enum alg_type`; kernel `HZIP_ALG_TYPE_ZLIB/GZIP`). */
export const ALG_CODE = { deflate: 0x01, zlib: 0x02, gzip: 0x03 } as const;
/**
 * An algorithm wd drives on the ZIP engine.
 *
 * @example
 * ```ts
 * import { findDevice, simulatedEnv, type ZipAlg } from "@wd/wd";
 * await using env = simulatedEnv("v3");
 * const algs = (findDevice(env, "hisi_zip-2").algorithms ?? [])
 *   .filter((a): a is ZipAlg => a === "gzip" || a === "zlib" || a === "deflate");
 * console.log(algs); // [ "zlib", "gzip", "deflate" ]
 * ```
 */
export type ZipAlg = keyof typeof ALG_CODE;

/** SQE type 0: zlib/gzip on hisi_qm_v2 (tag in dw13). */
export const SQE_TYPE_0 = 0;
/** SQE type 3: every algorithm on v3 and later, and deflate (tag in dw26). */
export const SQE_TYPE_3 = 3;

/** Status codes (dw3 bits 0–7), docs/hisi_zip_sqe.md §5. */
export const STATUS = {
  OK: 0x00,
  /** Output not smaller than input: success (`HZ_NEGACOMPRESS`). */
  NEGATIVE_COMPRESSION: 0x0d,
  /** Output capacity too small (`ERR_DSTLEN_OUT`): retry with more room. */
  DEST_TOO_SMALL: 0x0e,
  /** Checksum mismatch (`HZ_CRC_ERR`). */
  CRC_ERROR: 0x10,
  /** End of a decompressed stream (`HZ_DECOMP_END`); with the last-block bit = STREAM_END. */
  DECOMP_END: 0x13,
  /** Corrupt or incomplete data. MODEL (docs/zip_device_model.md): seen undocumented on hardware. */
  DATA_ERROR: 0x41,
} as const;

/** dw3 bit 8: the last deflate block was reached (`HZ_LSTBLK_MASK`). */
export const LAST_BLOCK = 0x100;
/** `ctx_st` (dw15 bits 0–3) = 2: output full mid-stream, send the rest with fresh output. */
export const CTX_DECOMPING_NO_SPACE = 0x2;

const FLUSH_FINISH = 1 << 25;
const STREAM_MODE = 1 << 26;
const STREAM_NEW = 1 << 27;
const TYPE_SHIFT = 28;

/** What software puts in an SQE. Addresses are process virtual addresses (SVA). */
export interface SqeRequest {
  /** 0 or 3. */
  sqeType: number;
  /** Algorithm code. */
  alg: number;
  /** FINISH: this is the last request of the stream. */
  last: boolean;
  /** Stateful (stream) mode. */
  stateful: boolean;
  /** First request of a stream. */
  newStream: boolean;
  /** Window size code (0 = 4K … 4 = 32K); compression only. */
  window: number;
  /** Buffer type (0 = flat, 1 = hardware SGL); wd uses flat buffers only. */
  bufferType?: number;
  /** Echoed back; wd stores the SQ slot. */
  tag: number;
  /** Source length. */
  inputLength: number;
  /** Output capacity. */
  destAvail: number;
  /** Source address. */
  src: number;
  /** Destination address. */
  dst: number;
  /** Context buffer address (+64), 0 when stateless. */
  ctx: number;
  /** Context word 0 carried between stateful requests. */
  ctxDw0: number;
  /** Context word 1. */
  ctxDw1: number;
  /** Context word 2. */
  ctxDw2: number;
  /** Running ISIZE carried between requests. */
  isize: number;
  /** Running checksum carried between requests. */
  checksum: number;
}

/** What the device writes back. */
export interface SqeResult {
  /** Input bytes consumed. */
  consumed: number;
  /** Output bytes produced. */
  produced: number;
  /** Status code. */
  status: number;
  /** Whether the last block was reached. */
  lastBlock: boolean;
  /** Context word 0 to carry. */
  ctxDw0: number;
  /** Context word 1. */
  ctxDw1: number;
  /** Context word 2. */
  ctxDw2: number;
  /** Running ISIZE. */
  isize: number;
  /** Running checksum. */
  checksum: number;
  /** The tag echoed back. */
  tag: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function assertLittleEndian(): void {
  // The QM is little-endian; typed arrays use the host's order (x86_64 and arm64 LE).
  if (!LITTLE_ENDIAN) throw new Error("Cannot drive the ZIP engine from a big-endian host");
}

const TWO32 = 4294967296;

/**
 * Writes a whole SQE (all 32 dwords, output words zeroed) at dword `base` of `w`.
 *
 * @param w Dwords of the SQ (a Uint32Array over the DUS region).
 * @param base Dword index of the SQE (slot × 32).
 * @param r The request.
 */
export function encodeSqe(w: Uint32Array, base: number, r: SqeRequest): void {
  assertLittleEndian();
  w.fill(0, base, base + SQE_DWORDS);
  w[base + DW.INPUT_LENGTH] = r.inputLength;
  w[base + DW.MODE] = (r.last ? FLUSH_FINISH : 0) | (r.stateful ? STREAM_MODE : 0) |
    (r.newStream ? STREAM_NEW : 0) | ((r.sqeType & 0xf) << TYPE_SHIFT);
  w[base + DW.ALG] = (r.alg & 0xff) | (((r.bufferType ?? 0) & 0xf) << 8) | ((r.window & 0xf) << 12);
  w[base + (r.sqeType === SQE_TYPE_3 ? DW.TAG_TYPE3 : DW.TAG_TYPE0)] = r.tag;
  w[base + DW.DEST_AVAIL] = r.destAvail;
  w[base + DW.CTX_DW0] = r.ctxDw0;
  w[base + DW.SRC_L] = r.src % TWO32;
  w[base + DW.SRC_H] = Math.floor(r.src / TWO32);
  w[base + DW.DST_L] = r.dst % TWO32;
  w[base + DW.DST_H] = Math.floor(r.dst / TWO32);
  w[base + DW.CTX_L] = r.ctx % TWO32;
  w[base + DW.CTX_H] = Math.floor(r.ctx / TWO32);
  w[base + DW.CTX_DW1] = r.ctxDw1;
  w[base + DW.CTX_DW2] = r.ctxDw2;
  w[base + DW.ISIZE] = r.isize;
  w[base + DW.CHECKSUM] = r.checksum;
}

/**
 * Reads the device's results from an SQE.
 *
 * @param w Dwords of the SQ.
 * @param base Dword index of the SQE.
 * @returns The results.
 */
export function decodeSqeResult(w: Uint32Array, base: number): SqeResult {
  const status = w[base + DW.STATUS]!;
  const type = w[base + DW.MODE]! >>> TYPE_SHIFT;
  return {
    consumed: w[base + DW.CONSUMED]!,
    produced: w[base + DW.PRODUCED]!,
    status: status & 0xff,
    lastBlock: (status & LAST_BLOCK) !== 0,
    ctxDw0: w[base + DW.CTX_DW0]!,
    ctxDw1: w[base + DW.CTX_DW1]!,
    ctxDw2: w[base + DW.CTX_DW2]!,
    isize: w[base + DW.ISIZE]!,
    checksum: w[base + DW.CHECKSUM]!,
    tag: w[base + (type === SQE_TYPE_3 ? DW.TAG_TYPE3 : DW.TAG_TYPE0)]!,
  };
}

/**
 * Reads a request back from an SQE (what the device sees).
 *
 * @param w Dwords of the SQ.
 * @param base Dword index of the SQE.
 * @returns The request.
 */
export function decodeSqeRequest(w: Uint32Array, base: number): SqeRequest {
  const mode = w[base + DW.MODE]!;
  const sqeType = mode >>> TYPE_SHIFT;
  const alg = w[base + DW.ALG]!;
  return {
    sqeType,
    alg: alg & 0xff,
    last: (mode & FLUSH_FINISH) !== 0,
    stateful: (mode & STREAM_MODE) !== 0,
    newStream: (mode & STREAM_NEW) !== 0,
    window: (alg >>> 12) & 0xf,
    bufferType: (alg >>> 8) & 0xf,
    tag: w[base + (sqeType === SQE_TYPE_3 ? DW.TAG_TYPE3 : DW.TAG_TYPE0)]!,
    inputLength: w[base + DW.INPUT_LENGTH]!,
    destAvail: w[base + DW.DEST_AVAIL]!,
    src: w[base + DW.SRC_H]! * TWO32 + w[base + DW.SRC_L]!,
    dst: w[base + DW.DST_H]! * TWO32 + w[base + DW.DST_L]!,
    ctx: w[base + DW.CTX_H]! * TWO32 + w[base + DW.CTX_L]!,
    ctxDw0: w[base + DW.CTX_DW0]!,
    ctxDw1: w[base + DW.CTX_DW1]!,
    ctxDw2: w[base + DW.CTX_DW2]!,
    isize: w[base + DW.ISIZE]!,
    checksum: w[base + DW.CHECKSUM]!,
  };
}

/**
 * Writes results into an SQE, as the device does.
 *
 * @param w Dwords of the SQ.
 * @param base Dword index of the SQE.
 * @param r The results (the tag is left as the driver wrote it).
 */
export function encodeSqeResult(w: Uint32Array, base: number, r: Omit<SqeResult, "tag">): void {
  w[base + DW.CONSUMED] = r.consumed;
  w[base + DW.PRODUCED] = r.produced;
  w[base + DW.STATUS] = (r.status & 0xff) | (r.lastBlock ? LAST_BLOCK : 0);
  w[base + DW.CTX_DW0] = r.ctxDw0;
  w[base + DW.CTX_DW1] = r.ctxDw1;
  w[base + DW.CTX_DW2] = r.ctxDw2;
  w[base + DW.ISIZE] = r.isize;
  w[base + DW.CHECKSUM] = r.checksum;
}

/**
 * The SQE type for an algorithm on a hardware version (UADK `hisi_zip_sqe_ops_adapt()`):
 * type 0 for zlib/gzip on v1/v2, type 3 otherwise.
 *
 * @param alg The algorithm.
 * @param hwVersion The hisi_qm version.
 * @returns 0 or 3.
 */
export function sqeTypeFor(alg: ZipAlg, hwVersion: number): number {
  return hwVersion <= 2 && alg !== "deflate" ? SQE_TYPE_0 : SQE_TYPE_3;
}
