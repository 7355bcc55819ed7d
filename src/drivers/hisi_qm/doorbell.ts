/**
 * hisi_qm doorbells, table-driven by hardware version (Linaro/uadk drv/hisi_qm_udrv.c
 * `hacc_db_v1()`/`hacc_db_v2()`, `QM_DBELL_OFFSET 0x340`, `QM_DBELL_OFFSET_V2 0x1000`; kernel
 * qm.c `qm_db_v1()`/`qm_db_v2()`). A doorbell is one aligned 64-bit store into the MMIO region.
 *
 * @module
 */

/** Doorbell commands. */
export const DB_CMD_SQ = 0;
/** Acknowledge completions up to a new CQ head. */
export const DB_CMD_CQ = 1;

/** How one hardware generation lays out its doorbell. */
export interface DoorbellLayout {
  /** Byte offset of the doorbell in the MMIO region. */
  offset: number;
  /** Largest queue number the `qn` field holds. */
  qnMask: number;
  /** Encodes {qn, cmd, index, priority} into the 64-bit value. */
  encode(qn: number, cmd: number, index: number, priority: number): bigint;
  /** Decodes a value (for the device model and tests). */
  decode(value: bigint): { qn: number; cmd: number; index: number; priority: number };
}

/** v1: qn bits 0–15, cmd 16–31, index 32–47, priority 48–63. */
const V1: DoorbellLayout = {
  offset: 0x340,
  qnMask: 0xffff,
  encode: (qn, cmd, index, priority) =>
    BigInt(((qn & 0xffff) | ((cmd & 0xffff) << 16)) >>> 0) |
    (BigInt(((index & 0xffff) | ((priority & 0xffff) << 16)) >>> 0) << 32n),
  decode: (v) => ({
    qn: Number(v & 0xffffn),
    cmd: Number((v >> 16n) & 0xffffn),
    index: Number((v >> 32n) & 0xffffn),
    priority: Number((v >> 48n) & 0xffffn),
  }),
};

/** v2 and later: qn bits 0–9 (UADK masks 0x3ff), cmd 12–15, rand 16–31 (0), index 32–47, priority 48–63. */
const V2: DoorbellLayout = {
  offset: 0x1000,
  qnMask: 0x3ff,
  encode: (qn, cmd, index, priority) =>
    BigInt(((qn & 0x3ff) | ((cmd & 0xf) << 12)) >>> 0) |
    (BigInt(((index & 0xffff) | ((priority & 0xffff) << 16)) >>> 0) << 32n),
  decode: (v) => ({
    qn: Number(v & 0x3ffn),
    cmd: Number((v >> 12n) & 0xfn),
    index: Number((v >> 32n) & 0xffffn),
    priority: Number((v >> 48n) & 0xffffn),
  }),
};

/**
 * The doorbell layout of a hardware version: v1 has its own; every later version uses v2's
 * (UADK selects by `hw_type == 1`).
 *
 * @param hwVersion The version from the device's `api`.
 * @returns The layout.
 *
 * @example
 * ```ts
 * import { DB_CMD_SQ, doorbellLayout } from "@wd/wd/low-level";
 * console.log(doorbellLayout(2).encode(5, DB_CMD_SQ, 17, 0).toString(16)); // "1100000005"
 * ```
 */
export function doorbellLayout(hwVersion: number): DoorbellLayout {
  return hwVersion === 1 ? V1 : V2;
}
