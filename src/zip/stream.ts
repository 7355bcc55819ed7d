/**
 * wd's compressor as Web Streams: {@linkcode ZipStream} and {@linkcode UnzipStream} have the
 * shape of `CompressionStream` (a `readable` and a `writable`), so scripts can `pipeThrough`
 * them, with the level, format and engine as options. Unlike `DecompressionStream`,
 * UnzipStream reads files of many gzip members, and it checks every CRC. Each stream says what
 * happened once it has ended ({@linkcode EngineStream.report}): the engine, why, any fallback
 * to software and its cause, bytes in and out; what `wd zip -v` prints.
 *
 * @module
 */

import type { Env } from "../env.ts";
import { processEnv } from "../process_env.ts";
import { checkEnv, checkInteger, checkOneOf, checkOptions, checkType } from "../validate.ts";
import type { Engine, FallbackReason, Format, GzipHeader } from "./engine.ts";
import type { EngineChoice } from "./choice.ts";
import { selectEngine } from "./select.ts";

/** The engines a stream can ask for. */
const ENGINES: readonly EngineChoice[] = ["sw", "hw", "auto"];
/** The containers ZipStream writes. */
const FORMATS: readonly Format[] = ["gzip", "zlib", "deflate"];
/** Most compression threads a stream may ask for. */
const MAX_THREADS = 1024;

/**
 * Options shared by both streams.
 *
 * @example
 * ```ts
 * import { simulatedEnv, type StreamEngineOptions, UnzipStream, ZipStream } from "@wd/wd";
 * await using env = simulatedEnv();
 * const engine: StreamEngineOptions = { engine: "hw", device: "hisi_zip-5", env };
 * const gz = ReadableStream.from([new TextEncoder().encode("on the device")])
 *   .pipeThrough(new ZipStream({ ...engine, level: 1 }));
 * console.log(await new Response(gz.pipeThrough(new UnzipStream(engine))).text()); // on the device
 * ```
 */
export interface StreamEngineOptions {
  /**
   * `sw` (the default: software on every core), `hw` (the ZIP device; the stream errors with
   * an `UnsupportedError` or `BusyError` without a usable one) or `auto` (the device when usable,
   * else software, as `wd zip` does).
   */
  engine?: EngineChoice | undefined;
  /** A ZIP device for `hw`/`auto`, by name (`hisi_zip-4`); by default the best usable one. */
  device?: string | undefined;
  /** Compression threads of the software engine, 1 to 1024 (default: the CPUs available). */
  threads?: number | undefined;
  /**
   * Check the device's results in software: compression always unless `false`; decompression
   * fully when `true` (by default its checksums and lengths are checked). Software ignores it.
   */
  verify?: boolean | undefined;
  /** The environment (default: this process's, `processEnv()`, which honours `WD_SIM`). */
  env?: Env | undefined;
}

/**
 * Options of {@linkcode ZipStream}.
 *
 * @example
 * ```ts
 * import { ZipStream, type ZipStreamOptions } from "@wd/wd";
 * const options: ZipStreamOptions = {
 *   format: "gzip",
 *   level: 9,
 *   header: { name: "notes.txt", mtime: 1_700_000_000, os: 3 },
 * };
 * const gz = await new Response(
 *   ReadableStream.from([new TextEncoder().encode("notes")]).pipeThrough(new ZipStream(options)),
 * ).bytes();
 * console.log((gz[3] ?? 0) & 8 ? "FNAME set" : "no name"); // FNAME set
 * ```
 */
export interface ZipStreamOptions extends StreamEngineOptions {
  /** Container: `gzip` (the default), `zlib` or `deflate` (raw). */
  format?: Format | undefined;
  /** 1 (fastest) to 9 (best); default 6. `auto` leaves 7 to 9 to software. */
  level?: number | undefined;
  /** gzip header fields (default: no name, mtime 0, OS Unix). */
  header?: GzipHeader | undefined;
}

/**
 * Options of {@linkcode UnzipStream}.
 *
 * @example
 * ```ts
 * import { UnzipStream, type UnzipStreamOptions, ZipStream } from "@wd/wd";
 * const names: string[] = [];
 * const options: UnzipStreamOptions = { format: "gzip", onHeader: (h) => names.push(h.name ?? "") };
 * const gz = ReadableStream.from([new TextEncoder().encode("x")])
 *   .pipeThrough(new ZipStream({ header: { name: "x.txt", mtime: 0, os: 3 } }));
 * await new Response(gz.pipeThrough(new UnzipStream(options))).bytes();
 * console.log(names); // [ "x.txt" ]
 * ```
 */
export interface UnzipStreamOptions extends StreamEngineOptions {
  /** Container to accept: `auto` (the default: gzip or zlib, by their magic), or one of them. */
  format?: Format | "auto" | undefined;
  /** Called with each gzip member's header. */
  onHeader?: ((header: GzipHeader) => void) | undefined;
}

/**
 * What a stream did, once it has ended: the facts `wd zip -v` prints, and the byte counts.
 *
 * @example What `wd zip -v` would have said
 * ```ts
 * import { simulatedEnv, type ZipReport, ZipStream } from "@wd/wd";
 * await using env = simulatedEnv("lose@1"); // the device loses a completion: software takes over
 * const zs = new ZipStream({ engine: "auto", env });
 * await new Response(ReadableStream.from([new Uint8Array(1 << 20)]).pipeThrough(zs)).bytes();
 * const r: ZipReport = await zs.report;
 * console.log(r.engine, r.fallbacks, r.notes); // hw [ "device_error" ] [ "hisi_zip-4: ... continued in software" ]
 * ```
 */
export interface ZipReport {
  /** `compress` (ZipStream) or `decompress` (UnzipStream). */
  direction: "compress" | "decompress";
  /** The engine that ran: `sw` or `hw`. */
  engine: "sw" | "hw";
  /** The ZIP device, when the hardware engine ran. */
  device: string | undefined;
  /** What ran, in one line (`software: zlib-ng level 6 on 4 workers`, `hardware: hisi_zip-4 ...`). */
  description: string;
  /**
   * Why this engine (`hisi_zip-4 lists gzip, 64 free queues, NUMA node 0`; for `auto` on
   * software, why not the device: `software: no ZIP device found ...`).
   */
  reason: string;
  /**
   * Why work went to software instead of the device, if it did: `auto` chose software
   * (`no_device`, `busy`, `isolated`, `level`), or the device failed during the run
   * (`device_error`, `verify_failure`; `notes` says what and where). Empty when it did not.
   */
  fallbacks: FallbackReason[];
  /** What the engine had to do differently, one line each (the device failed, software took over). */
  notes: string[];
  /** Bytes written into the stream. */
  bytesIn: number;
  /** Bytes that came out of it. */
  bytesOut: number;
}

/**
 * A stream pair whose readable side is an engine's output over the writable side's input:
 * the shape of `CompressionStream`, for `pipeThrough`.
 *
 * @example
 * ```ts
 * import { type EngineStream, UnzipStream, ZipStream } from "@wd/wd";
 * const streams: EngineStream[] = [new ZipStream({ threads: 1 }), new UnzipStream()];
 * let data: ReadableStream<Uint8Array> = ReadableStream.from([new TextEncoder().encode("round trip")]);
 * for (const s of streams) data = data.pipeThrough(s);
 * console.log(await new Response(data).text()); // round trip
 * for (const s of streams) console.log((await s.report).direction, (await s.report).engine);
 * ```
 */
export class EngineStream {
  /** Where the engine's output comes out. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Where the engine's input goes in. */
  readonly writable: WritableStream<Uint8Array>;
  /**
   * What happened, once the output has been read to its end: resolves with the
   * {@linkcode ZipReport}; rejects with the stream's error when it failed or was cancelled.
   * It never settles while nobody reads the output.
   */
  readonly report: Promise<ZipReport>;

  /**
   * Connects the two sides through `work`.
   *
   * @param work Runs the engine over the input and says what it did; started when the output
   *   is first read.
   */
  constructor(
    work: (
      input: ReadableStream<Uint8Array>,
      done: (report: ZipReport | Error) => void,
    ) => AsyncIterable<Uint8Array>,
  ) {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    let settle!: (report: ZipReport | Error) => void;
    this.report = new Promise<ZipReport>((resolve, reject) => {
      settle = (r) => r instanceof Error ? reject(r) : resolve(r);
    });
    this.report.catch(() => {}); // a report nobody awaits is no unhandled rejection
    this.writable = writable;
    this.readable = ReadableStream.from(work(readable, settle));
  }
}

/**
 * Compresses a byte stream.
 *
 * @example Compress a string and read it back
 * ```ts
 * import { UnzipStream, ZipStream } from "@wd/wd";
 * const gz = ReadableStream.from([new TextEncoder().encode("hello, hello, hello")])
 *   .pipeThrough(new ZipStream({ level: 9, threads: 1 }));
 * const text = await new Response(gz.pipeThrough(new UnzipStream())).text();
 * console.log(text); // hello, hello, hello
 * ```
 *
 * @example Compress on the device when there is one, and say which engine ran
 * ```ts
 * import { simulatedEnv, ZipStream } from "@wd/wd";
 * await using env = simulatedEnv();
 * const zs = new ZipStream({ engine: "auto", env });
 * const input = ReadableStream.from([new TextEncoder().encode("x".repeat(100_000))]);
 * await new Response(input.pipeThrough(zs)).arrayBuffer();
 * const r = await zs.report;
 * console.log(r.engine, r.device, r.reason, r.bytesIn, r.bytesOut); // hw hisi_zip-4 hisi_zip-4 lists gzip, ... 100000 ...
 * ```
 */
export class ZipStream extends EngineStream {
  /**
   * Makes the stream; the engine is chosen when data starts to flow.
   *
   * @param options Format, level, header and engine.
   * @throws TypeError, RangeError naming a bad option.
   */
  constructor(options: ZipStreamOptions = {}) {
    checkStreamOptions("ZipStream", options, ["format", "level", "header"]);
    checkOneOf("ZipStream", "format", options.format, FORMATS);
    checkInteger("ZipStream", "level", options.level, { min: 1, max: 9 });
    checkHeader(options.header);
    super((input, done) =>
      run(options, "compress", done, (engine, source) =>
        engine.compress(source, {
          format: options.format ?? "gzip",
          level: options.level ?? 6,
          ...(options.header ? { header: options.header } : {}),
        }), input)
    );
  }
}

/**
 * Decompresses a gzip (every member), zlib or raw deflate stream, checking every checksum.
 * Corrupt data errors the stream with a `ZipDataError`; so does trailing garbage, after all
 * the data before it.
 *
 * @example Decompress a file to stdout
 * ```ts
 * import { UnzipStream, ZipStream } from "@wd/wd";
 * const path = await Deno.makeTempFile({ suffix: ".gz" });
 * await ReadableStream.from([new TextEncoder().encode("one line\n")])
 *   .pipeThrough(new ZipStream()).pipeTo((await Deno.create(path)).writable);
 * using f = await Deno.open(path);
 * await f.readable.pipeThrough(new UnzipStream()).pipeTo(Deno.stdout.writable, { preventClose: true });
 * await Deno.remove(path);
 * ```
 */
export class UnzipStream extends EngineStream {
  /**
   * Makes the stream; the engine is chosen when data starts to flow.
   *
   * @param options Format, header callback and engine.
   * @throws TypeError, RangeError naming a bad option.
   */
  constructor(options: UnzipStreamOptions = {}) {
    checkStreamOptions("UnzipStream", options, ["format", "onHeader"]);
    checkOneOf("UnzipStream", "format", options.format, [...FORMATS, "auto"]);
    checkType("UnzipStream", "onHeader", options.onHeader, "function");
    super((input, done) =>
      run(options, "decompress", done, (engine, source) =>
        engine.decompress(source, {
          format: options.format ?? "auto",
          ...(options.onHeader ? { onHeader: options.onHeader } : {}),
        }), input)
    );
  }
}

/** Checks the options both streams take, and `more`. */
function checkStreamOptions<T extends StreamEngineOptions>(
  where: string,
  options: T,
  more: readonly (keyof T & string)[],
): void {
  checkOptions(where, options, ["engine", "device", "threads", "verify", "env", ...more]);
  checkOneOf(where, "engine", options.engine, ENGINES);
  checkType(where, "device", options.device, "string");
  checkInteger(where, "threads", options.threads, { min: 1, max: MAX_THREADS });
  checkType(where, "verify", options.verify, "boolean");
  if (options.env !== undefined) checkEnv(where, 'option "env"', options.env);
}

/** Checks gzip header fields: each in the range its bytes hold. */
function checkHeader(header: GzipHeader | undefined): void {
  const where = "ZipStream";
  if (header === undefined) return;
  checkType(where, "header", header, "object");
  checkOptions(`${where}: option "header"`, header, [
    "mtime",
    "os",
    "xfl",
    "text",
    "name",
    "comment",
    "extra",
    "hcrc",
  ]);
  checkInteger(where, "header.mtime", header.mtime ?? 0, { min: 0, max: 0xffffffff });
  checkInteger(where, "header.os", header.os ?? 255, { min: 0, max: 255 });
  checkInteger(where, "header.xfl", header.xfl, { min: 0, max: 255 });
  checkType(where, "header.text", header.text, "boolean");
  checkType(where, "header.hcrc", header.hcrc, "boolean");
  for (const key of ["name", "comment"] as const) {
    const v = header[key];
    if (v === undefined) continue;
    // deno-lint-ignore no-control-regex
    if (typeof v !== "string" || /[\u0000\u0100-\uffff]/.test(v)) {
      throw new (typeof v === "string" ? RangeError : TypeError)(
        `${where}: option "header.${key}" must be Latin-1 text without NUL`,
      );
    }
  }
  if (header.extra !== undefined) {
    if (!(header.extra instanceof Uint8Array)) {
      throw new TypeError(`${where}: option "header.extra" must be a Uint8Array`);
    }
    if (header.extra.length > 0xffff) {
      throw new RangeError(`${where}: option "header.extra" must be at most 65535 bytes`);
    }
  }
}

async function* run(
  options: StreamEngineOptions & {
    format?: Format | "auto" | undefined;
    level?: number | undefined;
  },
  direction: "compress" | "decompress",
  done: (report: ZipReport | Error) => void,
  work: (engine: Engine, input: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>,
  input: ReadableStream<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  let bytesIn = 0;
  let bytesOut = 0;
  let ended = false;
  let failure: unknown;
  try {
    const selection = await selectEngine(options.env ?? processEnv(), {
      engine: options.engine ?? "sw",
      device: options.device,
      direction,
      format: options.format ?? (direction === "compress" ? "gzip" : "auto"),
      level: options.level ?? 6,
      verbose: false,
      threads: options.threads,
      verify: options.verify,
    });
    const engine = selection.engine;
    try {
      const counted = async function* () {
        for await (const chunk of input) {
          bytesIn += chunk.length;
          yield chunk;
        }
      };
      // The engine reuses its buffers: each chunk handed on is a copy the reader owns.
      for await (const chunk of work(engine, counted())) {
        bytesOut += chunk.length;
        yield chunk.slice();
      }
      ended = true;
    } finally {
      await engine[Symbol.asyncDispose]();
      if (ended) {
        const fallbacks = new Set<FallbackReason>();
        if (selection.fallback !== undefined) fallbacks.add(selection.fallback);
        for (const f of engine.stats.fallbacks ?? []) fallbacks.add(f);
        const device = (engine as { device?: { name?: unknown } }).device?.name;
        done({
          direction,
          engine: engine.kind,
          device: engine.kind === "hw" && typeof device === "string" ? device : undefined,
          description: engine.description,
          reason: selection.reason,
          fallbacks: [...fallbacks],
          notes: [...engine.stats.notes],
          bytesIn,
          bytesOut,
        });
      }
    }
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    if (!ended) {
      done(
        failure instanceof Error
          ? failure
          : new Error(`The ${direction}ion stream was cancelled before it ended`),
      );
    }
  }
}
