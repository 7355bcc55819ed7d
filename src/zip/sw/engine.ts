/**
 * The software engine: compression in parallel blocks on worker threads, joined into one
 * standard stream (pigz's design: each block primed with the 32 KiB before it, ended with a
 * sync flush, checksums combined), and streaming decompression on the calling thread.
 *
 * @module
 */

import type { CompressOptions, DecompressOptions, Engine, EngineStats, Format } from "../engine.ts";
import { blockCheck, Checksum, containerHeader } from "../framing.ts";
import { type BlockJob, deflateBound, type RawInflater } from "./codec.ts";
import { BufferPool, SizedBufferPool } from "./buffers.ts";
import { type Codec, inflateWhole, loadCodec } from "./deflate_block.ts";
import { decompressStream, type MemberOffload } from "./inflate.ts";
import { blocksOf } from "./input.ts";
import { type DeflatePlan, deflatePlan, planText } from "./plan.ts";
import { type BlockResult, DeflatePool } from "./pool.ts";
// Loaded with this module, not on first use: this thread has node:zlib already (../checksum.ts),
// and a dynamic import of even a small module costs ~2.5 ms, one already loaded ~0.1 ms.
// Workers keep loading their codec on first use (./deflate_block.ts).
import "./zng.ts";

/** Input block size: large enough that messages cost nothing, small enough to stay in cache. */
export const BLOCK_SIZE = 1 << 20;
/** The deflate window: how much preceding input primes each block. */
export const WINDOW = 32 * 1024;

/** Options of {@linkcode SoftwareEngine}. */
export interface SoftwareEngineOptions {
  /**
   * Threads that compress (default 1): this one, plus `threads - 1` workers. The calling
   * thread compresses a block whenever the workers already have two each, as pigz's threads
   * do; a worker costs a V8 isolate (about 12 MB), so there is one fewer.
   */
  threads?: number;
  /** Input block size (default {@linkcode BLOCK_SIZE}). */
  blockSize?: number;
  /**
   * Use ISA-L (`libisal.so.2`) where it is the better codec; a function is asked on first
   * need (compression at levels 4-9 never needs to know).
   */
  isal?: boolean | (() => boolean);
  /** Makes the raw inflater (default: the codec's). */
  newInflater?: () => RawInflater;
  /**
   * Output after which gzip members that record their lengths are inflated on workers too
   * (default 32 MiB: before that, starting a worker costs more than it saves).
   */
  offloadAfter?: number;
}

/** The software engine. */
export class SoftwareEngine implements Engine {
  /** Always `sw`. */
  readonly kind = "sw" as const;
  /** Counters of the last operation. */
  readonly stats: EngineStats = { bytesIn: 0, bytesOut: 0, notes: [] };
  readonly #pool: DeflatePool;
  readonly #blockSize: number;
  readonly #isalOption: boolean | (() => boolean);
  #isalKnown: boolean | undefined;
  readonly #newInflater: (() => RawInflater) | undefined;
  readonly #offloadAfter: number | undefined;
  #described = "software";

  /**
   * Makes the engine; worker threads start only when a compression needs them.
   *
   * @param options Workers, block size, codecs.
   */
  constructor(options: SoftwareEngineOptions = {}) {
    this.#pool = new DeflatePool((options.threads ?? 1) - 1);
    this.#blockSize = options.blockSize ?? BLOCK_SIZE;
    this.#isalOption = options.isal ?? false;
    this.#newInflater = options.newInflater;
    this.#offloadAfter = options.offloadAfter;
  }

  /** What runs, for `-v`. */
  get description(): string {
    return this.#described;
  }

  /**
   * The codec and level a wd level uses on this engine.
   *
   * @param level wd's level.
   * @returns The plan.
   */
  plan(level: number): DeflatePlan {
    return deflatePlan(level, () => this.#isal);
  }

  /** Compresses a stream; see {@linkcode Engine.compress}. */
  compress(
    input: AsyncIterable<Uint8Array>,
    options: CompressOptions,
  ): AsyncIterable<Uint8Array> {
    return this.#compress(input, options);
  }

  /** Decompresses a stream; see {@linkcode Engine.decompress}. */
  decompress(
    input: AsyncIterable<Uint8Array>,
    options: DecompressOptions,
  ): AsyncIterable<Uint8Array> {
    return this.#decompress(input, options);
  }

  /** Terminates the worker threads. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#pool[Symbol.asyncDispose]();
  }

  async *#compress(
    input: AsyncIterable<Uint8Array>,
    options: CompressOptions,
  ): AsyncGenerator<Uint8Array> {
    const plan = this.plan(options.level);
    this.#reset(`software: ${planText(plan)}, ${this.#pool.size + 1} thread(s)`);
    const codec = await loadCodec(plan.codec);
    const sum = new Checksum(options.format, crc32Unused);
    const head = containerHeader(options);
    this.stats.bytesOut += head.length;
    yield head;
    const blocks = new BlockSubmitter(
      this.#pool,
      { plan, codec, format: options.format },
      this.#blockSize,
    );
    // Two blocks per worker, and room for this thread to run three blocks ahead of the oldest
    // one: with two, it waited for a worker's block to write the output in order when it
    // could have compressed the next (15-50 ms of a 70 MiB run); four gains nothing more and
    // costs 2 MB of buffers (peak RSS on 1 GB is 91-93 MB with two, 93-95 with three).
    const inFlight = this.#pool.size * 2 + 3;
    let held: Uint8Array | undefined;
    const reading = { headroom: WINDOW, signal: options.signal };
    for await (const block of blocksOf(input, blocks.inputs, reading)) {
      if (held) blocks.submit(held, false);
      else if (block.length === this.#blockSize) this.#pool.warm(plan.codec); // more may come
      held = block;
      while (blocks.queued >= inFlight) yield blocks.emit(await blocks.next(), sum, this.stats);
    }
    blocks.submit(held ?? new Uint8Array(0), true);
    while (blocks.queued > 0) yield blocks.emit(await blocks.next(), sum, this.stats);
    options.signal?.throwIfAborted();
    const tail = sum.trailer();
    this.stats.bytesOut += tail.length;
    if (tail.length > 0) yield tail;
  }

  async *#decompress(
    input: AsyncIterable<Uint8Array>,
    options: DecompressOptions,
  ): AsyncGenerator<Uint8Array> {
    const name = this.#isal ? "isal" : "zng";
    const codec = await loadCodec(name);
    using inflater = this.#newInflater?.() ?? codec.inflater();
    this.#reset(`software: ${this.#isal ? "ISA-L" : "zlib-ng (node:zlib)"} inflate`);
    const pool = this.#pool;
    const buffers = new SizedBufferPool();
    const offload: MemberOffload | undefined = pool.size === 0 ? undefined : {
      window: pool.size * 2 + 2,
      after: this.#offloadAfter,
      buffers,
      decode(data, size) {
        const out = buffers.take(size + 1);
        pool.warm(name);
        if (pool.ready > 0 && pool.inFlight < pool.ready * 2) {
          return pool.inflate(data, { size, codec: name, out });
        }
        // The workers are busy or still starting: this thread inflates the member itself.
        const bytes = inflateWhole(codec, data, size, out);
        return Promise.resolve({ out: bytes, crc: codec.crc32(bytes, 0), data });
      },
    };

    yield* decompressStream(input, options, {
      inflater,
      crc32: codec.crc32,
      stats: this.stats,
      offload,
    });
  }

  /** Whether ISA-L is used (asked once). */
  get #isal(): boolean {
    const o = this.#isalOption;
    return this.#isalKnown ??= typeof o === "function" ? o() : o;
  }

  #reset(description: string): void {
    this.#described = description;
    this.stats.bytesIn = 0;
    this.stats.bytesOut = 0;
    this.stats.notes = [];
  }
}

/**
 * Hands blocks to the pool in order, each primed with the input before it, and takes the
 * results back in order. Block and output buffers circulate: a result's input buffer is free
 * as soon as it is back, its output buffer once the next result is taken (by then the caller
 * has written it). This thread compresses too: whenever the ready workers have two blocks
 * each, while the workers are still starting, and when the stream is a single block.
 */
class BlockSubmitter {
  readonly inputs: BufferPool;
  readonly #outputs: BufferPool;
  readonly #pool: DeflatePool;
  readonly #plan: DeflatePlan;
  readonly #codec: Codec;
  readonly #format: Format;
  #queue: Promise<BlockResult>[] = [];
  /** The last {@linkcode WINDOW} bytes of input so far (the next block's dictionary). */
  #window = new Uint8Array(WINDOW);
  #windowLength = 0;
  #submitted = 0;
  #lastOut: Uint8Array | undefined;

  constructor(
    pool: DeflatePool,
    using: { plan: DeflatePlan; codec: Codec; format: Format },
    blockSize: number,
  ) {
    this.#pool = pool;
    this.#plan = using.plan;
    this.#codec = using.codec;
    this.#format = using.format;
    this.inputs = new BufferPool(WINDOW + blockSize);
    this.#outputs = new BufferPool(deflateBound(blockSize));
  }

  get queued(): number {
    return this.#queue.length;
  }

  /**
   * Queues a block: `data` is a view from {@linkcode WINDOW} on of a pool buffer (or empty);
   * the window goes in front of it in the same buffer, so one transfer carries both and no
   * copy is left behind as garbage.
   */
  submit(data: Uint8Array, last: boolean): void {
    const levels = this.#plan.levels;
    const job: BlockJob = { data, level: levels[this.#submitted % levels.length]!, last };
    if (this.#windowLength > 0) {
      const start = data.byteOffset - this.#windowLength;
      const dict = new Uint8Array(data.buffer, start, this.#windowLength);
      dict.set(this.#window.subarray(WINDOW - this.#windowLength));
      job.dictionary = dict;
    }
    this.#slideWindow(data); // before the pool detaches `data`
    const out = this.#outputs.take();
    const pool = this.#pool;
    const here = (last && this.#submitted === 0) || pool.ready === 0 ||
      pool.inFlight >= pool.ready * 2;
    const p = here
      ? Promise.resolve(this.#inline(job, out))
      : this.#pool.run(job, { codec: this.#plan.codec, format: this.#format, out });
    p.catch(() => {}); // awaited in order by next(); never an unhandled rejection meanwhile
    this.#queue.push(p);
    this.#submitted++;
  }

  #slideWindow(data: Uint8Array): void {
    const w = this.#window;
    if (data.length >= WINDOW) {
      w.set(data.subarray(data.length - WINDOW));
      this.#windowLength = WINDOW;
      return;
    }
    w.copyWithin(0, data.length); // keep the newest bytes at the end
    w.set(data, WINDOW - data.length);
    this.#windowLength = Math.min(WINDOW, this.#windowLength + data.length);
  }

  next(): Promise<BlockResult> {
    return this.#queue.shift()!;
  }

  emit(r: BlockResult, sum: Checksum, stats: EngineStats): Uint8Array {
    this.inputs.give(r.data);
    this.#outputs.give(this.#lastOut);
    this.#lastOut = r.out;
    sum.combine(r.check, r.length);
    stats.bytesIn = sum.length;
    stats.bytesOut += r.out.length;
    return r.out;
  }

  /** Compresses a block on this thread, now (synchronously: the workers go on meanwhile). */
  #inline(job: BlockJob, out: Uint8Array): BlockResult {
    const check = blockCheck(this.#format, job.data, this.#codec.crc32);
    return { data: job.data, out: this.#codec.deflate(job, out), check, length: job.data.length };
  }
}

/** Compression only combines block checksums computed by the codec: no CRC runs here. */
function crc32Unused(): number {
  throw new Error("Compression combines block checksums; it never computes a CRC itself");
}
