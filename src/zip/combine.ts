/**
 * Checksum arithmetic in plain JavaScript: combining CRC-32s and Adler-32s, Adler-32 itself,
 * and a small CRC-32 for headers. Nothing here loads a native library, so worker threads and
 * the CLI can use it without paying for node:zlib's start-up.
 *
 * @module
 */

const CRC_POLY = 0xedb88320; // reflected x^32 + x^26 + ... + 1 (RFC 1952 §8)
const ADLER_BASE = 65521; // largest prime below 2^16 (RFC 1950 §9)
const ADLER_NMAX = 5552; // most bytes before the sums can overflow 2^32 (zlib's NMAX)

/** x^(2^k) mod p(x), for k = 0..31. */
const X2N = (() => {
  const t = new Uint32Array(32);
  let p = 1 << 30; // x^1
  t[0] = p;
  for (let k = 1; k < 32; k++) t[k] = p = multModP(p, p);
  return t;
})();

/** a(x) * b(x) mod p(x), in the reflected bit order of the CRC. */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ CRC_POLY : b >>> 1;
  }
  return p >>> 0;
}

/** x^(n * 2^k) mod p(x); `n` may exceed 2^32. */
function x2nModP(n: number, k: number): number {
  let p = 0x80000000; // x^0
  while (n > 0) {
    if (n % 2 === 1) p = multModP(X2N[k & 31]!, p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

/**
 * The CRC-32 of A followed by B, from the CRCs of A and B and the length of B (zlib's
 * `crc32_combine`).
 *
 * @param crc1 CRC-32 of the first piece.
 * @param crc2 CRC-32 of the second piece.
 * @param len2 Length of the second piece in bytes.
 * @returns The CRC-32 of both.
 *
 * @example
 * ```ts
 * import { crc32, crc32Combine } from "@wd/wd/low-level";
 * const a = new TextEncoder().encode("12345"), b = new TextEncoder().encode("6789");
 * console.log(crc32Combine(crc32(a), crc32(b), b.length) === crc32(new TextEncoder().encode("123456789"))); // true
 * ```
 */
export function crc32Combine(crc1: number, crc2: number, len2: number): number {
  return (multModP(x2nModP(len2, 3), crc1 >>> 0) ^ crc2) >>> 0;
}

/** CRC-32 lookup table (reflected), for the few bytes of a gzip header. */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? CRC_POLY ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * CRC-32 in plain JavaScript, a byte at a time: for headers (FHCRC), where loading a native
 * implementation would cost more than it saves.
 *
 * @param data The bytes.
 * @param crc The CRC of the bytes before them (0 to start).
 * @returns The CRC.
 */
export function crc32Small(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * The Adler-32 of `data`, continuing from `adler`.
 *
 * @param data The bytes.
 * @param adler The Adler-32 of the bytes before them (1 to start).
 * @returns The Adler-32, an unsigned 32-bit number.
 *
 * @example
 * ```ts
 * import { adler32 } from "@wd/wd/low-level";
 * console.log(adler32(new TextEncoder().encode("Wikipedia")).toString(16)); // 11e60398
 * ```
 */
export function adler32(data: Uint8Array, adler = 1): number {
  let a = adler & 0xffff;
  let b = (adler >>> 16) & 0xffff;
  let i = 0;
  while (i < data.length) {
    const end = Math.min(data.length, i + ADLER_NMAX);
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= ADLER_BASE;
    b %= ADLER_BASE;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * The Adler-32 of A followed by B, from the Adler-32s of A and B and the length of B (zlib's
 * `adler32_combine`).
 *
 * @param a1 Adler-32 of the first piece.
 * @param a2 Adler-32 of the second piece.
 * @param len2 Length of the second piece in bytes.
 * @returns The Adler-32 of both.
 */
export function adler32Combine(a1: number, a2: number, len2: number): number {
  const rem = len2 % ADLER_BASE;
  let sum1 = a1 & 0xffff;
  let sum2 = (rem * sum1) % ADLER_BASE;
  sum1 += (a2 & 0xffff) + ADLER_BASE - 1;
  sum2 += ((a1 >>> 16) & 0xffff) + ((a2 >>> 16) & 0xffff) + ADLER_BASE - rem;
  if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE;
  if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE;
  if (sum2 >= 2 * ADLER_BASE) sum2 -= 2 * ADLER_BASE;
  if (sum2 >= ADLER_BASE) sum2 -= ADLER_BASE;
  return ((sum2 << 16) | sum1) >>> 0;
}
