/**
 * The ZIP SQE and the CQE, encoded by hand from docs/zip_device_model.md ("SQE", "Queue") and
 * docs/hisi_qm_queue.md §7 and docs/hisi_zip_sqe.md §2. Deliberately independent of wd's driver: the
 * guest tests check the kernel ABI and the device model, not wd's codec.
 *
 * @module
 */

/** Byte offsets of the SQE dwords the tests use (dwN is at 4 × N). */
export const SQE = {
  CONSUMED: 0 * 4,
  PRODUCED: 1 * 4,
  STATUS: 3 * 4, // bits 0-7 status, bit 8 last block
  IN_LEN: 4 * 4,
  FLAGS: 7 * 4, // bit 25 finish, 26 stateful, 27 new stream, 28-31 SQE type
  ALG: 9 * 4, // bits 0-7 algorithm, 8-11 buffer type, 12-15 window
  TAG_TYPE0: 13 * 4,
  OUT_CAP: 14 * 4,
  CTX0: 15 * 4, // bits 0-3 ctx_st
  SRC: 18 * 4, // dw18 low, dw19 high
  DST: 20 * 4,
  CTX_ADDR: 22 * 4,
  TAG_TYPE3: 26 * 4,
  CTX1: 28 * 4,
  CTX2: 29 * 4,
  ISIZE: 30 * 4,
  CHECKSUM: 31 * 4,
} as const;

/** SQE size and queue geometry (hisi_zip: 128-byte SQEs, 1024-deep queues, 16-byte CQEs). */
export const SQE_SIZE = 128;
/** SQ and CQ depth. */
export const DEPTH = 1024;
/** CQE size. */
export const CQE_SIZE = 16;
/** Where the CQ starts in the DUS region. */
export const CQ_OFFSET = SQE_SIZE * DEPTH;

/** dw9 algorithm codes. */
export const Alg = { deflate: 1, zlib: 2, gzip: 3 } as const;
/** A format the device knows. */
export type AlgName = keyof typeof Alg;

/** dw3 status codes (docs/zip_device_model.md). */
export const Status = {
  OK: 0x00,
  NEGATIVE_COMPRESSION: 0x0d,
  OUTPUT_TOO_SMALL: 0x0e,
  CRC: 0x10,
  DECOMP_END: 0x13,
  DATA: 0x41,
} as const;

/** ctx_st (dw15 bits 0-3): DECOMPING_NO_SPACE, resend the rest with fresh output. */
export const CTX_ST_NO_SPACE = 2;

/** What a test puts in one SQE. */
export interface SqeFields {
  /** Algorithm. */
  alg: AlgName;
  /** 0 (v2: zlib, gzip) or 3 (v3, and deflate). */
  type: 0 | 3;
  /** Input address (a process virtual address, as under SVA). */
  src: bigint;
  /** Input length. */
  inLen: number;
  /** Output address. */
  dst: bigint;
  /** Output capacity. */
  outCap: number;
  /** Stateful: the context buffer address (buffer + 64); 0 when stateless. */
  ctx?: bigint;
  /** Stream mode 1. */
  stateful?: boolean;
  /** First request of a stream. */
  newStream?: boolean;
  /** Flush = FINISH (last request of a stream). */
  finish?: boolean;
  /** Window code 0-4 (4K-32K). */
  window?: number;
  /** Buffer type (0 = flat; 1 = SGL, which the fake does not support). */
  bufType?: number;
  /** The tag (dw13 for type 0, dw26 for type 3). */
  tag?: number;
  /** ISIZE carried from the previous request of the stream. */
  isize?: number;
  /** Checksum word carried from the previous request of the stream. */
  checksum?: number;
}

/**
 * Encodes one SQE; all 128 bytes are written, so the output words start at 0.
 *
 * @param f The fields.
 * @returns The 128 bytes.
 */
export function encodeSqe(f: SqeFields): Uint8Array {
  const bytes = new Uint8Array(SQE_SIZE);
  const v = new DataView(bytes.buffer);
  const flags = (f.finish ? 1 << 25 : 0) | (f.stateful ? 1 << 26 : 0) |
    (f.newStream ? 1 << 27 : 0) | (f.type << 28);
  v.setUint32(SQE.IN_LEN, f.inLen, true);
  v.setUint32(SQE.FLAGS, flags >>> 0, true);
  v.setUint32(SQE.ALG, Alg[f.alg] | ((f.bufType ?? 0) << 8) | ((f.window ?? 4) << 12), true);
  v.setUint32(f.type === 0 ? SQE.TAG_TYPE0 : SQE.TAG_TYPE3, f.tag ?? 0, true);
  v.setUint32(SQE.OUT_CAP, f.outCap, true);
  v.setBigUint64(SQE.SRC, f.src, true);
  v.setBigUint64(SQE.DST, f.dst, true);
  v.setBigUint64(SQE.CTX_ADDR, f.ctx ?? 0n, true);
  v.setUint32(SQE.ISIZE, f.isize ?? 0, true);
  v.setUint32(SQE.CHECKSUM, f.checksum ?? 0, true);
  return bytes;
}

/** What the device wrote back into an SQE. */
export interface SqeResult {
  /** Input bytes consumed. */
  consumed: number;
  /** Output bytes produced. */
  produced: number;
  /** dw3 bits 0-7. */
  status: number;
  /** dw3 bit 8. */
  lastBlock: boolean;
  /** ctx_dw0 bits 0-3. */
  ctxSt: number;
  /** dw30. */
  isize: number;
  /** dw31. */
  checksum: number;
  /** The tag, wherever the SQE type keeps it. */
  tag: number;
}

/**
 * Decodes the words the device writes back.
 *
 * @param bytes The 128 bytes of a completed SQE.
 * @returns The results.
 */
export function decodeSqe(bytes: Uint8Array): SqeResult {
  const v = new DataView(bytes.buffer, bytes.byteOffset, SQE_SIZE);
  const type = v.getUint32(SQE.FLAGS, true) >>> 28;
  const dw3 = v.getUint32(SQE.STATUS, true);
  return {
    consumed: v.getUint32(SQE.CONSUMED, true),
    produced: v.getUint32(SQE.PRODUCED, true),
    status: dw3 & 0xff,
    lastBlock: (dw3 & 0x100) !== 0,
    ctxSt: v.getUint32(SQE.CTX0, true) & 0xf,
    isize: v.getUint32(SQE.ISIZE, true),
    checksum: v.getUint32(SQE.CHECKSUM, true),
    tag: v.getUint32(type === 0 ? SQE.TAG_TYPE0 : SQE.TAG_TYPE3, true),
  };
}

/** One CQE. */
export interface Cqe {
  /** The SQ slot that completed (u16 @8). */
  sqHead: number;
  /** The queue number (u16 @10). */
  sqNum: number;
  /** w7 bit 0 (u16 @14). */
  phase: number;
}

/**
 * Decodes a CQE.
 *
 * @param bytes The 16 bytes.
 * @returns Its fields.
 */
export function decodeCqe(bytes: Uint8Array): Cqe {
  const v = new DataView(bytes.buffer, bytes.byteOffset, CQE_SIZE);
  return {
    sqHead: v.getUint16(8, true),
    sqNum: v.getUint16(10, true),
    phase: v.getUint16(14, true) & 1,
  };
}

/**
 * A v2 doorbell (one 64-bit store): qn bits 0-9, cmd 12-15 (0 SQ, 1 CQ), index 32-47,
 * priority 48-63.
 *
 * @param qn The queue number.
 * @param cmd 0 = SQ, 1 = CQ.
 * @param index SQ: the new tail; CQ: the new head.
 * @param priority CQ: 1 re-arms the interrupt before sleeping in poll().
 * @returns The 64-bit value.
 */
export function doorbell(qn: number, cmd: 0 | 1, index: number, priority = 0): bigint {
  return BigInt(qn & 0x3ff) | (BigInt(cmd) << 12n) | (BigInt(index & 0xffff) << 32n) |
    (BigInt(priority & 0xffff) << 48n);
}

/** 32-bit bit reversal (the gzip dw31 form: trailer CRC = bitreverse32(~dw31)). */
export function bitreverse32(x: number): number {
  let r = 0;
  for (let i = 0; i < 32; i++) r = (r << 1) | ((x >>> i) & 1);
  return r >>> 0;
}
