/**
 * Checking what the device compressed before it can go anywhere: a device is not trusted with
 * the user's data (a result that reports success can still be wrong, and `wd zip F` deletes
 * `F` once `F.gz` is written). Intel's kernel IAA driver verifies compression by default for
 * the same reason (drivers/crypto/intel/iaa `iaa_verify_compress`).
 *
 * The check is a software decode of the device's output compared byte for byte with the input
 * (libc memcmp), plus the trailer against a software checksum of the input: nothing weaker
 * catches every corruption (a wrong bit in the deflate data, a wrong trailer, output for other
 * input). Decoding is the whole cost; it runs on the fastest inflater present (ISA-L, else
 * zlib-ng).
 *
 * @module
 */

import { concat, equalBytes } from "../../bytes.ts";
import type { Format } from "../engine.ts";
import { ZipDataError } from "../errors.ts";
import { Checksum, trailerLength } from "../framing.ts";
import type { RawInflater } from "../sw/codec.ts";
import { type Codec, inflateWhole, loadCodec } from "../sw/deflate_block.ts";
import { isalAvailable } from "../sw/isal.ts";
import { VerifyError } from "./context.ts";

/**
 * The codec the checks decode with: ISA-L when installed, else zlib-ng.
 *
 * @returns The codec (loaded once per thread).
 */
export function checkCodec(): Promise<Codec> {
  return loadCodec(isalAvailable() ? "isal" : "zng");
}

/**
 * Checks one gzip member the device made from `block`.
 *
 * @param codec The codec to decode with.
 * @param member The whole member: header, deflate data, CRC-32 and ISIZE.
 * @param headerLength Bytes of its header.
 * @param block The input it was made from.
 * @param scratch Room for the decoded bytes (at least `block.length + 1`), reused.
 * @throws VerifyError naming what is wrong.
 */
export function checkMember(
  codec: Codec,
  member: Uint8Array,
  headerLength: number,
  block: Uint8Array,
  scratch?: Uint8Array,
): void {
  const body = member.subarray(headerLength, member.length - 8);
  let back: Uint8Array;
  try {
    back = inflateWhole(codec, body, block.length, scratch);
  } catch (err) {
    if (!(err instanceof ZipDataError)) throw err;
    throw new VerifyError(`a member it compressed does not decode (${err.message})`);
  }
  if (!equalBytes(back, block)) {
    throw new VerifyError("a member it compressed decodes to other bytes than its input");
  }
  const t = new DataView(member.buffer, member.byteOffset + member.length - 8, 8);
  if (t.getUint32(0, true) !== codec.crc32(block, 0)) {
    throw new VerifyError("a member it compressed carries a wrong CRC-32");
  }
  if (t.getUint32(4, true) !== block.length % 2 ** 32) {
    throw new VerifyError("a member it compressed carries a wrong ISIZE");
  }
}

/**
 * Checks a zlib or raw deflate stream the device makes one block at a time (stateful
 * requests): a software inflater follows the stream, each block's output must decode to
 * exactly that block, and the trailer must be the software checksum of everything.
 */
export class StreamCheck implements Disposable {
  readonly #inflater: RawInflater;
  readonly #sum: Checksum;
  readonly #format: Format;

  /**
   * Starts checking a stream.
   *
   * @param codec The codec to decode with.
   * @param format zlib or deflate (the stream's container).
   */
  constructor(codec: Codec, format: Format) {
    this.#inflater = codec.inflater();
    this.#sum = new Checksum(format, codec.crc32);
    this.#format = format;
  }

  /** The software checksum of the input checked so far, in the container's form. */
  get checksum(): number {
    return this.#sum.value;
  }

  /** Input bytes checked so far. */
  get consumed(): number {
    return this.#sum.length;
  }

  /**
   * Checks the device's output for the next block.
   *
   * @param output The device's bytes for it (deflate data; the trailer after the last block's).
   * @param block The block.
   * @param last Whether it ends the stream.
   * @throws VerifyError naming what is wrong (the check is then over: the stream goes on in
   *   software).
   */
  block(output: readonly Uint8Array[], block: Uint8Array, last: boolean): void {
    const all = concat(output);
    const tl = last ? trailerLength(this.#format) : 0;
    if (all.length < tl) throw new VerifyError("the stream it compressed ends without a trailer");
    const data = all.subarray(0, all.length - tl);
    const out = new Uint8Array(block.length + 1); // one byte more: longer output shows
    let step;
    try {
      step = this.#inflater.inflate(data, out);
    } catch (err) {
      if (!(err instanceof ZipDataError)) throw err;
      throw new VerifyError(`the stream it compressed does not decode (${err.message})`);
    }
    const ended = step.ended || (step.consumed >= data.length && this.#inflater.finish());
    if (
      step.consumed !== data.length || step.produced !== block.length || last !== ended ||
      !equalBytes(out.subarray(0, step.produced), block)
    ) {
      throw new VerifyError("the stream it compressed decodes to other bytes than its input");
    }
    this.#sum.update(block);
    if (last && !equalBytes(all.subarray(all.length - tl), this.#sum.trailer())) {
      throw new VerifyError("the stream it compressed carries a wrong checksum");
    }
  }

  /** Releases the inflater. */
  [Symbol.dispose](): void {
    this.#inflater[Symbol.dispose]();
  }
}
