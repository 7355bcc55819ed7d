/**
 * `compress`'s LZW (`.Z` files, magic 1f 9d), decoded as gzip 1.14 and ncompress decode it:
 * codes of 9 bits growing to the header's maximum (9 to 16), least significant bit first; in
 * block mode (header flag 0x80) code 256 clears the table. Codes are written in groups of
 * `n_bits` codes (`n_bits` bytes), and when the width grows or the table is cleared the rest of
 * the current group is padding: the decoder skips to the next group boundary, counted from
 * where the last such change happened. A code one past the table's end is the KwKwK case (the
 * previous string and its own first byte). The format has no length and no checksum: a
 * truncated file decodes to a prefix of its data, as with gzip.
 *
 * Memory is fixed: a 64 Ki-entry table, a 64 KiB string stack and a 128 KiB output buffer.
 *
 * @module
 */

import { ZipDataError } from "../errors.ts";
import { InputReader } from "../sw/input.ts";
import { type LegacyOptions, type LegacyStats, OutBuffer } from "./options.ts";

/** The LZW magic, 1f 9d. */
export const LZW_MAGIC: readonly [number, number] = [0x1f, 0x9d];
/** Header flag: block mode (code 256 clears the table). */
const BLOCK_MODE = 0x80;
/** Header bits: the maximum code width. */
const BIT_MASK = 0x1f;
/** Header bits with no meaning yet (gzip warns and goes on). */
const RESERVED = 0x60;
/** The widest codes gzip and wd read. */
export const LZW_MAX_BITS = 16;
const INIT_BITS = 9;
const CLEAR = 256;
const FIRST = 257;
/** The longest string a code can stand for (every table entry, plus the KwKwK byte). */
const STACK = (1 << LZW_MAX_BITS) + 1;

/** Options of {@linkcode unlzw}. */
export interface LzwOptions extends LegacyOptions {
  /** Counters to update. */
  stats?: LegacyStats | undefined;
}

/**
 * Decodes an LZW stream: its 3-byte header, then codes to the end of the input.
 *
 * @param r The input, at the magic.
 * @param options Signal, warning callback (reserved header flags), counters.
 * @returns The decoded bytes, in pieces of a reused buffer (each valid until the next is
 *   asked for).
 * @throws ZipDataError `truncated` (no header), `unsupported` (more than 16 bits), `data`
 *   (a code not in the table; the output before it is handed on first).
 */
export async function* unlzw(
  r: InputReader,
  options: LzwOptions = {},
): AsyncGenerator<Uint8Array> {
  const start = r.consumed;
  const stats = options.stats;
  if (!await r.ensure(3)) throw new ZipDataError("truncated", { detail: "no LZW header" });
  const head = r.available;
  if (head[0] !== LZW_MAGIC[0] || head[1] !== LZW_MAGIC[1]) {
    throw new ZipDataError("format", { detail: "not LZW data" });
  }
  const flags = head[2]!;
  r.consume(3);
  if (flags & RESERVED) {
    options.onWarning?.(
      new ZipDataError("flags", {
        detail: `0x${(flags & RESERVED).toString(16)} in the LZW header`,
      }),
    );
  }
  const maxBits = flags & BIT_MASK;
  if (maxBits > LZW_MAX_BITS) {
    throw new ZipDataError("unsupported", {
      detail: `compressed with ${maxBits} bits, can only handle ${LZW_MAX_BITS} bits`,
    });
  }
  const decoder = new LzwDecoder(maxBits, (flags & BLOCK_MODE) !== 0);
  const out = new OutBuffer(STACK);
  for (;;) {
    options.signal?.throwIfAborted();
    const input = r.available;
    const used = decoder.run(input, out);
    r.consume(used);
    if (stats) stats.bytesIn = r.consumed - start;
    if (out.full || (decoder.error && out.fill > 0)) {
      if (stats) stats.bytesOut += out.fill;
      yield out.take();
    }
    if (decoder.error) throw decoder.error;
    if (used === input.length && !await r.more()) break;
  }
  if (out.fill > 0) {
    if (stats) stats.bytesOut += out.fill;
    yield out.take();
  }
}

/**
 * Decodes a whole `.Z` stream (see {@linkcode unlzw}).
 *
 * @param input The compressed bytes, from the magic on.
 * @param options Signal, warning callback, counters.
 * @returns The decoded bytes, in pieces of a reused buffer.
 * @throws ZipDataError as {@linkcode unlzw}.
 *
 * @example Decode `compress`'s output for "abababab"
 * ```ts
 * import { decompressLzw } from "./lzw.ts";
 * const z = Uint8Array.from([0x1f, 0x9d, 0x90, 0x61, 0xc4, 0x04, 0x1c, 0x28, 0x06]);
 * let text = "";
 * for await (const piece of decompressLzw([z])) text += new TextDecoder().decode(piece);
 * console.log(text); // abababab
 * ```
 */
export async function* decompressLzw(
  input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: LzwOptions = {},
): AsyncGenerator<Uint8Array> {
  const r = new InputReader(toAsync(input));
  try {
    yield* unlzw(r, options);
  } finally {
    await r.close();
  }
}

/**
 * An iterable of chunks as an async one.
 *
 * @param input Chunks.
 * @returns The same chunks.
 */
export async function* toAsync(
  input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  yield* input;
}

/** The decoder's state between pieces of input. */
class LzwDecoder {
  readonly #prefix = new Uint16Array(1 << LZW_MAX_BITS);
  readonly #suffix = new Uint8Array(1 << LZW_MAX_BITS);
  readonly #stack = new Uint8Array(STACK);
  readonly #maxBits: number;
  readonly #blockMode: boolean;
  /** One past the largest code the table may hold. */
  readonly #maxMaxCode: number;
  #nBits = INIT_BITS;
  /** The largest code of the current width (the table's end at the widest). */
  #maxCode = (1 << INIT_BITS) - 1;
  /** The next table entry. */
  #freeEnt: number;
  #oldCode = -1;
  #finChar = 0;
  /** Input bits read but not used yet (least significant first), and how many. */
  #bitBuf = 0;
  #bitCount = 0;
  /** Bits read since the last width change or clear (modulo a group). */
  #sinceAnchor = 0;
  /** Padding bits still to skip. */
  #skip = 0;
  /** A corrupt code, found after the output before it. */
  error: ZipDataError | undefined;

  constructor(maxBits: number, blockMode: boolean) {
    this.#maxBits = maxBits;
    this.#blockMode = blockMode;
    this.#maxMaxCode = 1 << maxBits;
    this.#freeEnt = blockMode ? FIRST : 256;
    for (let c = 0; c < 256; c++) this.#suffix[c] = c;
  }

  /**
   * Decodes from `input` until it is used up, `out` is full, or a code is corrupt.
   *
   * @returns The bytes of `input` used.
   */
  run(input: Uint8Array, out: OutBuffer): number {
    const prefix = this.#prefix;
    const suffix = this.#suffix;
    const stack = this.#stack;
    const bytes = out.bytes;
    let fill = out.fill;
    let p = 0;
    let bitBuf = this.#bitBuf;
    let bitCount = this.#bitCount;
    for (;;) {
      if (fill >= bytes.length - STACK) break;
      if (this.#skip > 0) {
        if (bitCount >= this.#skip) {
          bitBuf >>>= this.#skip;
          bitCount -= this.#skip;
          this.#skip = 0;
        } else {
          this.#skip -= bitCount;
          bitBuf = bitCount = 0;
          const whole = Math.min(this.#skip >> 3, input.length - p);
          p += whole;
          this.#skip -= whole * 8;
          if (this.#skip > 0) {
            if (p === input.length) break;
            bitBuf = input[p++]!;
            bitCount = 8;
          }
          continue;
        }
      }
      if (this.#freeEnt > this.#maxCode) {
        this.#realign();
        this.#nBits++;
        this.#maxCode = this.#nBits === this.#maxBits ? this.#maxMaxCode : (1 << this.#nBits) - 1;
        continue;
      }
      const nBits = this.#nBits;
      while (bitCount < nBits && p < input.length) {
        bitBuf |= input[p++]! << bitCount;
        bitCount += 8;
      }
      if (bitCount < nBits) break;
      let code = bitBuf & ((1 << nBits) - 1);
      bitBuf >>>= nBits;
      bitCount -= nBits;
      this.#sinceAnchor += nBits;
      if (this.#sinceAnchor === nBits * 8) this.#sinceAnchor = 0;

      if (this.#oldCode === -1) {
        if (code >= 256) {
          this.error = corrupt(`the first code is ${code}, not a byte`);
          break;
        }
        this.#oldCode = this.#finChar = code;
        bytes[fill++] = code;
        continue;
      }
      if (code === CLEAR && this.#blockMode) {
        this.#freeEnt = FIRST - 1;
        this.#realign();
        this.#nBits = INIT_BITS;
        this.#maxCode = (1 << INIT_BITS) - 1;
        continue;
      }
      const inCode = code;
      let sp = STACK;
      if (code >= this.#freeEnt) {
        if (code > this.#freeEnt) {
          this.error = corrupt(`code ${code} is past the table's end (${this.#freeEnt})`);
          break;
        }
        stack[--sp] = this.#finChar; // KwKwK: the previous string and its first byte
        code = this.#oldCode;
      }
      while (code >= 256) {
        stack[--sp] = suffix[code]!;
        code = prefix[code]!;
      }
      stack[--sp] = this.#finChar = suffix[code]!;
      bytes.set(stack.subarray(sp), fill);
      fill += STACK - sp;
      const next = this.#freeEnt;
      if (next < this.#maxMaxCode) {
        prefix[next] = this.#oldCode;
        suffix[next] = this.#finChar;
        this.#freeEnt = next + 1;
      }
      this.#oldCode = inCode;
    }
    this.#bitBuf = bitBuf;
    this.#bitCount = bitCount;
    out.fill = fill;
    return p;
  }

  /** Skips the rest of the current group of `n_bits` codes. */
  #realign(): void {
    const group = this.#nBits * 8;
    this.#skip = (group - this.#sinceAnchor % group) % group;
    this.#sinceAnchor = 0;
  }
}

function corrupt(detail: string): ZipDataError {
  return new ZipDataError("data", { detail: `corrupt LZW input: ${detail}` });
}
