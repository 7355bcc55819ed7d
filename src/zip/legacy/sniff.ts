/**
 * Which compressed format a stream is in, from its first bytes, as gzip 1.14's `get_method`
 * tells them apart: gzip (and the gzip 0.5 magic gzip still reads as gzip), `compress`'s LZW,
 * `pack`, a PKZIP file (only at the start of the input), and SCO's LZH, which gzip also
 * reads but wd does not.
 *
 * @module
 */

/** A format recognised by its magic bytes. */
export type SniffedFormat =
  /** gzip (1f 8b), or gzip 0.5's magic (1f 9e), which gzip 1.14 reads the same way. */
  | "gzip"
  /** `compress`'s LZW, `.Z` (1f 9d). */
  | "lzw"
  /** `pack`'s static Huffman coding, `.z` (1f 1e). */
  | "pack"
  /** A PKZIP file (`PK`): a local header, a spanning marker, or an empty archive. */
  | "zip"
  /** SCO `compress -H` (1f a0): gzip reads it, wd does not. */
  | "lzh";

/** Bytes {@linkcode sniffFormat} needs to decide (fewer at the end of the input). */
export const SNIFF_LENGTH = 2;

/**
 * The format a member starting with `head` is in, or null when it is none gzip knows.
 * `PK` counts only for the first member of an input (`first`), as in gzip: a zip file is
 * read alone, never after another member.
 *
 * @param head The first bytes (at least {@linkcode SNIFF_LENGTH} unless the input is shorter).
 * @param options Whether this is the first member of the input (default true).
 * @returns The format, or null.
 *
 * @example
 * ```ts
 * import { sniffFormat } from "./sniff.ts";
 * console.log(sniffFormat(new Uint8Array([0x1f, 0x9d, 0x90]))); // lzw
 * console.log(sniffFormat(new TextEncoder().encode("PK\x03\x04"))); // zip
 * console.log(sniffFormat(new TextEncoder().encode("hello"))); // null
 * ```
 */
export function sniffFormat(
  head: Uint8Array,
  options: { first?: boolean } = {},
): SniffedFormat | null {
  if (head.length < 2) return null;
  const [b0, b1] = head;
  if (b0 === 0x50 && b1 === 0x4b) return options.first ?? true ? "zip" : null;
  if (b0 !== 0x1f) return null;
  switch (b1) {
    case 0x8b:
    case 0x9e:
      return "gzip";
    case 0x9d:
      return "lzw";
    case 0x1e:
      return "pack";
    case 0xa0:
      return "lzh";
    default:
      return null;
  }
}

/**
 * What `gzip -lv` prints in its method column for a legacy format (gzip's five-character
 * names). Its CRC column shows `ffffffff` for all of them (no CRC known to list), and its
 * compressed size is the bytes gzip read.
 *
 * @param format The format.
 * @param zipMethod For a zip file, the first entry's method.
 * @returns The method column.
 *
 * @example
 * ```ts
 * import { listMethod } from "./sniff.ts";
 * console.log(listMethod("lzw")); // compr
 * console.log(listMethod("zip", "stored")); // store
 * ```
 */
export function listMethod(
  format: "lzw" | "pack" | "zip",
  zipMethod: "stored" | "deflated" = "deflated",
): "compr" | "pack " | "store" | "defla" {
  if (format === "lzw") return "compr";
  if (format === "pack") return "pack ";
  return zipMethod === "stored" ? "store" : "defla";
}
