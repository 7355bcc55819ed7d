/**
 * The gzip member header (RFC 1952 §2.3): encoding, and parsing from a stream that may not have
 * delivered all of it yet. Every field is kept, FEXTRA included, so a decoder can read subfields
 * such as BGZF's `BC` or wd's `WD` (member lengths, to split members without inflating).
 *
 * @module
 */

import type { GzipHeader } from "./engine.ts";
import { crc32Small as crc32 } from "./combine.ts";
import { ZipDataError } from "./errors.ts";

/** The two magic bytes. */
export const GZIP_MAGIC = [0x1f, 0x8b] as const;
/** CM = 8: deflate, the only method gzip defines. */
const CM_DEFLATE = 8;
const FTEXT = 1;
const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;
const FRESERVED = 0xe0;
/** The fixed part: ID1 ID2 CM FLG MTIME(4) XFL OS. */
const FIXED = 10;
/** Longest FNAME or FCOMMENT accepted (gzip itself has no limit; this bounds memory). */
export const MAX_HEADER_STRING = 1 << 20;

/** OS byte for Unix (what gzip writes on Linux). */
export const OS_UNIX = 3;

/**
 * Encodes a gzip member header.
 *
 * @param h The fields.
 * @returns The header bytes.
 *
 * @example
 * ```ts
 * import { encodeGzipHeader } from "@wd/wd/low-level";
 * console.log(encodeGzipHeader({ mtime: 0, os: 3 })); // Uint8Array(10) [31, 139, 8, 0, 0, 0, 0, 0, 0, 3]
 * ```
 */
export function encodeGzipHeader(h: GzipHeader): Uint8Array {
  const name = h.name === undefined ? undefined : latin1(h.name);
  const comment = h.comment === undefined ? undefined : latin1(h.comment);
  const extra = h.extra;
  const size = FIXED + (extra ? 2 + extra.length : 0) + (name ? name.length + 1 : 0) +
    (comment ? comment.length + 1 : 0) + (h.hcrc ? 2 : 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  const flags = (h.text ? FTEXT : 0) | (h.hcrc ? FHCRC : 0) | (extra ? FEXTRA : 0) |
    (name ? FNAME : 0) | (comment ? FCOMMENT : 0);
  out.set([GZIP_MAGIC[0], GZIP_MAGIC[1], CM_DEFLATE, flags]);
  view.setUint32(4, h.mtime >>> 0, true);
  out[8] = h.xfl ?? 0;
  out[9] = h.os;
  let o = FIXED;
  if (extra) {
    if (extra.length > 0xffff) throw new RangeError("gzip FEXTRA is longer than 65535 bytes");
    view.setUint16(o, extra.length, true);
    out.set(extra, o + 2);
    o += 2 + extra.length;
  }
  for (const s of [name, comment]) {
    if (!s) continue;
    out.set(s, o);
    o += s.length + 1; // the terminating NUL is already 0
  }
  if (h.hcrc) view.setUint16(o, crc32(out.subarray(0, o)) & 0xffff, true);
  return out;
}

/**
 * Parses a gzip member header at the start of `buf`.
 *
 * @param buf The bytes available so far.
 * @returns The header and its length in bytes, or null when `buf` ends before the header does.
 * @throws ZipDataError `format` when the magic is wrong, `header` for an unknown method,
 *   reserved flags, an over-long field or a header CRC that does not match.
 *
 * @example
 * ```ts
 * import { encodeGzipHeader, parseGzipHeader } from "@wd/wd/low-level";
 * const bytes = encodeGzipHeader({ mtime: 1, os: 3, name: "a.txt", hcrc: true });
 * console.log(parseGzipHeader(bytes)?.header.name); // a.txt
 * console.log(parseGzipHeader(bytes.subarray(0, 12))); // null
 * ```
 */
export function parseGzipHeader(
  buf: Uint8Array,
): { header: GzipHeader; length: number } | null {
  if (buf.length >= 1 && buf[0] !== GZIP_MAGIC[0]) throw new ZipDataError("format");
  if (buf.length >= 2 && buf[1] !== GZIP_MAGIC[1]) throw new ZipDataError("format");
  if (buf.length >= 3 && buf[2] !== CM_DEFLATE) {
    throw new ZipDataError("header", { detail: `unknown method ${buf[2]} -- not supported` });
  }
  if (buf.length >= 4 && (buf[3]! & FRESERVED) !== 0) {
    throw new ZipDataError("header", {
      detail: `flags 0x${buf[3]!.toString(16)} -- not supported`,
    });
  }
  if (buf.length < FIXED) return null;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const flags = buf[3]!;
  const header: GzipHeader = { mtime: view.getUint32(4, true), os: buf[9]!, xfl: buf[8]! };
  if (flags & FTEXT) header.text = true;
  let o = FIXED;
  if (flags & FEXTRA) {
    if (buf.length < o + 2) return null;
    const xlen = view.getUint16(o, true);
    if (buf.length < o + 2 + xlen) return null;
    header.extra = buf.slice(o + 2, o + 2 + xlen);
    o += 2 + xlen;
  }
  for (const [flag, key] of [[FNAME, "name"], [FCOMMENT, "comment"]] as const) {
    if (!(flags & flag)) continue;
    const end = buf.indexOf(0, o);
    if (end < 0) {
      if (buf.length - o > MAX_HEADER_STRING) {
        throw new ZipDataError("header", { detail: `${key} longer than ${MAX_HEADER_STRING}` });
      }
      return null;
    }
    header[key] = fromLatin1(buf.subarray(o, end));
    o = end + 1;
  }
  if (flags & FHCRC) {
    if (buf.length < o + 2) return null;
    const want = view.getUint16(o, true);
    if ((crc32(buf.subarray(0, o)) & 0xffff) !== want) {
      throw new ZipDataError("header", { detail: "header CRC16 mismatch" });
    }
    header.hcrc = true;
    o += 2;
  }
  return { header, length: o };
}

/**
 * Finds a subfield of a gzip FEXTRA field (RFC 1952 §2.3.1.1).
 *
 * @param extra The FEXTRA bytes.
 * @param si1 The first subfield id byte (`"W"`).
 * @param si2 The second (`"D"`).
 * @returns The subfield's data, or undefined.
 */
export function extraSubfield(extra: Uint8Array, si1: string, si2: string): Uint8Array | undefined {
  const a = si1.charCodeAt(0);
  const b = si2.charCodeAt(0);
  let o = 0;
  while (o + 4 <= extra.length) {
    const len = extra[o + 2]! | (extra[o + 3]! << 8);
    if (extra[o] === a && extra[o + 1] === b && o + 4 + len <= extra.length) {
      return extra.subarray(o + 4, o + 4 + len);
    }
    o += 4 + len;
  }
  return undefined;
}

/** A member's lengths as its header records them. */
export interface MemberLengths {
  /** The whole member, header and trailer included. */
  compressed: number;
  /** Its data, when recorded (`WD`); BGZF leaves it to the trailer's ISIZE. */
  uncompressed: number | null;
}

/**
 * A member's lengths from its FEXTRA, when recorded: wd's `WD` subfield (LEN 8: u32 LE member
 * length, u32 LE data length, written by the hardware engine) or BGZF's `BC` (LEN 2: u16 LE
 * member length minus 1). They let a reader split members without inflating them.
 *
 * @param h The member's header.
 * @returns The lengths, or null when the header records none.
 */
export function memberLengths(h: GzipHeader): MemberLengths | null {
  if (!h.extra) return null;
  const wd = extraSubfield(h.extra, "W", "D");
  if (wd && wd.length === 8) {
    const v = new DataView(wd.buffer, wd.byteOffset, 8);
    return { compressed: v.getUint32(0, true), uncompressed: v.getUint32(4, true) };
  }
  const bc = extraSubfield(h.extra, "B", "C");
  if (bc && bc.length === 2) {
    return { compressed: (bc[0]! | (bc[1]! << 8)) + 1, uncompressed: null };
  }
  return null;
}

function latin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[i] = c === 0 ? 0x5f : c < 256 ? c : 0x3f; // NUL would end the field; '?' for non-Latin-1
  }
  return out;
}

function fromLatin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 4096) {
    s += String.fromCharCode(...b.subarray(i, i + 4096));
  }
  return s;
}
