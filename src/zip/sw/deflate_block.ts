/**
 * The codecs, loaded on first use: a thread that only uses ISA-L never loads node:zlib (whose
 * start-up costs tens of milliseconds per thread), and the other way round.
 *
 * @module
 */

import { ZipDataError } from "../errors.ts";
import type { BlockJob, CodecName, Crc32, RawInflater } from "./codec.ts";
import { lazy } from "../../lazy.ts";

/** What a codec module provides. */
export interface Codec {
  /** Compresses one block into `out` (grown if too small). */
  deflate(job: BlockJob, out: Uint8Array): Uint8Array;
  /** Its CRC-32. */
  crc32: Crc32;
  /** Makes a streaming raw inflater. */
  inflater(): RawInflater;
}

const loaded: Partial<Record<CodecName, Promise<Codec>>> = {};

/**
 * Loads a codec (once per thread).
 *
 * @param name The codec.
 * @returns The codec.
 */
export function loadCodec(name: CodecName): Promise<Codec> {
  return loaded[name] ??= name === "isal"
    ? lazy<typeof import("./isal.ts")>("./isal.ts", import.meta.url).then((m) => ({
      deflate: m.isalDeflateBlock,
      crc32: m.isalCrc32,
      inflater: () => new m.IsalInflater(),
    }))
    : lazy<typeof import("./zng.ts")>("./zng.ts", import.meta.url).then((m) => ({
      deflate: m.zngDeflateBlock,
      crc32: m.zngCrc32,
      inflater: () => new m.ZngInflater(),
    }));
}

const inflaters = new WeakMap<Codec, RawInflater>();

/**
 * Inflates one whole member's deflate data, whose uncompressed size is known, with the
 * codec's inflater (one per codec and thread, reset for each member).
 *
 * @param codec The codec.
 * @param data The deflate data, all of it.
 * @param size The uncompressed size the member's header or trailer records.
 * @param into Where to write, when at least `size + 1` bytes long.
 * @returns Exactly `size` bytes (a view of `into` or of a new buffer).
 * @throws ZipDataError when the data is invalid, ends early, or does not give `size` bytes.
 */
export function inflateWhole(
  codec: Codec,
  data: Uint8Array,
  size: number,
  into?: Uint8Array,
): Uint8Array {
  let inflater = inflaters.get(codec);
  if (!inflater) inflaters.set(codec, inflater = codec.inflater());
  inflater.reset();
  // One byte of slack: a stream longer than `size` shows as such.
  const out = into && into.length > size ? into.subarray(0, size + 1) : new Uint8Array(size + 1);
  const step = inflater.inflate(data, out);
  const ended = step.ended || (step.consumed >= data.length && inflater.finish());
  if (step.produced !== size) {
    throw new ZipDataError(ended ? "length" : step.produced > size ? "length" : "truncated");
  }
  if (!ended) throw new ZipDataError("truncated");
  if (step.consumed !== data.length) {
    throw new ZipDataError("data", { detail: "the member is longer than its deflate data" });
  }
  return out.subarray(0, size);
}
