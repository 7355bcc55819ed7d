/**
 * The first entry of a PKZIP file (magic `PK\x03\x04`), as gzip reads zip files: a single
 * stored or deflated entry, its CRC-32 and length checked against the local header or, when
 * general purpose flag bit 3 is set, against the data descriptor that follows the data (with
 * or without its `PK\x07\x08` signature, with 4- or 8-byte sizes, as streaming zippers such
 * as `pigz -K` and `zip -` write them). A spanning marker before the local header is skipped.
 * Entries after the first are not read: gzip warns when it writes to stdout and fails,
 * leaving the zip file alone, when it writes a file. Encrypted, Zip64-sized and other-method
 * entries are refused as gzip refuses them ("use unzip"). This follows gzip after 1.14, which
 * fixed reading data descriptors (1.14 itself read only the 16-byte form).
 *
 * @module
 */

import { ZipDataError } from "../errors.ts";
import { Checksum } from "../framing.ts";
import type { Crc32, RawInflater } from "../sw/codec.ts";
import { inflateMember } from "../sw/inflate.ts";
import { InputReader } from "../sw/input.ts";
import { toAsync } from "./lzw.ts";
import { type LegacyOptions, type LegacyStats, OUT_CHUNK } from "./options.ts";

/** The local header signature, `PK\x03\x04`. */
export const ZIP_MAGIC: readonly number[] = [0x50, 0x4b, 0x03, 0x04];
const LOCSIG = 0x04034b50;
/** A spanned archive's marker, also the data descriptor's signature. */
const SPNSIG = 0x08074b50;
/** A spanned archive re-marked as one segment. */
const ONESIG = 0x30304b50;
const ENDSIG = 0x06054b50;
const Z64SIG = 0x06064b50;
const LOCHDR = 30;
const FLAG_ENCRYPTED = 0x1;
const FLAG_DESCRIPTOR = 0x8;
const STORED = 0;
const DEFLATED = 8;

/** What the local header says of the entry, for `-l` and `-v`. */
export interface ZipEntryInfo {
  /** `stored` or `deflated`. */
  method: "stored" | "deflated";
  /** The entry's name in the archive (raw bytes as Latin-1). */
  name: string;
  /** Whether a data descriptor follows the data (flag bit 3). */
  descriptor: boolean;
}

/** Options of {@linkcode unzipEntry}. */
export interface ZipEntryOptions extends LegacyOptions {
  /** Counters to update. */
  stats?: LegacyStats | undefined;
  /**
   * When another entry follows the first: `warn` (gzip writing to stdout: the output stands,
   * an `entries-ignored` warning is thrown after it) or `fail` (writing a file: an
   * `entries` error, thrown after the output, which the caller discards). Default `warn`.
   */
  moreEntries?: "warn" | "fail" | undefined;
  /** Called with the entry's header once it is read. */
  onEntry?: ((entry: ZipEntryInfo) => void) | undefined;
}

/** The deflate decoder and CRC-32 to use (the software engine's codec). */
export interface ZipCodec {
  /** A raw inflater; reset here before use, not disposed. */
  inflater: RawInflater;
  /** The CRC-32. */
  crc32: Crc32;
}

/**
 * Decodes the first entry of a zip file. The input is left after the data descriptor (or the
 * data); the caller reads no further (gzip ignores the rest of a zip file).
 *
 * @param r The input, at the start of the zip file.
 * @param codec The inflater and CRC-32.
 * @param options More-entries policy, entry callback, counters, signal.
 * @returns The entry's bytes, in pieces of a reused buffer (each valid until the next is
 *   asked for).
 * @throws ZipDataError `header` (not a valid zip file), `unsupported` (encrypted, Zip64, another
 *   method, an empty archive), `truncated`, `data`, `crc`, `length`; after all the output,
 *   `entries` or `entries-ignored` when another entry follows.
 */
export async function* unzipEntry(
  r: InputReader,
  codec: ZipCodec,
  options: ZipEntryOptions = {},
): AsyncGenerator<Uint8Array> {
  const start = r.consumed;
  const stats = options.stats;
  const h = await readLocalHeader(r);
  options.onEntry?.({ method: h.method, name: h.name, descriptor: h.descriptor });
  const sum = new Checksum("gzip", codec.crc32);
  const counted = { bytesIn: 0, bytesOut: 0, notes: [] };
  if (h.method === "deflated") {
    codec.inflater.reset();
    const out = new Uint8Array(OUT_CHUNK);
    const state = { out, sum, stats: counted, signal: options.signal };
    for await (const piece of inflateMember(r, codec.inflater, state)) {
      if (stats) {
        stats.bytesOut += piece.length;
        stats.bytesIn = r.consumed - start;
      }
      yield piece;
    }
  } else {
    let left = h.size;
    while (left > 0) {
      options.signal?.throwIfAborted();
      if (r.available.length === 0 && !await r.more()) {
        throw new ZipDataError("truncated", { detail: "the zip entry's data is cut short" });
      }
      const piece = r.available.subarray(0, Math.min(left, r.available.length, OUT_CHUNK));
      r.consume(piece.length);
      left -= piece.length;
      sum.update(piece);
      if (stats) {
        stats.bytesOut += piece.length;
        stats.bytesIn = r.consumed - start;
      }
      yield piece;
    }
  }
  if (h.descriptor) await checkDescriptor(r, sum);
  else checkAgainstHeader(h, sum);
  if (stats) stats.bytesIn = r.consumed - start;
  if (await r.ensure(4) && le32(r.available, 0) === LOCSIG) {
    throw new ZipDataError(options.moreEntries === "fail" ? "entries" : "entries-ignored");
  }
}

/**
 * Decodes the first entry of a whole zip file (see {@linkcode unzipEntry}) with the given
 * codec; the rest of the input is not read.
 *
 * @param input The zip file's bytes.
 * @param codec The inflater and CRC-32.
 * @param options More-entries policy, entry callback, counters, signal.
 * @returns The entry's bytes, in pieces of a reused buffer.
 * @throws ZipDataError as {@linkcode unzipEntry}.
 *
 * @example Read a stored entry
 * ```ts
 * import { ZngInflater, zngCrc32 } from "../sw/zng.ts";
 * import { decompressZip } from "./pkzip.ts";
 * const zip = Uint8Array.from([
 *   0x50, 0x4b, 3, 4, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, // version, flags, method, time, date
 *   0xac, 0x2a, 0x93, 0xd8, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, // crc, sizes, name, extra
 *   0x61, 0x68, 0x69, // name "a", data "hi"
 * ]);
 * using inflater = new ZngInflater();
 * let text = "";
 * for await (const piece of decompressZip([zip], { inflater, crc32: zngCrc32 })) {
 *   text += new TextDecoder().decode(piece);
 * }
 * console.log(text); // hi
 * ```
 */
export async function* decompressZip(
  input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  codec: ZipCodec,
  options: ZipEntryOptions = {},
): AsyncGenerator<Uint8Array> {
  const r = new InputReader(toAsync(input));
  try {
    yield* unzipEntry(r, codec, options);
  } finally {
    await r.close();
  }
}

interface LocalHeader {
  method: "stored" | "deflated";
  name: string;
  descriptor: boolean;
  crc: number;
  /** Uncompressed size (and, stored, the compressed size). */
  size: number;
}

function invalid(detail: string): ZipDataError {
  return new ZipDataError("header", { detail: `not a valid zip file: ${detail}` });
}

function unsupported(detail: string): ZipDataError {
  return new ZipDataError("unsupported", { detail: `${detail}; use unzip` });
}

/** Reads and checks the local header, and skips the name and extra field. */
async function readLocalHeader(r: InputReader): Promise<LocalHeader> {
  if (!await r.ensure(4)) throw invalid("it is shorter than a local header");
  let sig = le32(r.available, 0);
  if (sig === SPNSIG || sig === ONESIG) {
    r.consume(4);
    if (!await r.ensure(4)) throw invalid("nothing follows the spanning marker");
    sig = le32(r.available, 0);
  }
  if (sig === ENDSIG || sig === Z64SIG) throw unsupported("it is an empty zip file");
  if (sig !== LOCSIG) throw invalid("no local header at its start");
  if (!await r.ensure(LOCHDR)) throw invalid("its local header is cut short");
  const a = r.available;
  const method = le16(a, 8);
  const flags = le16(a, 6);
  const crc = le32(a, 14);
  const packed = le32(a, 18);
  const size = le32(a, 22);
  const skip = le16(a, 26) + le16(a, 28);
  const nameLength = le16(a, 26);
  if (method !== STORED && method !== DEFLATED) {
    throw unsupported(`the first entry is not deflated or stored (method ${method})`);
  }
  if (flags & FLAG_ENCRYPTED) throw unsupported("the first entry is encrypted");
  const descriptor = (flags & FLAG_DESCRIPTOR) !== 0;
  if (method === STORED && (descriptor || size !== packed)) {
    throw invalid("a stored entry whose local header does not give its size");
  }
  if (!descriptor && size === 0xffffffff) throw unsupported("the first entry is a Zip64 entry");
  r.consume(LOCHDR);
  let name = "";
  for (let left = skip; left > 0;) {
    if (r.available.length === 0 && !await r.more()) {
      throw new ZipDataError("truncated", {
        detail: "the zip entry's name or extra field is cut short",
      });
    }
    const n = Math.min(left, r.available.length);
    const taken = skip - left;
    if (taken < nameLength) {
      name += latin1(r.available.subarray(0, Math.min(n, nameLength - taken)));
    }
    r.consume(n);
    left -= n;
  }
  return { method: method === STORED ? "stored" : "deflated", name, descriptor, crc, size };
}

/** Checks the data against the CRC-32 and length of the local header. */
function checkAgainstHeader(h: LocalHeader, sum: Checksum): void {
  if (sum.value !== h.crc) {
    throw new ZipDataError("crc", {
      detail: `CRC-32 ${hex(sum.value)}, the local header says ${hex(h.crc)}`,
    });
  }
  if (sum.length !== h.size) {
    throw new ZipDataError("length", {
      detail: `${sum.length} bytes, the local header says ${h.size}`,
    });
  }
}

/**
 * Reads the data descriptor after the data, in whichever of its four forms matches the data
 * (signature or not, 4- or 8-byte sizes; the longest that matches is taken, as gzip does).
 */
async function checkDescriptor(r: InputReader, sum: Checksum): Promise<void> {
  await r.ensure(24);
  const b = r.available.subarray(0, 24);
  const n = b.length;
  const crc = sum.value;
  const len = sum.length;
  const d = 24 <= n && le32(b, 0) === SPNSIG && le32(b, 4) === crc && le64(b, 16) === len
    ? 24
    : 20 <= n && le32(b, 0) === crc && le64(b, 12) === len
    ? 20
    : 16 <= n && le32(b, 0) === SPNSIG && le32(b, 4) === crc && le32(b, 12) === len
    ? 16
    : 12 <= n && le32(b, 0) === crc && le32(b, 8) === len
    ? 12
    : 0;
  if (d === 0) {
    throw new ZipDataError("crc", {
      detail: n < 12
        ? "the zip data descriptor is cut short"
        : `no zip data descriptor matches the data's CRC-32 ${hex(crc)} and length ${len}`,
    });
  }
  r.consume(d);
}

function le16(a: Uint8Array, at: number): number {
  return a[at]! | (a[at + 1]! << 8);
}

function le32(a: Uint8Array, at: number): number {
  return (a[at]! | (a[at + 1]! << 8) | (a[at + 2]! << 16) | (a[at + 3]! << 24)) >>> 0;
}

function le64(a: Uint8Array, at: number): number {
  return le32(a, at) + le32(a, at + 4) * 2 ** 32;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, "0");
}

function latin1(a: Uint8Array): string {
  return Array.from(a, (c) => String.fromCharCode(c)).join("");
}
