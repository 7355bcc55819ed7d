/**
 * Decompression of a whole container stream with a streaming raw inflater: gzip members one
 * after another (concatenated files, pigz, bgzip, hardware block mode), zlib, or raw deflate;
 * every header field parsed, every CRC-32/Adler-32 and ISIZE checked. Trailing zero bytes are
 * ignored and other trailing bytes end in a `garbage` warning, as gzip does.
 *
 * @module
 */

import type { DecompressOptions, EngineStats, Format, GzipHeader } from "../engine.ts";
import { ZipDataError } from "../errors.ts";
import { Checksum, checkZlibHeader, isZlibHeader, trailerLength } from "../framing.ts";
import { GZIP_MAGIC, type MemberLengths, memberLengths, parseGzipHeader } from "../gzip_header.ts";
import type { Crc32, RawInflater } from "./codec.ts";
import type { SizedBufferPool } from "./buffers.ts";
import { InputReader } from "./input.ts";

/** Output is handed on in pieces of this size (or at the end of a member). */
const OUT_CHUNK = 256 * 1024;
/** Members larger than this (either side) are inflated here, not handed to a worker. */
const MAX_OFFLOADED = 4 << 20;
/**
 * Members are handed off only after this much output: inflating is so fast that a worker's
 * start-up (tens of ms) only pays off on long inputs.
 */
export const OFFLOAD_AFTER = 32 << 20;

/** Somewhere else to inflate whole members whose lengths their headers record. */
export interface MemberOffload {
  /** How many members may be in flight. */
  window: number;
  /** Output after which members are handed off (default {@linkcode OFFLOAD_AFTER}). */
  after?: number | undefined;
  /**
   * Inflates a member's deflate data, of known uncompressed size.
   *
   * @returns The bytes and their CRC-32, and `data` given back.
   */
  decode(
    data: Uint8Array,
    size: number,
  ): Promise<{ out: Uint8Array; crc: number; data: Uint8Array }>;
  /** Where `data` buffers come from and go back to, with the outputs once handed on. */
  buffers: SizedBufferPool;
}

/** A member handed off: its result to come, and its trailer to check it against. */
interface Offloaded {
  result: Promise<{ out: Uint8Array; crc: number; data: Uint8Array }>;
  trailer: DataView;
}

/**
 * Decompresses a container stream.
 *
 * @param input The compressed bytes.
 * @param options Format (or `auto`), signal, header callback.
 * @param using The raw inflater (reset between members; not disposed here), the CRC-32 to
 *   check with, the counters to update, and where members that record their lengths (wd's
 *   `WD`, BGZF's `BC`) may be inflated in parallel, after {@linkcode OFFLOAD_AFTER} bytes.
 * @returns The decompressed bytes.
 * @throws ZipDataError for corrupt or truncated data, and `garbage` after all the output.
 */
export async function* decompressStream(
  input: AsyncIterable<Uint8Array>,
  options: DecompressOptions,
  using: {
    inflater: RawInflater;
    crc32: Crc32;
    stats: EngineStats;
    offload?: MemberOffload | undefined;
  },
): AsyncGenerator<Uint8Array> {
  const { inflater, crc32, stats, offload } = using;
  const r = new InputReader(input);
  const out = new Uint8Array(OUT_CHUNK); // reused: each piece is handed on before the next
  const inFlight: Offloaded[] = [];
  try {
    const format = await detectFormat(r, options.format);
    for (let member = 0;; member++) {
      options.signal?.throwIfAborted();
      const header = await readHeader(r, format, options);
      const lengths = header && offload && stats.bytesOut >= (offload.after ?? OFFLOAD_AFTER)
        ? memberLengths(header.header)
        : null;
      if (lengths && await offloadable(r, lengths, header!.length)) {
        inFlight.push(handOff(r, lengths, header!.length, offload!));
        while (inFlight.length >= offload!.window) {
          yield* collect(inFlight.shift()!, offload!.buffers, stats);
        }
      } else {
        while (inFlight.length > 0) yield* collect(inFlight.shift()!, offload!.buffers, stats);
        if (member > 0) inflater.reset();
        const sum = new Checksum(format, crc32);
        yield* inflateMember(r, inflater, { out, sum, stats, signal: options.signal });
        if (!await r.ensure(trailerLength(format))) throw new ZipDataError("truncated");
        sum.verify(r.available.subarray(0, trailerLength(format)));
        r.consume(trailerLength(format));
      }
      stats.bytesIn = r.consumed;
      if (!await nextMember(r, format)) break;
    }
    while (inFlight.length > 0) yield* collect(inFlight.shift()!, offload!.buffers, stats);
  } finally {
    for (const o of inFlight) o.result.catch(() => {}); // abandoned: never unhandled
    stats.bytesIn = r.consumed;
    await r.close();
  }
}

/**
 * The container of a stream: as given, or detected from its first two bytes (gzip's magic, or a
 * valid zlib header).
 *
 * @param r The input.
 * @param format What the caller asked for.
 * @returns The format.
 * @throws ZipDataError `truncated` or `format`.
 */
export async function detectFormat(r: InputReader, format: Format | "auto"): Promise<Format> {
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

/** Reads a member's header; for gzip, returns it and its length. */
async function readHeader(
  r: InputReader,
  format: Format,
  options: DecompressOptions,
): Promise<{ header: GzipHeader; length: number } | null> {
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
    return parsed;
  }
  return null;
}

/**
 * Whether a member whose header records its lengths can be handed off: small enough, and
 * all of it (read here) ends within the input. A member that cannot is inflated here.
 */
async function offloadable(
  r: InputReader,
  lengths: MemberLengths,
  headerLength: number,
): Promise<boolean> {
  const rest = lengths.compressed - headerLength; // deflate data and trailer
  if (rest < 8 + 2 || lengths.compressed > MAX_OFFLOADED) return false;
  if ((lengths.uncompressed ?? 0) > MAX_OFFLOADED) return false;
  if (!await r.ensure(rest)) return false; // cut short: the sequential path says where
  const isize = new DataView(r.available.buffer, r.available.byteOffset + rest - 4, 4);
  return (lengths.uncompressed ?? isize.getUint32(0, true)) <= MAX_OFFLOADED;
}

/** Hands the member's deflate data to the offload (copied into a pooled buffer). */
function handOff(
  r: InputReader,
  lengths: MemberLengths,
  headerLength: number,
  offload: MemberOffload,
): Offloaded {
  const rest = lengths.compressed - headerLength;
  const data = offload.buffers.take(rest - 8);
  data.set(r.available.subarray(0, rest - 8));
  const trailer = new DataView(r.available.slice(rest - 8, rest).buffer);
  r.consume(rest);
  const isize = trailer.getUint32(4, true);
  if (lengths.uncompressed !== null && lengths.uncompressed !== isize) {
    throw new ZipDataError("length", { detail: "the header's WD length is not the trailer's" });
  }
  const result = offload.decode(data, isize);
  result.catch(() => {}); // awaited in order by collect()
  return { result, trailer };
}

/** Waits for a handed-off member, checks it against its trailer, and hands it on. */
async function* collect(
  o: Offloaded,
  buffers: SizedBufferPool,
  stats: EngineStats,
): AsyncGenerator<Uint8Array> {
  const { out, crc, data } = await o.result;
  buffers.give(data);
  if (crc !== o.trailer.getUint32(0, true)) throw new ZipDataError("crc");
  stats.bytesOut += out.length;
  yield out;
  buffers.give(out); // the reader is done with it once it asks for more
}

/** What {@linkcode inflateMember} writes into and counts with. */
export interface MemberState {
  /** The output buffer, reused for every piece. */
  out: Uint8Array;
  /** The running checksum of the output. */
  sum: Checksum;
  /** Counters (`bytesOut` is updated). */
  stats: EngineStats;
  /** Aborts between pieces. */
  signal: AbortSignal | undefined;
}

/**
 * Inflates one raw deflate stream from `r`, leaving `r` at the first byte after it (a gzip
 * trailer, a zip data descriptor).
 *
 * @param r The input, at the deflate data.
 * @param inflater A raw inflater at the start of a stream.
 * @param state The output buffer, checksum, counters and signal.
 * @returns Pieces of `state.out` (each valid until the next is asked for).
 * @throws ZipDataError `data` (invalid deflate data) or `truncated`.
 */
export async function* inflateMember(
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
 *
 * @param r The input, just after a member's trailer.
 * @param format The container.
 * @returns True when another gzip member follows.
 * @throws ZipDataError `garbage` after consuming the rest of the input.
 */
export async function nextMember(r: InputReader, format: Format): Promise<boolean> {
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
