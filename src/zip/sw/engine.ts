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
import { BufferPool } from "./buffers.ts";
import { loadCodec } from "./deflate_block.ts";
import { decompressStream } from "./inflate.ts";
import { blocksOf, lastBytes } from "./input.ts";
import { type DeflatePlan, deflatePlan, planText } from "./plan.ts";
import { type BlockResult, DeflatePool } from "./pool.ts";

/** Input block size: large enough that messages cost nothing, small enough to stay in cache. */
export const BLOCK_SIZE = 1 << 20;
/** The deflate window: how much preceding input primes each block. */
export const WINDOW = 32 * 1024;

/** Options of {@linkcode SoftwareEngine}. */
export interface SoftwareEngineOptions {
  /** Worker threads for compression (default 1). */
  workers?: number;
  /** Input block size (default {@linkcode BLOCK_SIZE}). */
  blockSize?: number;
  /** Use ISA-L (`libisal.so.2`) where it is the better codec. */
  isal?: boolean;
  /** Makes the raw inflater (default: the codec's). */
  newInflater?: () => RawInflater;
}

/** The software engine. */
export class SoftwareEngine implements Engine {
  /** Always `sw`. */
  readonly kind = "sw" as const;
  /** Counters of the last operation. */
  readonly stats: EngineStats = { bytesIn: 0, bytesOut: 0, notes: [] };
  readonly #pool: DeflatePool;
  readonly #blockSize: number;
  readonly #isal: boolean;
  readonly #newInflater: (() => RawInflater) | undefined;
  #described = "software";

  /**
   * Makes the engine; worker threads start only when a compression needs them.
   *
   * @param options Workers, block size, codecs.
   */
  constructor(options: SoftwareEngineOptions = {}) {
    this.#pool = new DeflatePool(options.workers ?? 1);
    this.#blockSize = options.blockSize ?? BLOCK_SIZE;
    this.#isal = options.isal ?? false;
    this.#newInflater = options.newInflater;
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
    return deflatePlan(level, this.#isal);
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
    this.#reset(`software: ${planText(plan)}, ${this.#pool.size} worker(s)`);
    const sum = new Checksum(options.format, crc32Unused);
    const head = containerHeader(options);
    this.stats.bytesOut += head.length;
    yield head;
    const blocks = new BlockSubmitter(this.#pool, plan, options.format, this.#blockSize);
    const inFlight = this.#pool.size * 2;
    let held: Uint8Array | undefined;
    for await (const block of blocksOf(input, blocks.inputs, options.signal)) {
      if (held) blocks.submit(held, false);
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
    const codec = await loadCodec(this.#isal ? "isal" : "zng");
    using inflater = this.#newInflater?.() ?? codec.inflater();
    this.#reset(`software: ${this.#isal ? "ISA-L" : "zlib-ng (node:zlib)"} inflate`);
    yield* decompressStream(input, options, { inflater, crc32: codec.crc32, stats: this.stats });
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
 * has written it). A stream that is a single block is compressed on this thread: starting
 * workers would cost more than it saves.
 */
class BlockSubmitter {
  readonly inputs: BufferPool;
  readonly #outputs: BufferPool;
  readonly #pool: DeflatePool;
  readonly #plan: DeflatePlan;
  readonly #format: Format;
  #queue: Promise<BlockResult>[] = [];
  #window: Uint8Array = new Uint8Array(0);
  #submitted = 0;
  #lastOut: Uint8Array | undefined;

  constructor(pool: DeflatePool, plan: DeflatePlan, format: Format, blockSize: number) {
    this.#pool = pool;
    this.#plan = plan;
    this.#format = format;
    this.inputs = new BufferPool(blockSize);
    this.#outputs = new BufferPool(deflateBound(blockSize));
  }

  get queued(): number {
    return this.#queue.length;
  }

  submit(data: Uint8Array, last: boolean): void {
    const job: BlockJob = { data, level: this.#plan.level, last };
    if (this.#window.length > 0) job.dictionary = this.#window;
    this.#window = lastBytes(this.#window, data, WINDOW); // before the pool detaches `data`
    const out = this.#outputs.take();
    const p = last && this.#submitted === 0
      ? this.#inline(job, out)
      : this.#pool.run(job, { codec: this.#plan.codec, format: this.#format, out });
    p.catch(() => {}); // awaited in order by next(); never an unhandled rejection meanwhile
    this.#queue.push(p);
    this.#submitted++;
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

  async #inline(job: BlockJob, out: Uint8Array): Promise<BlockResult> {
    const codec = await loadCodec(this.#plan.codec);
    const check = blockCheck(this.#format, job.data, codec.crc32);
    return { data: job.data, out: codec.deflate(job, out), check, length: job.data.length };
  }
}

/** Compression only combines block checksums computed by the codec: no CRC runs here. */
function crc32Unused(): number {
  throw new Error("Compression combines block checksums; it never computes a CRC itself");
}
