/**
 * The containers around a deflate stream, shared by every engine: what goes before the deflate
 * data (a gzip or zlib header, or nothing), what goes after it (CRC-32 and ISIZE, Adler-32, or
 * nothing), and how the checksum of the data is kept.
 *
 * @module
 */

import type { CompressOptions, Format, GzipHeader } from "./engine.ts";
import { adler32, adler32Combine, crc32Combine } from "./combine.ts";
import { encodeGzipHeader, OS_UNIX } from "./gzip_header.ts";
import { ZipDataError } from "./errors.ts";
import type { Crc32 } from "./sw/codec.ts";

/**
 * The header an engine writes for a compression.
 *
 * @param options Format, level and gzip header fields.
 * @returns The bytes before the deflate data (empty for raw deflate).
 */
export function containerHeader(options: CompressOptions): Uint8Array {
  switch (options.format) {
    case "gzip": {
      const h: GzipHeader = options.header ?? { mtime: 0, os: OS_UNIX };
      const xfl = h.xfl ?? (options.level >= 9 ? 2 : options.level <= 1 ? 4 : 0);
      return encodeGzipHeader({ ...h, xfl });
    }
    case "zlib":
      return zlibHeader(options.level);
    case "deflate":
      return new Uint8Array(0);
  }
}

/**
 * A zlib header (RFC 1950 §2.2): deflate with a 32 KiB window, FLEVEL from the level, no
 * preset dictionary.
 *
 * @param level 1 to 9.
 * @returns The two header bytes.
 */
export function zlibHeader(level: number): Uint8Array {
  const cmf = 0x78;
  const flevel = level <= 1 ? 0 : level <= 5 ? 1 : level === 6 ? 2 : 3;
  let flg = flevel << 6;
  flg += 31 - ((cmf * 256 + flg) % 31);
  return new Uint8Array([cmf, flg]);
}

/**
 * Whether two bytes start a zlib stream (deflate, window ≤ 32 KiB, valid check bits).
 *
 * @param b0 The first byte (CMF).
 * @param b1 The second byte (FLG).
 * @returns True for a zlib header.
 */
export function isZlibHeader(b0: number, b1: number): boolean {
  return (b0 & 0x0f) === 8 && (b0 >> 4) <= 7 && (b0 * 256 + b1) % 31 === 0;
}

/**
 * Checks a zlib header, rejecting a preset dictionary (nothing here can supply one).
 *
 * @param b0 CMF.
 * @param b1 FLG.
 * @throws ZipDataError `format` or `header`.
 */
export function checkZlibHeader(b0: number, b1: number): void {
  if (!isZlibHeader(b0, b1)) throw new ZipDataError("format", { detail: "not a zlib header" });
  if (b1 & 0x20) throw new ZipDataError("header", { detail: "zlib preset dictionary" });
}

/**
 * The running checksum of a container: CRC-32 for gzip, Adler-32 for zlib, none for deflate.
 * Pieces may be added in order either as data or as (checksum, length) pairs computed
 * elsewhere (a worker), which is how parallel blocks end in one trailer.
 */
export class Checksum {
  readonly #format: Format;
  readonly #crc32: Crc32;
  #value: number;
  #length = 0;

  /**
   * Starts a checksum.
   *
   * @param format The container.
   * @param crc32 The CRC-32 to use for gzip (a codec's native one).
   */
  constructor(format: Format, crc32: Crc32) {
    this.#format = format;
    this.#crc32 = crc32;
    this.#value = format === "zlib" ? 1 : 0;
  }

  /** The checksum so far. */
  get value(): number {
    return this.#value;
  }

  /** Bytes covered so far. */
  get length(): number {
    return this.#length;
  }

  /**
   * Adds data.
   *
   * @param data The next bytes.
   */
  update(data: Uint8Array): void {
    if (this.#format === "gzip") this.#value = this.#crc32(data, this.#value);
    else if (this.#format === "zlib") this.#value = adler32(data, this.#value);
    this.#length += data.length;
  }

  /**
   * Adds a piece whose checksum was computed elsewhere.
   *
   * @param check The piece's checksum (as {@linkcode blockCheck} computes it).
   * @param length The piece's length.
   */
  combine(check: number, length: number): void {
    if (this.#format === "gzip") this.#value = crc32Combine(this.#value, check, length);
    else if (this.#format === "zlib") this.#value = adler32Combine(this.#value, check, length);
    this.#length += length;
  }

  /**
   * The trailer for the data so far.
   *
   * @returns CRC-32 + ISIZE (gzip, little-endian), Adler-32 (zlib, big-endian), or nothing.
   */
  trailer(): Uint8Array {
    if (this.#format === "deflate") return new Uint8Array(0);
    if (this.#format === "zlib") {
      const t = new Uint8Array(4);
      new DataView(t.buffer).setUint32(0, this.#value, false);
      return t;
    }
    const t = new Uint8Array(8);
    const v = new DataView(t.buffer);
    v.setUint32(0, this.#value, true);
    v.setUint32(4, this.#length % 2 ** 32, true);
    return t;
  }

  /**
   * Checks a trailer read from the input against the data decoded.
   *
   * @param t The trailer bytes (8 for gzip, 4 for zlib).
   * @throws ZipDataError `crc` or `length`.
   */
  verify(t: Uint8Array): void {
    const v = new DataView(t.buffer, t.byteOffset, t.byteLength);
    if (this.#format === "zlib") {
      if (v.getUint32(0, false) !== this.#value) {
        throw new ZipDataError("crc", { detail: "Adler-32 mismatch" });
      }
      return;
    }
    if (this.#format !== "gzip") return;
    if (v.getUint32(0, true) !== this.#value) throw new ZipDataError("crc");
    if (v.getUint32(4, true) !== this.#length % 2 ** 32) throw new ZipDataError("length");
  }
}

/**
 * The checksum of one block as the format needs it (what a worker sends back).
 *
 * @param format The container.
 * @param data The block.
 * @param crc32 The CRC-32 to use.
 * @returns CRC-32, Adler-32 (from 1), or 0 for raw deflate.
 */
export function blockCheck(format: Format, data: Uint8Array, crc32: Crc32): number {
  if (format === "gzip") return crc32(data, 0);
  if (format === "zlib") return adler32(data);
  return 0;
}

/** Length of the trailer after the deflate data. */
export function trailerLength(format: Format): number {
  return format === "gzip" ? 8 : format === "zlib" ? 4 : 0;
}
