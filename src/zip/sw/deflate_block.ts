/**
 * The codecs, loaded on first use: a thread that only uses ISA-L never loads node:zlib (whose
 * start-up costs tens of milliseconds per thread), and the other way round.
 *
 * @module
 */

import type { BlockJob, CodecName, Crc32, RawInflater } from "./codec.ts";

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
    ? import("./isal.ts").then((m) => ({
      deflate: m.isalDeflateBlock,
      crc32: m.isalCrc32,
      inflater: () => new m.IsalInflater(),
    }))
    : import("./zng.ts").then((m) => ({
      deflate: m.zngDeflateBlock,
      crc32: m.zngCrc32,
      inflater: () => new m.ZngInflater(),
    }));
}
