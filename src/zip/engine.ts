/**
 * The contract between the streaming layer (`wd zip`/`wd unzip`, the Web Streams of mod.ts)
 * and the engines that do the work: the software engine (src/zip/sw) and the HiSilicon ZIP
 * engine (src/zip/hw_engine.ts over src/drivers/hisi_zip).
 *
 * An engine turns a byte stream into a whole gzip, zlib or raw deflate stream and back. The
 * framing helpers (header codec, trailer, checksums) are shared, so every engine writes and
 * accepts the same formats. Engines pull input as an AsyncIterable, which gives back-pressure
 * for free: memory stays bounded whatever the input size.
 *
 * @module
 */

/**
 * Output container.
 *
 * @example
 * ```ts
 * import { type Format, UnzipStream, ZipStream } from "@wd/wd";
 * for (const format of ["gzip", "zlib", "deflate"] satisfies Format[]) {
 *   const packed = ReadableStream.from([new TextEncoder().encode(format)])
 *     .pipeThrough(new ZipStream({ format }));
 *   console.log(await new Response(packed.pipeThrough(new UnzipStream({ format }))).text());
 * }
 * ```
 */
export type Format = "gzip" | "zlib" | "deflate";

/**
 * The fields of a gzip member header (RFC 1952 §2.3).
 *
 * @example
 * ```ts
 * import { type GzipHeader, UnzipStream, ZipStream } from "@wd/wd";
 * const header: GzipHeader = { name: "report.csv", comment: "nightly", mtime: 1_700_000_000, os: 3 };
 * const gz = ReadableStream.from([new TextEncoder().encode("a,b\n")])
 *   .pipeThrough(new ZipStream({ header }));
 * let seen: GzipHeader | undefined;
 * await new Response(gz.pipeThrough(new UnzipStream({ onHeader: (h) => seen = h }))).bytes();
 * console.log(seen?.name, seen?.comment, seen?.mtime); // report.csv nightly 1700000000
 * ```
 */
export interface GzipHeader {
  /** Modification time, seconds since the epoch; 0 = none. */
  mtime: number;
  /** Operating system byte (3 = Unix, 255 = unknown). */
  os: number;
  /** Extra flags byte (2 = best compression, 4 = fastest). */
  xfl?: number;
  /** FTEXT. */
  text?: boolean;
  /** FNAME: the original file name (Latin-1 on the wire). */
  name?: string;
  /** FCOMMENT. */
  comment?: string;
  /** FEXTRA: the raw extra field (subfields included). */
  extra?: Uint8Array;
  /** FHCRC: whether the header carries a CRC16. */
  hcrc?: boolean;
}

/** Options of a compression. */
export interface CompressOptions {
  /** Container to write. */
  format: Format;
  /** 1 (fastest) to 9 (best). */
  level: number;
  /** Header fields for gzip (ignored for zlib and deflate). */
  header?: GzipHeader;
  /** Aborts the work (SIGINT, a closed pipe); the iterator then throws the signal's reason. */
  signal?: AbortSignal;
}

/** Options of a decompression. */
export interface DecompressOptions {
  /** Container to read; `auto` detects gzip and zlib by their magic bytes. */
  format: Format | "auto";
  /** Aborts the work. */
  signal?: AbortSignal;
  /** Called with each gzip member's header as it is parsed (for `-N`, `--list`). */
  onHeader?: (header: GzipHeader) => void;
  /**
   * The output cannot be taken back once handed on (a pipe): an engine whose results could be
   * wrong (a device) checks each member before handing its output on. Software ignores it.
   */
  checkBeforeOutput?: boolean;
}

/**
 * Why work went to software instead of the device, as a category for usage counters: no usable
 * device, every usable one busy, the device isolated, the device failing during the run, a
 * device result that `--verify` caught, or a level above what `--engine auto` gives the device.
 *
 * @example
 * ```ts
 * import { type FallbackReason, simulatedEnv, ZipStream } from "@wd/wd";
 * await using env = simulatedEnv("busy"); // every queue taken
 * const zs = new ZipStream({ engine: "auto", env });
 * await new Response(ReadableStream.from([new Uint8Array(100)]).pipeThrough(zs)).bytes();
 * const why: FallbackReason[] = (await zs.report).fallbacks;
 * console.log(why); // [ "busy" ]
 * ```
 */
export type FallbackReason =
  | "no_device"
  | "busy"
  | "isolated"
  | "device_error"
  | "verify_failure"
  | "level";

/** What an engine did, for `-v` and benchmarks. */
export interface EngineStats {
  /** Bytes consumed. */
  bytesIn: number;
  /** Bytes produced. */
  bytesOut: number;
  /** Anything worth telling the user under `-v` (a fallback to software and why). */
  notes: string[];
  /** Why the hardware engine handed work to software during its life, if it did. */
  fallbacks?: Set<FallbackReason>;
}

/**
 * A compression engine. Owns its resources (worker threads, hardware queues) until disposed;
 * disposing releases them on every path, errors and signals included.
 */
export interface Engine extends AsyncDisposable {
  /** `sw` or `hw`. */
  readonly kind: "sw" | "hw";
  /** One line for `-v`: what runs and where ("software: zlib-ng level 6 on 2 workers"). */
  readonly description: string;
  /** Counters of the last or current operation. */
  readonly stats: EngineStats;
  /**
   * Compresses a byte stream into one complete container stream.
   *
   * @param input The uncompressed bytes.
   * @param options Format, level, header, abort signal.
   * @returns The compressed bytes, in order.
   */
  compress(input: AsyncIterable<Uint8Array>, options: CompressOptions): AsyncIterable<Uint8Array>;
  /**
   * Decompresses a container stream (every gzip member of it), verifying every checksum.
   *
   * @param input The compressed bytes.
   * @param options Format and abort signal.
   * @returns The uncompressed bytes, in order.
   * @throws ZipDataError subclasses for corrupt, truncated or trailing data.
   */
  decompress(
    input: AsyncIterable<Uint8Array>,
    options: DecompressOptions,
  ): AsyncIterable<Uint8Array>;
}

/**
 * The unit of work of a parallel deflater (pigz's design): one block of input compressed to raw
 * deflate, primed with up to 32 KiB of the input before it, ending byte-aligned with an empty
 * stored block (a sync flush) unless it is the last block, which ends with BFINAL set. Blocks
 * so made concatenate into one valid deflate stream. The hardware engine uses it to continue a
 * stream in software when the device fails mid-stream.
 */
export interface BlockDeflater {
  /**
   * Compresses one block.
   *
   * @param input The block.
   * @param options Level, the preceding input (at most 32 KiB used), and whether it is the last.
   * @returns The raw deflate bytes.
   */
  deflateBlock(
    input: Uint8Array,
    options: { level: number; dictionary?: Uint8Array; last: boolean },
  ): Promise<Uint8Array>;
}
