/**
 * The `WD` FEXTRA subfield that wd writes into every member of the hardware engine's
 * multi-member gzip output, so a decoder can find each member's end without inflating and
 * decode members in parallel (like BGZF's `BC` subfield, which gives the block size).
 *
 * Layout (RFC 1952 §2.3.1.1 subfield): SI1 `W` (0x57), SI2 `D` (0x44), LEN 8, then the whole
 * member's length in bytes (header and trailer included) and its uncompressed length, both u32
 * little-endian. Any gzip reader ignores it.
 *
 * @module
 */

import { extraSubfield } from "../gzip_header.ts";

/** Bytes of the subfield: 4 of id and length, 8 of data. */
export const WD_SUBFIELD_BYTES = 12;

/** What the subfield says about its member. */
export interface WdExtra {
  /** The whole member's length in bytes. */
  memberLength: number;
  /** Its uncompressed length. */
  isize: number;
}

/**
 * The subfield with both lengths zero, to be patched with {@linkcode patchWdExtra}.
 *
 * @returns 12 bytes.
 */
export function wdSubfield(): Uint8Array {
  return new Uint8Array([0x57, 0x44, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
}

/**
 * Writes the lengths into a member's subfield, found at `offset` within the member.
 *
 * @param member The member bytes.
 * @param offset Where the subfield starts (its SI1 byte).
 * @param extra The lengths.
 */
export function patchWdExtra(member: Uint8Array, offset: number, extra: WdExtra): void {
  const v = new DataView(member.buffer, member.byteOffset + offset + 4, 8);
  v.setUint32(0, extra.memberLength, true);
  v.setUint32(4, extra.isize, true);
}

/**
 * Reads the subfield from a member header's FEXTRA.
 *
 * @param extra The FEXTRA bytes, if the header has any.
 * @returns The lengths, or undefined when the member has no valid `WD` subfield.
 *
 * @example
 * ```ts
 * import { parseWdExtra, patchWdExtra, wdSubfield } from "./wd_extra.ts";
 * const f = wdSubfield();
 * patchWdExtra(f, 0, { memberLength: 1234, isize: 4096 });
 * console.log(parseWdExtra(f)); // { memberLength: 1234, isize: 4096 }
 * ```
 */
export function parseWdExtra(extra: Uint8Array | undefined): WdExtra | undefined {
  if (extra === undefined) return undefined;
  const data = extraSubfield(extra, "W", "D");
  if (data === undefined || data.length !== 8) return undefined;
  const v = new DataView(data.buffer, data.byteOffset, 8);
  const extraLen = { memberLength: v.getUint32(0, true), isize: v.getUint32(4, true) };
  return extraLen.memberLength > 0 ? extraLen : undefined;
}
