/**
 * Helpers for the compressor's tests: streams from bytes, bytes from streams, test data.
 *
 * @module
 */

import zlib from "node:zlib";
import { concat as concatParts } from "../../src/bytes.ts";
import { encodeGzipHeader } from "../../src/zip/gzip_header.ts";

/**
 * A stream of `data` cut into pieces of `size` bytes.
 *
 * @param data The bytes.
 * @param size Piece size.
 * @returns The stream.
 */
export async function* chunked(data: Uint8Array, size = 65536): AsyncGenerator<Uint8Array> {
  for (let o = 0; o < data.length; o += size) yield data.subarray(o, o + size);
}

/**
 * Every chunk of a stream, copied and joined (engines reuse their buffers).
 *
 * @param it The stream.
 * @returns The bytes.
 */
export async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of it) parts.push(c.slice());
  return concat(...parts);
}

/**
 * Joins byte arrays ({@linkcode concatParts} with the parts as arguments).
 *
 * @param parts The arrays.
 * @returns One array.
 */
export function concat(...parts: Uint8Array[]): Uint8Array {
  return concatParts(parts);
}

/**
 * Deterministic text-like data that compresses about 3:1 (a seeded PRNG over a small vocabulary).
 *
 * @param n Length in bytes.
 * @param seed The seed.
 * @returns The bytes.
 */
export function textLike(n: number, seed = 1): Uint8Array {
  const words = [
    "the",
    "zip",
    "engine",
    "queue",
    "block",
    "deflate",
    "stream",
    "member",
    "crc",
    "window",
    "kernel",
    "device",
    "level",
    "data",
    "\n",
    "of",
    "and",
    "to",
    "a",
    "in",
  ];
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Uint8Array(n);
  let o = 0;
  while (o < n) {
    const w = words[Math.floor(rand() * words.length)]!;
    const num = rand() < 0.1 ? String(Math.floor(rand() * 100000)) : "";
    for (const ch of `${w}${num} `) if (o < n) out[o++] = ch.charCodeAt(0);
  }
  return out;
}

/**
 * Random bytes (incompressible), deterministic.
 *
 * @param n Length.
 * @param seed The seed.
 * @returns The bytes.
 */
export function noise(n: number, seed = 7): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * Whether a program is on PATH (cross-checks run only where the peer is installed).
 *
 * @param name The program.
 * @returns True when found.
 */
export function have(name: string): boolean {
  try {
    return new Deno.Command("sh", { args: ["-c", `command -v ${name}`], stdout: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/**
 * Runs a program with `input` on stdin.
 *
 * @param cmd The program.
 * @param args Its arguments.
 * @param input Standard input.
 * @returns Exit code, stdout and stderr.
 */
export async function pipeThrough(
  cmd: string,
  args: string[],
  input: Uint8Array,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: Uint8Array; stderr: string }> {
  const p = new Deno.Command(cmd, { args, stdin: "piped", stdout: "piped", stderr: "piped", env })
    .spawn();
  const w = p.stdin.getWriter();
  const writing = w.write(input).then(() => w.close()).catch(() => {});
  const out = await p.output();
  await writing;
  return { code: out.code, stdout: out.stdout, stderr: new TextDecoder().decode(out.stderr) };
}

/**
 * Decodes a whole gzip (every member), zlib or raw deflate stream with node:zlib, as a plain
 * Uint8Array (not a Buffer, so deepEqual compares it with test data).
 *
 * @param format The container.
 * @param bytes The stream.
 * @returns The data.
 */
export function nodeDecode(format: "gzip" | "zlib" | "deflate", bytes: Uint8Array): Uint8Array {
  const b = format === "gzip"
    ? zlib.gunzipSync(bytes)
    : format === "zlib"
    ? zlib.inflateSync(bytes)
    : zlib.inflateRawSync(bytes);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Encodes data with node:zlib at its default level.
 *
 * @param format The container.
 * @param bytes The data.
 * @returns The stream, as a plain Uint8Array.
 */
export function nodeEncode(format: "gzip" | "zlib" | "deflate", bytes: Uint8Array): Uint8Array {
  const b = format === "gzip"
    ? zlib.gzipSync(bytes)
    : format === "zlib"
    ? zlib.deflateSync(bytes)
    : zlib.deflateRawSync(bytes);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * A gzip member that records its lengths in FEXTRA, as wd's hardware engine writes them
 * (`WD`: u32 LE member length, u32 LE data length) or as BGZF does (`BC`: u16 LE length - 1).
 *
 * @param data The member's data.
 * @param kind Which subfield.
 * @returns The member.
 */
export function recordedMember(data: Uint8Array, kind: "WD" | "BC" = "WD"): Uint8Array {
  const body = new Uint8Array(zlib.deflateRawSync(data));
  const sub = kind === "WD" ? new Uint8Array(12) : new Uint8Array(6);
  sub.set([kind.charCodeAt(0), kind.charCodeAt(1), sub.length - 4, 0]);
  const header = encodeGzipHeader({ mtime: 0, os: 3, extra: sub });
  const total = header.length + body.length + 8;
  const extra = new DataView(header.buffer, 12, sub.length); // after the fixed 10 and XLEN
  if (kind === "WD") {
    extra.setUint32(4, total, true);
    extra.setUint32(8, data.length, true);
  } else {
    extra.setUint16(4, total - 1, true);
  }
  const trailer = new Uint8Array(8);
  new DataView(trailer.buffer).setUint32(0, zlib.crc32(data) >>> 0, true);
  new DataView(trailer.buffer).setUint32(4, data.length, true);
  return concat(header, body, trailer);
}
