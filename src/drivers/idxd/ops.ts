/**
 * Decoding idxd capability bitmaps and command status.
 *
 * `op_cap` has had three formats (drivers/dma/idxd/sysfs.c `op_cap_show`):
 * - 6.1 and later (and 6.0.9+ stable): a 256-bit bitmap printed with `%*pb`, eight
 *   comma-separated 32-bit hex words, most significant word first (upstream a8563a33a5e2,
 *   "reformat opcap output to match bitmap_parse() input"); later kernels print the same text
 *   64 bits at a time (`op_cap_show_common`);
 * - 5.12 to 6.0 (and 5.10.y/5.11.y stable after April 2021): the four 64-bit words of the
 *   OPCAP register, `"%#llx "` each, the lowest word first, the last space replaced by the
 *   newline (upstream ea6a5735d2a6, "fix opcap sysfs attribute output");
 * - 5.6 to 5.11: `"%#llx"` of the lowest 64-bit word only (bits 0–63).
 * The kernel prints a zero word as `0x0`. A wq's `op_config` (6.1+) is always `%*pb`.
 *
 * Bit N set means operation code N is supported. The names are the opcodes of `enum dsa_opcode`
 * and `enum iax_opcode` in include/uapi/linux/idxd.h (Linux 6.x), plus those accel-config's
 * accfg/idxd.h names beyond them (DSA 2.0's update_win and the inter-PASID operations; IAA's
 * transl_fetch, encrypt, decrypt and the 8-bit zero compress/decompress), lower-cased without
 * their prefix; the command status texts describe `enum idxd_scmd_stat` there.
 *
 * @module
 */

/** DSA operation codes (`enum dsa_opcode`, include/uapi/linux/idxd.h; intel/idxd-config accfg/idxd.h). */
export const DSA_OPCODES: Readonly<Record<number, string>> = {
  0x00: "noop",
  0x01: "batch",
  0x02: "drain",
  0x03: "memmove",
  0x04: "memfill",
  0x05: "compare",
  0x06: "compval",
  0x07: "cr_delta",
  0x08: "ap_delta",
  0x09: "dualcast",
  0x0a: "transl_fetch",
  0x10: "crcgen",
  0x11: "copy_crc",
  0x12: "dif_check",
  0x13: "dif_ins",
  0x14: "dif_strp",
  0x15: "dif_updt",
  0x17: "dix_gen",
  0x20: "cflush",
  0x21: "update_win",
  0x23: "rs_ipasid_memcopy",
  0x24: "rs_ipasid_fill",
  0x25: "rs_ipasid_compare",
  0x26: "rs_ipasid_compval",
  0x27: "rs_ipasid_cflush",
  0x33: "urs_ipasid_memcopy",
  0x34: "urs_ipasid_fill",
  0x35: "urs_ipasid_compare",
  0x36: "urs_ipasid_compval",
  0x37: "urs_ipasid_cflush",
};

/** IAA operation codes (`enum iax_opcode`, include/uapi/linux/idxd.h; intel/idxd-config accfg/idxd.h). */
export const IAX_OPCODES: Readonly<Record<number, string>> = {
  0x00: "noop",
  0x02: "drain",
  0x03: "memmove",
  0x0a: "transl_fetch",
  0x40: "decrypt",
  0x41: "encrypt",
  0x42: "decompress",
  0x43: "compress",
  0x44: "crc64",
  0x48: "zero_decomp_32",
  0x49: "zero_decomp_16",
  0x4a: "zero_decomp_8",
  0x4c: "zero_comp_32",
  0x4d: "zero_comp_16",
  0x4e: "zero_comp_8",
  0x50: "scan",
  0x51: "set_member",
  0x52: "extract",
  0x53: "select",
  0x54: "rle_burst",
  0x55: "find_unique",
  0x56: "expand",
};

/**
 * The set bits of a `%*pb` bitmap.
 *
 * @param text Such as `00000000,00000001,003f03ff`.
 * @returns Bit numbers in ascending order, or null when the text is not such a bitmap.
 *
 * @example
 * ```ts
 * import { parseBitmap } from "@wd/wd/low-level";
 * console.log(parseBitmap("00000001,00000009")); // [0, 3, 32]
 * ```
 */
export function parseBitmap(text: string): number[] | null {
  const words = text.trim().split(",");
  if (!words.every((w) => /^[0-9a-f]{1,8}$/i.test(w))) return null;
  const bits: number[] = [];
  words.reverse().forEach((w, i) => {
    const v = Number.parseInt(w, 16);
    for (let b = 0; b < 32; b++) if ((v >>> b) & 1) bits.push(i * 32 + b);
  });
  return bits;
}

/** Which kernel format an `op_cap` was printed in (see the module documentation). */
export type OpCapFormat = "bitmap" | "u64x4" | "u64";

/** The set bits of an `op_cap`, and the format they were read from. */
export interface OpCap {
  /** Bit numbers in ascending order. */
  bits: number[];
  /** `bitmap` (6.1+), `u64x4` (5.12–6.0) or `u64` (5.6–5.11: bits 0–63 only). */
  format: OpCapFormat;
}

const U64 = /^0x[0-9a-f]{1,16}$|^0$/i;

/**
 * Reads an `op_cap` in any of the kernel's three formats.
 *
 * @param text The attribute's text.
 * @returns The bits and the format, or null when the text is in none of them.
 *
 * @example
 * ```ts
 * import { parseOpCap } from "@wd/wd/low-level";
 * console.log(parseOpCap("0x1003f03ff 0x0 0x0 0x0")?.bits.at(-1)); // 32 (cflush), from a 5.15 kernel
 * ```
 */
export function parseOpCap(text: string): OpCap | null {
  const t = text.trim();
  if (t.includes(",")) {
    const bits = parseBitmap(t);
    return bits === null ? null : { bits, format: "bitmap" };
  }
  const words = t.split(/\s+/);
  if (!words.every((w) => U64.test(w))) return null;
  if (words.length !== 1 && words.length !== 4) return null;
  const bits: number[] = [];
  words.forEach((w, i) => {
    const v = BigInt(w === "0" ? 0 : w);
    for (let b = 0; b < 64; b++) if ((v >> BigInt(b)) & 1n) bits.push(i * 64 + b);
  });
  return { bits, format: words.length === 4 ? "u64x4" : "u64" };
}

/** Operations named from a bitmap, and the set bits no table names. */
export interface DecodedOps {
  /** Every set bit in opcode order: its name, or `op_0x..` for bits no table names. */
  names: string[];
  /** Set bits that are no known opcode. */
  unknown: number[];
}

/**
 * Names the operations of an `op_cap` or `op_config` bitmap.
 *
 * @param kind `dsa` or `iax`: the opcode tables differ.
 * @param bits The set bits (from {@linkcode parseOpCap} or {@linkcode parseBitmap}).
 * @returns The names in opcode order and the unknown bits.
 *
 * @example
 * ```ts
 * import { decodeOps } from "@wd/wd/low-level";
 * console.log(decodeOps("dsa", [0x20, 0x03, 0x22]).names); // ["memmove", "cflush", "op_0x22"]
 * ```
 */
export function decodeOps(kind: "dsa" | "iax", bits: number[]): DecodedOps {
  const table = kind === "dsa" ? DSA_OPCODES : IAX_OPCODES;
  const sorted = [...new Set(bits)].sort((a, b) => a - b);
  return {
    names: sorted.map((b) => table[b] ?? `op_0x${b.toString(16).padStart(2, "0")}`),
    unknown: sorted.filter((b) => table[b] === undefined),
  };
}

/** Driver command errors: `enum idxd_scmd_stat` (include/uapi/linux/idxd.h) → meaning. */
const SCMD_STATUS: Readonly<Record<number, string>> = {
  0x80000010: "device already enabled",
  0x80000020: "device not enabled",
  0x80000021: "work queue already enabled",
  0x80020000: "DMA setup of the device failed",
  0x80030000: "work queue is in no group",
  0x80040000: "work queue name not set",
  0x80050000: "shared work queue needs PASID (SVA), which is off",
  0x80060000: "shared work queue has no threshold",
  0x80070000: "work queue portal mapping failed",
  0x80080000: "work queue resource allocation failed",
  0x80090000: "per-CPU allocation failed",
  0x800a0000: "DMA channel registration failed",
  0x800b0000: "character device creation failed",
  0x800c0000: "no shared work queue support (platform configuration)",
  0x800d0000: "no work queue is configured",
  0x800e0000: "work queue size not set",
  0x800f0000: "work queue needs privileged mode",
  0x80100000: "work queue interrupt setup failed",
  0x80110000: "user work queue needs PASID (SVA), which is off",
  0x80120000: "event log setup failed",
  0x80200000: "work queue driver_name not set or not this driver",
};

/** `IDXD_SCMD_SOFTERR_MASK`: the driver, not the hardware, set the status. */
const SOFTERR_MASK = 0x80000000;

/**
 * What a device's `cmd_status` means: the last admin command's result.
 *
 * @param status The value (`%#x` in sysfs).
 * @returns null for 0 (no error), else a short description.
 *
 * @example
 * ```ts
 * import { cmdStatusText } from "@wd/wd/low-level";
 * console.log(cmdStatusText(0x80110000)); // user work queue needs PASID (SVA), which is off
 * ```
 */
export function cmdStatusText(status: number): string | null {
  if (status === 0) return null;
  const known = SCMD_STATUS[status];
  if (known !== undefined) return known;
  const hex = `0x${status.toString(16)}`;
  return (status & SOFTERR_MASK) !== 0 ? `driver error ${hex}` : `hardware command error ${hex}`;
}
