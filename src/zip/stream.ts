/**
 * wd's compressor as Web Streams: {@linkcode ZipStream} and {@linkcode UnzipStream} have the
 * shape of `CompressionStream` (a `readable` and a `writable`), so scripts can `pipeThrough`
 * them, with the level, format and engine as options. Unlike `DecompressionStream`,
 * UnzipStream reads files of many gzip members, and it checks every CRC.
 *
 * @module
 */

import { type Env, processEnv } from "../env.ts";
import type { Engine, Format, GzipHeader } from "./engine.ts";
import { type EngineChoice, selectEngine } from "./select.ts";

/** Options shared by both streams. */
export interface StreamEngineOptions {
  /** `sw` (default), `hw` (the ZIP device; fails without one) or `auto`. */
  engine?: EngineChoice;
  /** A ZIP device for `hw`/`auto`. */
  device?: string;
  /** Compression threads of the software engine (default: the CPUs available). */
  threads?: number;
  /** The environment (default: this process's). */
  env?: Env;
}

/** Options of {@linkcode ZipStream}. */
export interface ZipStreamOptions extends StreamEngineOptions {
  /** Container (default `gzip`). */
  format?: Format;
  /** 1 (fastest) to 9 (best); default 6. */
  level?: number;
  /** gzip header fields (default: no name, mtime 0, OS Unix). */
  header?: GzipHeader;
}

/** Options of {@linkcode UnzipStream}. */
export interface UnzipStreamOptions extends StreamEngineOptions {
  /** Container to accept; `auto` (default) detects gzip and zlib. */
  format?: Format | "auto";
  /** Called with each gzip member's header. */
  onHeader?: (header: GzipHeader) => void;
}

/**
 * A stream pair whose readable side is an engine's output over the writable side's input:
 * the shape of `CompressionStream`, for `pipeThrough`.
 */
export class EngineStream {
  /** Where the engine's output comes out. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Where the engine's input goes in. */
  readonly writable: WritableStream<Uint8Array>;

  /**
   * Connects the two sides through `work`.
   *
   * @param work Runs the engine over the input; started when the output is first read.
   */
  constructor(work: (input: ReadableStream<Uint8Array>) => AsyncIterable<Uint8Array>) {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    this.writable = writable;
    this.readable = ReadableStream.from(work(readable));
  }
}

/**
 * Compresses a byte stream.
 *
 * @example Compress a string and read it back
 * ```ts
 * import { UnzipStream, ZipStream } from "../../mod.ts";
 * const gz = ReadableStream.from([new TextEncoder().encode("hello, hello, hello")])
 *   .pipeThrough(new ZipStream({ level: 9, threads: 1 }));
 * const text = await new Response(gz.pipeThrough(new UnzipStream())).text();
 * console.log(text); // hello, hello, hello
 * ```
 */
export class ZipStream extends EngineStream {
  /**
   * Makes the stream; the engine is chosen when data starts to flow.
   *
   * @param options Format, level, header and engine.
   */
  constructor(options: ZipStreamOptions = {}) {
    super((input) =>
      run(options, "compress", (engine) =>
        engine.compress(input, {
          format: options.format ?? "gzip",
          level: options.level ?? 6,
          ...(options.header ? { header: options.header } : {}),
        }))
    );
  }
}

/**
 * Decompresses a gzip (every member), zlib or raw deflate stream, checking every checksum.
 * Corrupt data errors the stream with a `ZipDataError`; so does trailing garbage, after all
 * the data before it.
 *
 * @example Decompress a file to stdout
 * ```ts ignore
 * import { UnzipStream } from "../../mod.ts";
 * using f = await Deno.open("notes.txt.gz");
 * await f.readable.pipeThrough(new UnzipStream()).pipeTo(Deno.stdout.writable);
 * ```
 */
export class UnzipStream extends EngineStream {
  /**
   * Makes the stream; the engine is chosen when data starts to flow.
   *
   * @param options Format, header callback and engine.
   */
  constructor(options: UnzipStreamOptions = {}) {
    super((input) =>
      run(options, "decompress", (engine) =>
        engine.decompress(input, {
          format: options.format ?? "auto",
          ...(options.onHeader ? { onHeader: options.onHeader } : {}),
        }))
    );
  }
}

async function* run(
  options: StreamEngineOptions & { format?: Format | "auto"; level?: number },
  direction: "compress" | "decompress",
  work: (engine: Engine) => AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  const { engine } = await selectEngine(options.env ?? processEnv(), {
    engine: options.engine ?? "sw",
    device: options.device,
    direction,
    format: options.format ?? (direction === "compress" ? "gzip" : "auto"),
    level: options.level ?? 6,
    verbose: false,
    threads: options.threads,
  });
  await using _ = engine;
  // The engine reuses its buffers: each chunk handed on is a copy the reader owns.
  for await (const chunk of work(engine)) yield chunk.slice();
}
