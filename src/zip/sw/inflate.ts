/**
 * Decompression of a whole container stream with a streaming raw inflater: gzip members one
 * after another (concatenated files, pigz, bgzip, hardware block mode), zlib, or raw deflate;
 * every header field parsed, every CRC-32/Adler-32 and ISIZE checked. Trailing zero bytes are
 * ignored and other trailing bytes end in a `garbage` warning, as gzip does.
 *
 * @module
 */

import type { DecompressOptions, EngineStats, Format } from "../engine.ts";
import { ZipDataError } from "../errors.ts";
import { Checksum, checkZlibHeader, isZlibHeader, trailerLength } from "../framing.ts";
import { GZIP_MAGIC, parseGzipHeader } from "../gzip_header.ts";
import type { Crc32, RawInflater } from "./codec.ts";
import { InputReader } from "./input.ts";

/** Output is handed on in pieces of this size (or at the end of a member). */
const OUT_CHUNK = 256 * 1024;

/**
 * Decompresses a container stream.
 *
 * @param input The compressed bytes.
 * @param options Format (or `auto`), signal, header callback.
 * @param using The raw inflater (reset between members; not disposed here), the CRC-32 to
 *   check with, and the counters to update.
 * @returns The decompressed bytes.
 * @throws ZipDataError for corrupt or truncated data, and `garbage` after all the output.
 */
export async function* decompressStream(
  input: AsyncIterable<Uint8Array>,
  options: DecompressOptions,
  { inflater, crc32, stats }: { inflater: RawInflater; crc32: Crc32; stats: EngineStats },
): AsyncGenerator<Uint8Array> {
  const r = new InputReader(input);
  const out = new Uint8Array(OUT_CHUNK); // reused: each piece is handed on before the next
  try {
    const format = await detectFormat(r, options.format);
    for (let member = 0;; member++) {
      options.signal?.throwIfAborted();
      await readHeader(r, format, options);
      if (member > 0) inflater.reset();
      const sum = new Checksum(format, crc32);
      yield* inflateMember(r, inflater, { out, sum, stats, signal: options.signal });
      if (!await r.ensure(trailerLength(format))) throw new ZipDataError("truncated");
      sum.verify(r.available.subarray(0, trailerLength(format)));
      r.consume(trailerLength(format));
      stats.bytesIn = r.consumed;
      if (!await nextMember(r, format)) break;
    }
  } finally {
    stats.bytesIn = r.consumed;
    await r.close();
  }
}

async function detectFormat(r: InputReader, format: Format | "auto"): Promise<Format> {
  if (format !== "auto") return format;
  if (!await r.ensure(2)) {
    const a = r.available;
    throw new ZipDataError(a.length === 0 || a[0] === GZIP_MAGIC[0] ? "truncated" : "format");
  }
  const [b0, b1] = r.available;
  if (b0 === GZIP_MAGIC[0] && b1 === GZIP_MAGIC[1]) return "gzip";
  if (isZlibHeader(b0!, b1!)) return "zlib";
  throw new ZipDataError("format");
}

async function readHeader(r: InputReader, format: Format, options: DecompressOptions) {
  if (format === "zlib") {
    if (!await r.ensure(2)) throw new ZipDataError("truncated");
    checkZlibHeader(r.available[0]!, r.available[1]!);
    r.consume(2);
  } else if (format === "gzip") {
    let parsed;
    while ((parsed = parseGzipHeader(r.available)) === null) {
      if (!await r.more()) throw new ZipDataError("truncated");
    }
    r.consume(parsed.length);
    options.onHeader?.(parsed.header);
  }
}

interface MemberState {
  out: Uint8Array;
  sum: Checksum;
  stats: EngineStats;
  signal: AbortSignal | undefined;
}

async function* inflateMember(
  r: InputReader,
  inflater: RawInflater,
  { out, sum, stats, signal }: MemberState,
): AsyncGenerator<Uint8Array> {
  let fill = 0;
  for (;;) {
    if (r.available.length === 0 && !await r.more()) {
      if (!inflater.finish()) throw new ZipDataError("truncated");
      break;
    }
    const step = inflater.inflate(r.available, out.subarray(fill));
    r.consume(step.consumed);
    fill += step.produced;
    if (fill === out.length || (step.ended && fill > 0)) {
      const piece = out.subarray(0, fill);
      sum.update(piece);
      stats.bytesOut += fill;
      yield piece;
      signal?.throwIfAborted();
      fill = 0;
    }
    if (step.ended) return;
  }
  if (fill > 0) {
    const piece = out.subarray(0, fill);
    sum.update(piece);
    stats.bytesOut += fill;
    yield piece;
  }
}

/**
 * After a member: whether another follows. Zero bytes to the end are padding (ignored);
 * anything else that is not a gzip member is trailing garbage.
 */
async function nextMember(r: InputReader, format: Format): Promise<boolean> {
  if (!await r.ensure(1)) return false;
  if (format === "gzip") {
    await r.ensure(2);
    const a = r.available;
    if (a[0] === GZIP_MAGIC[0] && (a.length < 2 || a[1] === GZIP_MAGIC[1])) return true;
  }
  let garbage = false;
  do {
    const a = r.available;
    if (!garbage && a.some((b) => b !== 0)) garbage = true;
    r.consume(a.length);
  } while (await r.more());
  if (garbage) throw new ZipDataError("garbage");
  return false;
}
