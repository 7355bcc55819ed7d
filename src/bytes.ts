/**
 * Byte-array helpers shared across wd.
 *
 * @module
 */

/**
 * Joins byte arrays into one new array.
 *
 * @param parts The pieces, in order.
 * @returns One array holding them all.
 *
 * @example
 * ```ts
 * import { concat } from "./bytes.ts";
 * console.log(concat([Uint8Array.of(1), Uint8Array.of(2, 3)])); // Uint8Array(3) [ 1, 2, 3 ]
 * ```
 */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
