/**
 * One block through the chosen codec, on whatever thread calls it.
 *
 * @module
 */

import type { BlockJob, CodecName } from "./codec.ts";
import { isalDeflateBlock } from "./isal.ts";
import { zngDeflateBlock } from "./zng.ts";

/**
 * Compresses one block with a codec.
 *
 * @param codec The codec.
 * @param job The block.
 * @param out Where to write; grown if too small.
 * @returns Raw deflate bytes (see {@linkcode BlockJob}), a view of `out` or a larger buffer.
 */
export function deflateBlockWith(codec: CodecName, job: BlockJob, out: Uint8Array): Uint8Array {
  return codec === "isal" ? isalDeflateBlock(job, out) : zngDeflateBlock(job, out);
}
