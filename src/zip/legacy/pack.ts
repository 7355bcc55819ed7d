/**
 * `pack`'s static Huffman coding (`.z` files, magic 1f 1e), decoded as gzip 1.14 decodes it.
 * After the magic: the original length (4 bytes, most significant first), the longest code
 * length (1 to 25), how many leaves each length has (the last count less 2), then the leaf
 * bytes by length. Codes are canonical with the shortest all ones, read most significant bit
 * first; the end-of-block code is the largest code of the longest length. The length is
 * checked at the end (modulo 2^32). gzip checks the tree as it reads it ("too many leaves",
 * "too few leaves", "bit length out of range"), and so does wd, with the same rules: a tree
 * that passes them is complete, so every code decodes to a leaf.
 *
 * A pack member may be followed by another member (gzip, pack, LZW): {@linkcode unpack} reads
 * exactly one and leaves the input at the byte after it.
 *
 * @module
 */

import { ZipDataError } from "../errors.ts";
import { InputReader } from "../sw/input.ts";
import { toAsync } from "./lzw.ts";
import { type LegacyOptions, type LegacyStats, OutBuffer } from "./options.ts";

/** The pack magic, 1f 1e. */
export const PACK_MAGIC: readonly [number, number] = [0x1f, 0x1e];
/** The longest code gzip accepts (pack writes at most 24). */
const MAX_BITLEN = 25;
/** Bits looked up in one step; longer codes walk the tree a bit at a time. */
const MAX_PEEK = 12;

/** Options of {@linkcode unpack}. */
export interface PackOptions extends LegacyOptions {
  /** Counters to update. */
  stats?: LegacyStats | undefined;
}

/**
 * Decodes one pack member.
 *
 * @param r The input, at the magic; left just after the member.
 * @param options Signal, counters.
 * @returns The decoded bytes, in pieces of a reused buffer (each valid until the next is
 *   asked for).
 * @throws ZipDataError `truncated` (the input ends inside the member), `data` (a bad tree),
 *   `length` (the decoded length is not the header's).
 */
export async function* unpack(
  r: InputReader,
  options: PackOptions = {},
): AsyncGenerator<Uint8Array> {
  const start = r.consumed;
  const stats = options.stats;
  const tree = await readTree(r);
  const decoder = new PackDecoder(tree);
  const out = new OutBuffer();
  for (;;) {
    options.signal?.throwIfAborted();
    r.consume(decoder.run(r.available, out));
    if (stats) stats.bytesIn = r.consumed - start;
    if (out.full || decoder.ended) {
      if (stats) stats.bytesOut += out.fill;
      yield out.take();
    }
    if (decoder.ended) break;
    if (decoder.needsInput && !await r.more()) {
      throw new ZipDataError("truncated", { detail: "the pack data ends before its end code" });
    }
  }
  if (decoder.produced % 2 ** 32 !== tree.length) {
    throw new ZipDataError("length", {
      detail: `pack header says ${tree.length} bytes, the data has ${decoder.produced}`,
    });
  }
}

/**
 * Decodes a whole `.z` stream: one pack member; anything after it is left unread (gzip would
 * go on to the next member, see {@linkcode unpack}).
 *
 * @param input The compressed bytes, from the magic on.
 * @param options Signal, counters.
 * @returns The decoded bytes, in pieces of a reused buffer.
 * @throws ZipDataError as {@linkcode unpack}.
 *
 * @example Decode "banana" (gzip's own test vector)
 * ```ts
 * import { decompressPack } from "./pack.ts";
 * const z = Uint8Array.from([
 *   0x1f, 0x1e, 0, 0, 0, 6, 3, 1, 1, 0, 0x61, 0x6e, 0x62, 0x16, 0xc8,
 * ]);
 * let text = "";
 * for await (const piece of decompressPack([z])) text += new TextDecoder().decode(piece);
 * console.log(text); // banana
 * ```
 */
export async function* decompressPack(
  input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: PackOptions = {},
): AsyncGenerator<Uint8Array> {
  const r = new InputReader(toAsync(input));
  try {
    yield* unpack(r, options);
  } finally {
    await r.close();
  }
}

/** A pack member's header, read and checked. */
interface PackTree {
  /** The original length (modulo 2^32). */
  length: number;
  /** The longest code length. */
  maxLen: number;
  /** Leaves per length, the end code included. */
  leaves: Int32Array;
  /** Parent (inner) nodes per length. */
  parents: Int32Array;
  /** Per length: add to a code to index `literal`. */
  litBase: Int32Array;
  /** The leaf bytes. */
  literal: Uint8Array;
}

function bad(detail: string): ZipDataError {
  return new ZipDataError("data", { detail });
}

/** Reads the header after the magic and builds the decoding tables, with gzip's checks. */
async function readTree(r: InputReader): Promise<PackTree> {
  const truncated = () => new ZipDataError("truncated", { detail: "the pack header is cut short" });
  if (!await r.ensure(7)) throw truncated();
  const h = r.available;
  if (h[0] !== PACK_MAGIC[0] || h[1] !== PACK_MAGIC[1]) {
    throw new ZipDataError("format", { detail: "not pack data" });
  }
  const length = ((h[2]! << 24) | (h[3]! << 16) | (h[4]! << 8) | h[5]!) >>> 0;
  const maxLen = h[6]!;
  r.consume(7);
  if (maxLen < 1 || maxLen > MAX_BITLEN) {
    throw bad(`Huffman code bit length out of range (${maxLen})`);
  }
  if (!await r.ensure(maxLen)) throw truncated();
  const leaves = new Int32Array(MAX_BITLEN + 1);
  let maxLeaves = 1;
  let n = 0;
  for (let len = 1; len <= maxLen; len++) {
    leaves[len] = r.available[len - 1]!;
    if (maxLeaves - (len === maxLen ? 1 : 0) < leaves[len]!) {
      throw bad(`too many leaves in Huffman tree (${leaves[len]} of length ${len})`);
    }
    maxLeaves = (maxLeaves - leaves[len]! + 1) * 2 - 1;
    n += leaves[len]!;
  }
  r.consume(maxLen);
  if (n >= 256) throw bad(`too many leaves in Huffman tree (${n + 2} in all)`);
  leaves[maxLen]!++; // the count of the longest is stored less 2, and the end code is not sent
  if (!await r.ensure(n + 1)) throw truncated();
  const literal = r.available.slice(0, n + 1);
  r.consume(n + 1);
  const litBase = new Int32Array(MAX_BITLEN + 1);
  for (let len = 1, base = 0; len <= maxLen; len++) {
    litBase[len] = base;
    base += leaves[len]!;
  }
  leaves[maxLen]!++; // the end code
  const parents = new Int32Array(MAX_BITLEN + 1);
  let nodes = 0;
  for (let len = maxLen; len >= 1; len--) {
    nodes >>= 1;
    parents[len] = nodes;
    litBase[len]! -= nodes;
    nodes += leaves[len]!;
  }
  if (nodes >> 1 !== 1) throw bad("too few leaves in Huffman tree");
  return { length, maxLen, leaves, parents, litBase, literal };
}

/** The decoding state between pieces of input. */
class PackDecoder {
  readonly #t: PackTree;
  readonly #peekBits: number;
  /** For each `peekBits` prefix: the length of the code it starts, or 0 when longer. */
  readonly #prefixLen: Uint8Array;
  readonly #eob: number;
  #bitBuf = 0;
  #valid = 0;
  /** Bytes decoded. */
  produced = 0;
  /** Whether the end code was read. */
  ended = false;
  /** Whether the last call stopped for want of input. */
  needsInput = false;

  constructor(t: PackTree) {
    this.#t = t;
    this.#peekBits = Math.min(t.maxLen, MAX_PEEK);
    this.#prefixLen = new Uint8Array(1 << this.#peekBits);
    let at = 1 << this.#peekBits;
    for (let len = 1; len <= this.#peekBits; len++) {
      const prefixes = t.leaves[len]! << (this.#peekBits - len);
      this.#prefixLen.fill(len, at - prefixes, at);
      at -= prefixes;
    }
    this.#eob = t.leaves[t.maxLen]! - 1;
  }

  /**
   * Decodes codes from `input` until it runs out in the middle of a code (`needsInput`), `out`
   * is full, or the end code (`ended`).
   *
   * @returns The bytes of `input` used: those of whole codes (and of bits held over).
   */
  run(input: Uint8Array, out: OutBuffer): number {
    const t = this.#t;
    const bytes = out.bytes;
    const peekBits = this.#peekBits;
    const peekMask = (1 << peekBits) - 1;
    const n = input.length;
    let fill = out.fill;
    let p = 0;
    let bitBuf = this.#bitBuf;
    let valid = this.#valid;
    this.needsInput = false;
    while (fill < bytes.length) {
      const mark = p;
      const markBuf = bitBuf;
      const markValid = valid;
      while (valid < peekBits && p < n) {
        bitBuf = (bitBuf << 8) | input[p++]!;
        valid += 8;
      }
      let len = peekBits;
      let peek = 0;
      if (valid >= peekBits) {
        peek = (bitBuf >>> (valid - peekBits)) & peekMask;
        len = this.#prefixLen[peek]!;
        if (len > 0) {
          peek >>>= peekBits - len;
        } else {
          // A code longer than the lookup: walk down the tree while `peek` is an inner node.
          len = peekBits;
          while (peek < t.parents[len]!) {
            len++;
            while (valid < len && p < n) {
              bitBuf = (bitBuf << 8) | input[p++]!;
              valid += 8;
            }
            if (valid < len) break;
            peek = (bitBuf >>> (valid - len)) & ((1 << len) - 1);
          }
        }
      }
      if (valid < len) {
        p = mark; // the code's bytes are read again with more input
        bitBuf = markBuf;
        valid = markValid;
        this.needsInput = true;
        break;
      }
      if (peek === this.#eob && len === t.maxLen) {
        this.ended = true;
        break;
      }
      const index = peek + t.litBase[len]!;
      if (index < 0 || index >= t.literal.length) {
        // Cannot happen with a tree that passed gzip's checks; kept so no input reads past it.
        throw bad(`pack code ${peek} of length ${len} is not a leaf`);
      }
      bytes[fill++] = t.literal[index]!;
      valid -= len;
    }
    this.#bitBuf = bitBuf;
    this.#valid = valid;
    this.produced += fill - out.fill;
    out.fill = fill;
    return p;
  }
}
