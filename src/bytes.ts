/**
 * Byte-array helpers shared across wd.
 *
 * @module
 */

import { libc } from "./ffi/libc.ts";

/** Below this length a JavaScript loop beats the FFI call to memcmp. */
const MEMCMP_FROM = 256;

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

/**
 * Whether two byte arrays hold the same bytes. Long arrays are compared by libc's memcmp
 * (tens of GB/s, where a JavaScript loop manages one or two): cheap enough to check every
 * block a device returns.
 *
 * @param a One array.
 * @param b The other.
 * @returns True when both have the same length and bytes.
 *
 * @example
 * ```ts
 * import { equalBytes } from "./bytes.ts";
 * console.log(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2))); // true
 * ```
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (a.length >= MEMCMP_FROM) {
    return libc().memcmp(
      a as Uint8Array<ArrayBuffer>,
      b as Uint8Array<ArrayBuffer>,
      BigInt(a.length),
    ) === 0;
  }
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
