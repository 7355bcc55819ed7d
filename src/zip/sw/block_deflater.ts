/**
 * The software {@linkcode BlockDeflater}: one block of a pigz-style stream, compressed on the
 * calling thread. The hardware engine uses it to finish a stream in software when the device
 * fails part-way, so the output stays one valid stream.
 *
 * @module
 */

import type { BlockDeflater } from "../engine.ts";
import { deflateBound } from "./codec.ts";
import { loadCodec } from "./deflate_block.ts";
import { WINDOW } from "./engine.ts";
import { isalAvailable } from "./isal.ts";
import { deflatePlan } from "./plan.ts";

/**
 * The software block deflater, with the same codec choice as the software engine.
 *
 * @returns A BlockDeflater.
 *
 * @example Two blocks that join into one raw deflate stream
 * ```ts
 * import { inflateRawSync } from "node:zlib";
 * import { softwareBlockDeflater } from "./block_deflater.ts";
 * const d = softwareBlockDeflater();
 * const a = new TextEncoder().encode("hello, "), b = new TextEncoder().encode("hello again");
 * const first = await d.deflateBlock(a, { level: 6, last: false });
 * const second = await d.deflateBlock(b, { level: 6, dictionary: a, last: true });
 * console.log(new TextDecoder().decode(inflateRawSync(new Uint8Array([...first, ...second])))); // hello, hello again
 * ```
 */
export function softwareBlockDeflater(): BlockDeflater {
  const isal = isalAvailable();
  return {
    async deflateBlock(input, options) {
      const plan = deflatePlan(options.level, isal);
      const codec = await loadCodec(plan.codec);
      const dict = options.dictionary;
      return codec.deflate({
        data: input,
        dictionary: dict && dict.length > WINDOW ? dict.subarray(dict.length - WINDOW) : dict,
        level: plan.levels[0]!,
        last: options.last,
      }, new Uint8Array(deflateBound(input.length)));
    },
  };
}
