/**
 * Checksums of the containers: CRC-32 (gzip) and Adler-32 (zlib), and how to combine the
 * checksums of two pieces into the checksum of both, which is what lets blocks be compressed in
 * parallel and still end in one member with one trailer (pigz's `crc32_combine`).
 *
 * @module
 */

import { crc32 as zlibCrc32 } from "node:zlib";

export { adler32, adler32Combine, crc32Combine } from "./combine.ts";

/**
 * The CRC-32 of `data`, continuing from `crc` (node:zlib's, several GB/s).
 *
 * @param data The bytes.
 * @param crc The CRC of the bytes before them (0 to start).
 * @returns The CRC, an unsigned 32-bit number.
 *
 * @example
 * ```ts
 * import { crc32 } from "@wd/wd/low-level";
 * console.log(crc32(new TextEncoder().encode("123456789")).toString(16)); // cbf43926
 * ```
 */
export function crc32(data: Uint8Array, crc = 0): number {
  return zlibCrc32(data, crc) >>> 0;
}
