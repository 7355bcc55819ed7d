/**
 * Encoders for the legacy formats' tests, written from the format descriptions (Debian has
 * `compress` but no `pack`, and `compress` cannot write every case: its `-C` and `-b9` output is
 * unreadable, by itself and by gzip), and a way to run a decoder to its end.
 *
 * @module
 */

import zlib from "node:zlib";
import { ZipDataError } from "../../src/zip/errors.ts";
import { crc32 } from "../../src/zip/checksum.ts";
import { concat } from "./zip_helpers.ts";

/** Options of {@linkcode lzwEncode}. */
export interface LzwEncodeOptions {
  /** The header's maximum width, 9 to 16 (or anything, for tests of bad headers). */
  maxBits: number;
  /** Block mode (header flag 0x80): code 256 clears the table. */
  blockMode: boolean;
  /** In block mode, write a clear code after every this many codes. */
  clearEvery?: number;
  /** Extra header flag bits (0x20, 0x40: reserved). */
  extraFlags?: number;
}

/**
 * LZW as `compress` writes it, with the decoder's rules for when the width grows (the table's
 * size as the decoder sees it, one entry behind the encoder) and the padding to the next group
 * of `n_bits` codes after a width change or a clear.
 *
 * @param data The bytes.
 * @param options Width, block mode, clear codes.
 * @returns The `.Z` stream.
 */
export function lzwEncode(data: Uint8Array, options: LzwEncodeOptions): Uint8Array {
  const { maxBits, blockMode } = options;
  const codes: number[] = [];
  const dict = new Map<number, number>();
  let free = blockMode ? 257 : 256;
  if (data.length > 0) {
    let w = data[0]!;
    for (let i = 1; i < data.length; i++) {
      const c = data[i]!;
      const hit = dict.get(w * 256 + c);
      if (hit !== undefined) {
        w = hit;
        continue;
      }
      codes.push(w);
      if (free < 2 ** maxBits) dict.set(w * 256 + c, free++);
      w = c;
      if (
        blockMode && options.clearEvery &&
        codes.length % (options.clearEvery + 1) === options.clearEvery
      ) {
        codes.push(256);
        dict.clear();
        free = 257;
      }
    }
    codes.push(w);
  }
  return lzwWrite(codes, options);
}

/**
 * Writes LZW codes as they are given (valid or not) in `compress`'s layout: the header, then
 * each code at the width the decoder reads it with, padded to the next group of `n_bits` codes
 * when the width grows or (block mode) after a clear.
 *
 * @param codes The codes.
 * @param options Width, block mode, extra header flags.
 * @returns The `.Z` stream.
 */
export function lzwWrite(codes: number[], options: LzwEncodeOptions): Uint8Array {
  const { maxBits, blockMode } = options;
  const maxMax = 2 ** maxBits;
  const out: number[] = [0x1f, 0x9d, maxBits | (blockMode ? 0x80 : 0) | (options.extraFlags ?? 0)];
  let acc = 0;
  let accBits = 0;
  let since = 0;
  let nBits = 9;
  let maxCode = 511;
  let decoderFree = blockMode ? 257 : 256;
  let first = true;
  const put = (code: number, bits: number) => {
    acc |= code << accBits;
    accBits += bits;
    while (accBits >= 8) {
      out.push(acc & 0xff);
      acc >>>= 8;
      accBits -= 8;
    }
  };
  const pad = () => {
    const group = nBits * 8;
    for (let skip = (group - since % group) % group; skip > 0; skip--) put(0, 1);
    since = 0;
  };
  for (const code of codes) {
    if (decoderFree > maxCode) {
      pad();
      nBits++;
      maxCode = nBits === maxBits ? maxMax : 2 ** nBits - 1;
    }
    put(code, nBits);
    since = (since + nBits) % (nBits * 8);
    if (code === 256 && blockMode) {
      decoderFree = 256;
      pad();
      nBits = 9;
      maxCode = 511;
      continue;
    }
    if (!first && decoderFree < maxMax) decoderFree++;
    first = false;
  }
  if (accBits > 0) out.push(acc & 0xff);
  return Uint8Array.from(out);
}

/**
 * `pack`'s format: a Huffman code over the bytes and an end code that is the longest and,
 * among the longest, the largest; canonical codes, shortest all ones, most significant bit
 * first. Empty data gets a one-leaf tree (pack itself refuses empty files; gzip reads this).
 *
 * @param data The bytes.
 * @returns The `.z` stream.
 */
export function packEncode(data: Uint8Array): Uint8Array {
  const freq = new Array<number>(257).fill(0);
  for (const b of data) freq[b]!++;
  freq[256] = 1; // the end code
  let symbols = freq.flatMap((f, s) => f > 0 ? [s] : []);
  if (symbols.length === 1) symbols = [0, 256];
  let lengths = huffmanLengths(symbols.map((s) => freq[s]!));
  for (let scale = 1; Math.max(...lengths) > 24; scale *= 2) {
    lengths = huffmanLengths(symbols.map((s) => Math.ceil(freq[s]! / scale)));
  }
  const maxLen = Math.max(...lengths);
  // The end code takes a longest length (swapped with a leaf that had it).
  const eob = symbols.length - 1;
  const longest = lengths.indexOf(maxLen);
  [lengths[eob], lengths[longest]] = [lengths[longest]!, lengths[eob]!];
  const byLen: number[][] = Array.from({ length: maxLen + 1 }, () => []);
  symbols.forEach((s, i) => {
    if (s !== 256) byLen[lengths[i]!]!.push(s);
  });
  const leaves = byLen.map((l) => l.length);
  leaves[maxLen]!++; // the end code
  // Canonical codes as the decoder numbers them: per length, inner nodes first, then leaves.
  const code = new Map<number, { bits: number; len: number }>();
  let parents = 0;
  const parentsAt: number[] = [];
  for (let len = maxLen; len >= 1; len--) {
    parentsAt[len] = parents;
    parents = (parents + leaves[len]!) >> 1;
  }
  for (let len = 1; len <= maxLen; len++) {
    byLen[len]!.forEach((s, i) => code.set(s, { bits: parentsAt[len]! + i, len }));
  }
  const header = [0x1f, 0x1e, ...be32(data.length), maxLen];
  for (let len = 1; len <= maxLen; len++) {
    header.push(len === maxLen ? leaves[len]! - 2 : leaves[len]!);
  }
  for (let len = 1; len <= maxLen; len++) header.push(...byLen[len]!);
  const bits: number[] = [];
  let acc = 0;
  let accBits = 0;
  const put = (value: number, len: number) => {
    for (let i = len - 1; i >= 0; i--) {
      acc = (acc << 1) | ((value >>> i) & 1);
      if (++accBits === 8) {
        bits.push(acc);
        acc = accBits = 0;
      }
    }
  };
  for (const b of data) {
    const c = code.get(b)!;
    put(c.bits, c.len);
  }
  put(leaves[maxLen]! - 1, maxLen);
  if (accBits > 0) bits.push(acc << (8 - accBits));
  return Uint8Array.from([...header, ...bits]);
}

/** Huffman code lengths for the weights (at least two). */
function huffmanLengths(weights: number[]): number[] {
  type Node = { w: number; leaf?: number; kids?: [Node, Node] };
  let nodes: Node[] = weights.map((w, leaf) => ({ w, leaf }));
  while (nodes.length > 1) {
    nodes.sort((a, b) => a.w - b.w);
    const [a, b] = nodes as [Node, Node];
    nodes = [{ w: a.w + b.w, kids: [a, b] }, ...nodes.slice(2)];
  }
  const lengths = new Array<number>(weights.length).fill(0);
  const walk = (n: Node, depth: number) => {
    if (n.leaf !== undefined) lengths[n.leaf] = Math.max(depth, 1);
    else for (const k of n.kids!) walk(k, depth + 1);
  };
  walk(nodes[0]!, 0);
  return lengths;
}

function be32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

function le(n: number, bytes: number): number[] {
  return Array.from({ length: bytes }, (_, i) => Math.floor(n / 2 ** (8 * i)) & 0xff);
}

/** Options of {@linkcode zipFile}. */
export interface ZipFileOptions {
  /** `stored` or `deflated` (default). */
  method?: "stored" | "deflated";
  /** Write sizes and CRC in a data descriptor (flag bit 3), in this form. */
  descriptor?: "sig32" | "nosig32" | "sig64" | "nosig64";
  /** Entries after the first (stored, tiny). */
  more?: number;
  /** Extra general purpose flags (1: encrypted). */
  flags?: number;
  /** The method number written (to test unknown methods). */
  methodNumber?: number;
  /** The name. */
  name?: string;
  /** With a descriptor: 0xffffffff sizes in the local header and a Zip64 extra field. */
  zip64?: boolean;
}

/**
 * A zip file with `data` as its first entry, local header, data, descriptor, more entries and
 * a central directory (whose content gzip and wd ignore).
 *
 * @param data The entry's bytes.
 * @param options Method, descriptor form, more entries.
 * @returns The zip file.
 */
export function zipFile(data: Uint8Array, options: ZipFileOptions = {}): Uint8Array {
  const method = options.method ?? "deflated";
  const body = method === "stored" ? data : zlib.deflateRawSync(data);
  const crc = crc32(data);
  const d = options.descriptor;
  const name = new TextEncoder().encode(options.name ?? "data.txt");
  const flags = (d ? 8 : 0) | (options.flags ?? 0);
  const z64 = d !== undefined && options.zip64 === true;
  const extra = z64 ? [1, 0, 16, 0, ...new Array(16).fill(0)] : [];
  const size = (n: number) => le(z64 ? 0xffffffff : d ? 0 : n, 4);
  const local = [
    0x50,
    0x4b,
    3,
    4,
    20,
    0,
    ...le(flags, 2),
    ...le(options.methodNumber ?? (method === "stored" ? 0 : 8), 2),
    0,
    0,
    0,
    0, // time, date
    ...le(d ? 0 : crc, 4),
    ...size(body.length),
    ...size(data.length),
    ...le(name.length, 2),
    ...le(extra.length, 2),
    ...name,
    ...extra,
  ];
  const desc = d === undefined ? [] : [
    ...(d.startsWith("sig") ? [0x50, 0x4b, 7, 8] : []),
    ...le(crc, 4),
    ...le(body.length, d.endsWith("64") ? 8 : 4),
    ...le(data.length, d.endsWith("64") ? 8 : 4),
  ];
  const rest: number[] = [];
  for (let i = 0; i < (options.more ?? 0); i++) {
    rest.push(0x50, 0x4b, 3, 4, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...le(crc32(Uint8Array.of(i)), 4));
    rest.push(1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0x6d, i);
  }
  const central = [
    0x50,
    0x4b,
    1,
    2,
    ...new Array(42).fill(0),
    0x50,
    0x4b,
    5,
    6,
    ...new Array(18).fill(0),
  ];
  return concat(Uint8Array.from(local), body, Uint8Array.from([...desc, ...rest, ...central]));
}

/** What a decoder did with an input: its output, and the error it ended with. */
export interface Outcome {
  /** Every byte handed on (copied). */
  out: Uint8Array;
  /** The `ZipDataError` thrown, if any (anything else is rethrown). */
  error: ZipDataError | undefined;
}

/**
 * Runs a decoder to its end, keeping what it produced before an error.
 *
 * @param it The decoder's output.
 * @param limit Most bytes allowed out (a test of bounded output).
 * @returns The output and the error.
 */
export async function outcome(it: AsyncIterable<Uint8Array>, limit = 1 << 28): Promise<Outcome> {
  const parts: Uint8Array[] = [];
  let n = 0;
  try {
    for await (const piece of it) {
      parts.push(piece.slice());
      n += piece.length;
      if (n > limit) throw new Error(`more than ${limit} bytes of output`);
    }
  } catch (err) {
    if (!(err instanceof ZipDataError)) throw err;
    return { out: concat(...parts), error: err };
  }
  return { out: concat(...parts), error: undefined };
}
