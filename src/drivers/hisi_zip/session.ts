/**
 * Compression and decompression on one ZIP queue, in the two modes of the engine:
 * stateless blocks (each request a whole stream, many in flight) and stateful streams (one
 * request at a time, the stream carried in a 64 KiB context buffer between requests).
 *
 * The driver is format-agnostic above the algorithm: a caller that needs a gzip or zlib header
 * passes it as a prefix, which is written in front of the device's output (as UADK does,
 * drv/hisi_comp.c `fill_buf_deflate_generic()`); the device writes the deflate data and, at
 * the end of a stream, the trailer (docs/zip_device_model.md).
 *
 * @module
 */

import type { Env } from "../../env.ts";
import { UnsupportedError } from "../../errors.ts";
import { checkInteger, checkOneOf, checkOptions } from "../../validate.ts";
import type { UacceDevice } from "../uacce/device.ts";
import { findDevice } from "../uacce/discover.ts";
import { type Direction, DIRECTIONS } from "../uacce/queue.ts";
import { crcFromHw } from "./checksum.ts";
import { DmaBuffer, DmaPool } from "./dma.ts";
import {
  DeviceStatusError,
  grownOutput,
  MAX_OUTPUT,
  MAX_REQUEST,
  MIN_OUTPUT,
  outputBound,
} from "./limits.ts";
import { CompressStream, DecompressStream } from "./streams.ts";
import { ALG_CODE, type SqeResult, STATUS, type ZipAlg } from "./sqe.ts";
import { MAX_TIMEOUT_MS } from "./timeout.ts";
import { type Keep, ZipQueue, type ZipRequest, zipRequest } from "./zip_queue.ts";

const EMPTY = new Uint8Array(0);

/**
 * Options of {@linkcode ZipSession.open}.
 *
 * @example
 * ```ts
 * import { simulatedEnv, ZipSession, type ZipSessionOptions } from "@wd/wd";
 * await using env = simulatedEnv("v3");
 * const options: ZipSessionOptions = { direction: "compress", alg: "deflate", blockSize: 64 << 10 };
 * using s = ZipSession.open(env, "hisi_zip-2", options);
 * console.log(s.alg, s.blockSize); // deflate 65536
 * ```
 */
export interface ZipSessionOptions {
  /** `compress` (the default) or `decompress`: a queue does only one. */
  direction?: Direction | undefined;
  /** The algorithm, one the device lists: `gzip` (the default), `zlib` or `deflate`. */
  alg?: ZipAlg | undefined;
  /** Requests in flight at most (buffer pairs), 1 to 1024; default 16. */
  inFlight?: number | undefined;
  /** Input bytes per block, 1 to 8 MiB ({@linkcode MAX_REQUEST}); default 512 KiB. */
  blockSize?: number | undefined;
  /** Completion timeout in ms (default: `WD_TIMEOUT_MS`, else 5000). */
  timeoutMs?: number | undefined;
}

/** Most requests a session keeps in flight. */
const MAX_IN_FLIGHT = 1024;

/** Checks session options; throws TypeError or RangeError naming the option. */
function checkSessionOptions(
  where: string,
  options: ZipSessionOptions,
  known: readonly (keyof ZipSessionOptions)[],
): void {
  checkOptions(where, options, known);
  checkOneOf(where, "direction", options.direction, DIRECTIONS);
  checkOneOf(where, "alg", options.alg, Object.keys(ALG_CODE));
  checkInteger(where, "inFlight", options.inFlight, { min: 1, max: MAX_IN_FLIGHT });
  checkInteger(where, "blockSize", options.blockSize, { min: 1, max: MAX_REQUEST });
  checkInteger(where, "timeoutMs", options.timeoutMs, { min: 1, max: MAX_TIMEOUT_MS });
}

/** The algorithm, refused when the device does not list it. */
function algFor(device: UacceDevice, alg: ZipAlg | undefined): ZipAlg {
  const want = alg ?? "gzip";
  if (device.algorithms !== null && !device.algorithms.includes(want)) {
    throw new UnsupportedError(
      `Cannot use ${want} on "${device.name}": the device does not list it`,
      {
        hint: `it lists: ${device.algorithms.join(", ") || "nothing"}`,
      },
    );
  }
  return want;
}

/**
 * What a whole-stream request returns.
 *
 * @example
 * ```ts
 * import { type BlockOutput, simulatedEnv, ZipSession } from "@wd/wd";
 * await using env = simulatedEnv();
 * using s = ZipSession.open(env, "hisi_zip-4", { alg: "zlib" });
 * const out: BlockOutput = await s.compressBlock(new TextEncoder().encode("abcabcabc"), new Uint8Array([0x78, 0x9c]));
 * console.log(out.consumed, out.isize, out.checksum.toString(16)); // 9 9 113d0373 (Adler-32)
 * ```
 */
export interface BlockOutput {
  /** prefix + device output, copied out of device memory. */
  bytes: Uint8Array;
  /** Input consumed. */
  consumed: number;
  /** The stream's checksum in the container's form (CRC-32 for gzip, Adler-32 for zlib). */
  checksum: number;
  /** ISIZE. */
  isize: number;
  /** Whether the stream ended (decompression). */
  ended: boolean;
}

/**
 * One queue of a ZIP device, its buffers, and the engine's two modes: whole blocks
 * ({@linkcode ZipSession.compressBlock}, many in flight) and stateful streams.
 *
 * @example Compress a block on the device model and check it in software
 * ```ts
 * import { gunzipSync } from "node:zlib";
 * import { simulatedEnv, ZipSession } from "@wd/wd";
 * await using env = simulatedEnv();
 * using session = ZipSession.open(env, "hisi_zip-4", { direction: "compress", alg: "gzip" });
 * const header = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]); // the device writes no header
 * const text = new TextEncoder().encode("hello, hello, hello, device\n");
 * const out = await session.compressBlock(text, header);
 * console.log(new TextDecoder().decode(gunzipSync(out.bytes))); // hello, hello, hello, device
 * ```
 */
export class ZipSession implements Disposable {
  /** The queue. */
  readonly queue: ZipQueue;
  /** The algorithm. */
  readonly alg: ZipAlg;
  /** Input bytes per block. */
  readonly blockSize: number;
  readonly #env: Env;
  readonly #in: DmaPool;
  readonly #out: DmaPool;
  readonly #slots: number;
  readonly #waiters: (() => void)[] = [];
  readonly #ownsQueue: boolean;
  #busy = 0;

  private constructor(
    env: Env,
    queue: ZipQueue,
    alg: ZipAlg,
    blockSize: number,
    inFlight: number,
    ownsQueue: boolean,
  ) {
    this.#env = env;
    this.#ownsQueue = ownsQueue;
    this.queue = queue;
    this.alg = alg;
    this.blockSize = blockSize;
    this.#slots = inFlight;
    this.#in = new DmaPool(env, blockSize, `${alg} input`);
    this.#out = new DmaPool(env, outputBound(blockSize), `${alg} output`);
  }

  /**
   * Opens a queue on a device for one direction and algorithm.
   *
   * @param env The environment.
   * @param device The device, by name (`hisi_zip-4`) or as discovery read it.
   * @param options Direction, algorithm, depth, block size, timeout.
   * @returns The session; release it (`using`) to give the queue back.
   * @throws NotFoundError, BusyError, PermissionError, UnsupportedError (also for an algorithm
   *   the device does not list) as {@linkcode ZipQueue.open}; TypeError, RangeError for options.
   */
  static open(env: Env, device: UacceDevice | string, options: ZipSessionOptions = {}): ZipSession {
    checkSessionOptions("ZipSession.open", options, [
      "direction",
      "alg",
      "inFlight",
      "blockSize",
      "timeoutMs",
    ]);
    if (typeof device === "string") device = findDevice(env, device);
    const alg = algFor(device, options.alg);
    const queue = ZipQueue.open(env, device, {
      direction: options.direction ?? "compress",
      timeoutMs: options.timeoutMs,
    });
    const blockSize = options.blockSize ?? 512 << 10;
    return new ZipSession(env, queue, alg, blockSize, options.inFlight ?? 16, true);
  }

  /**
   * A session on a queue that is already open (one queue serves every algorithm of its
   * direction). Releasing the session frees its buffers, not the queue.
   *
   * @param env The environment.
   * @param queue The open queue.
   * @param options Algorithm, depth and block size (the direction is the queue's).
   * @returns The session.
   */
  static onQueue(
    env: Env,
    queue: ZipQueue,
    options: Omit<ZipSessionOptions, "direction" | "timeoutMs"> = {},
  ): ZipSession {
    checkSessionOptions("ZipSession.onQueue", options, ["alg", "inFlight", "blockSize"]);
    const alg = algFor(queue.queue.device, options.alg);
    const blockSize = options.blockSize ?? 512 << 10;
    return new ZipSession(env, queue, alg, blockSize, options.inFlight ?? 16, false);
  }

  /** The device name. */
  get device(): string {
    return this.queue.queue.device.name;
  }

  /**
   * Compresses one block as a whole stream (stateless): prefix + deflate + trailer.
   *
   * The device writes the deflate data and, for gzip and zlib, the trailer (CRC-32 and ISIZE;
   * Adler-32), but no header: a gzip or zlib stream needs its header passed as `prefix`
   * (10 bytes `1f 8b 08 00 00 00 00 00 00 03` for gzip, `78 9c` for zlib), which is written in
   * front of the device's output, as UADK does. Without it the bytes are not a gzip file.
   *
   * @param input At most {@linkcode ZipSession.blockSize} bytes.
   * @param prefix Bytes to put in front (the container's header), if any.
   * @returns The output and its checksum.
   * @throws DeviceStatusError, QueueDeadError.
   */
  async compressBlock(input: Uint8Array, prefix: Uint8Array = EMPTY): Promise<BlockOutput> {
    if (input.length > this.blockSize) {
      throw new RangeError(`block of ${input.length} bytes exceeds ${this.blockSize}`);
    }
    await this.#acquire();
    const src = this.#in.take();
    let dst = this.#out.take();
    try {
      src.bytes.set(input);
      for (;;) {
        dst.bytes.set(prefix);
        const r = await this.#run({
          ...this.#base(true, false, true),
          inputLength: input.length,
          src: src.address,
          dst: dst.address + prefix.length,
          destAvail: dst.size - prefix.length,
        }, [src, dst]);
        if (r.status === STATUS.DEST_TOO_SMALL) {
          const size = grownOutput(dst.size);
          if (size === null) throw new DeviceStatusError(this.device, r.status);
          dst = this.#bigger(dst, size);
          continue;
        }
        this.#check(r, STATUS.OK, STATUS.NEGATIVE_COMPRESSION);
        return {
          bytes: dst.bytes.slice(0, prefix.length + r.produced),
          consumed: input.length,
          checksum: this.#standardChecksum(r.checksum),
          isize: r.isize,
          ended: true,
        };
      }
    } finally {
      this.#in.give(src);
      this.#giveOut(dst);
      this.#release();
    }
  }

  /**
   * Decompresses one whole stream (stateless): the deflate data and its trailer.
   *
   * @param input The stream (after any header).
   * @param expected The uncompressed size when known (sizes the output exactly).
   * @returns The output; `consumed` includes the trailer when the device checked it.
   * @throws DeviceStatusError (0x10 checksum, 0x41 corrupt or incomplete), QueueDeadError.
   */
  async decompressBlock(input: Uint8Array, expected?: number): Promise<BlockOutput> {
    if (input.length > MAX_REQUEST) {
      throw new RangeError(`a request takes at most ${MAX_REQUEST} bytes, not ${input.length}`);
    }
    await this.#acquire();
    const src = input.length <= this.blockSize
      ? this.#in.take()
      : new DmaBuffer(this.#env, input.length, "large input");
    // Pooled, pre-faulted output when the result fits (docs/hisi_zip_sqe.md §11: faults cost 3×).
    const want = Math.min(MAX_OUTPUT, Math.max(MIN_OUTPUT, expected ?? 4 * input.length));
    let dst = want <= this.#out.size ? this.#out.take() : new DmaBuffer(this.#env, want, "output");
    try {
      src.bytes.set(input);
      for (;;) {
        const r = await this.#run({
          ...this.#base(true, false, true),
          inputLength: input.length,
          src: src.address,
          dst: dst.address,
          destAvail: dst.size,
        }, [src, dst]);
        if (r.status === STATUS.DEST_TOO_SMALL) {
          // More output than the engine may write for one request (or than the member's
          // header promised): the caller decodes it in software, which judges the data.
          const size = grownOutput(dst.size);
          if (size === null) throw new DeviceStatusError(this.device, r.status);
          dst = this.#bigger(dst, size);
          continue;
        }
        this.#check(r, STATUS.DECOMP_END);
        return {
          bytes: dst.bytes.slice(0, r.produced),
          consumed: r.consumed,
          checksum: this.#standardChecksum(r.checksum),
          isize: r.isize,
          ended: r.lastBlock,
        };
      }
    } finally {
      if (src.size === this.blockSize) this.#in.give(src);
      else src.free();
      this.#giveOut(dst);
      this.#release();
    }
  }

  /**
   * A stateful compression stream on this queue: one request at a time, the history carried
   * in a context buffer, so the output is one deflate stream however the input is cut.
   *
   * @returns The stream; call `write(chunk, last)` for each chunk, `last` true for the final
   *   one (which writes the trailer), and `close()` (or `using`) to free its buffers.
   */
  compressStream(): CompressStream {
    return new CompressStream(this);
  }

  /**
   * A stateful decompression stream on this queue.
   *
   * @returns The stream; call `write` with input until it reports the end.
   */
  decompressStream(): DecompressStream {
    return new DecompressStream(this);
  }

  /** @ignore Runs a request. */
  async run(req: ZipRequest, keep: Keep): Promise<SqeResult> {
    return await this.#run(req, keep);
  }

  /** @ignore The request skeleton. */
  base(last: boolean, stateful: boolean, newStream: boolean): ZipRequest {
    return this.#base(last, stateful, newStream);
  }

  /** @ignore Throws unless the status is one of `ok`. */
  check(r: SqeResult, ...ok: number[]): void {
    this.#check(r, ...ok);
  }

  /** @ignore Converts dw31 to the container's checksum. */
  standardChecksum(hw: number): number {
    return this.#standardChecksum(hw);
  }

  /** @ignore The environment. */
  get env(): Env {
    return this.#env;
  }

  /** Frees every buffer, and releases the queue when the session opened it. */
  release(): void {
    try {
      if (this.#ownsQueue) this.queue.release();
    } finally {
      this.#in.close();
      this.#out.close();
    }
  }

  /** Same as {@linkcode ZipSession.release}. */
  [Symbol.dispose](): void {
    this.release();
  }

  #base(last: boolean, stateful: boolean, newStream: boolean): ZipRequest {
    return zipRequest({ alg: this.alg, last, stateful, newStream });
  }

  async #run(req: ZipRequest, keep: Keep): Promise<SqeResult> {
    return await this.queue.submit(req, keep);
  }

  #check(r: SqeResult, ...ok: number[]): void {
    if (!ok.includes(r.status)) throw new DeviceStatusError(this.device, r.status);
  }

  #standardChecksum(hw: number): number {
    return this.alg === "gzip" ? crcFromHw(hw) : hw >>> 0;
  }

  #bigger(old: DmaBuffer, size: number): DmaBuffer {
    this.#giveOut(old);
    return new DmaBuffer(this.#env, size, "output (grown)");
  }

  #giveOut(b: DmaBuffer): void {
    if (b.size === this.#out.size) this.#out.give(b);
    else b.free();
  }

  async #acquire(): Promise<void> {
    while (this.#busy >= this.#slots) await new Promise<void>((r) => this.#waiters.push(r));
    this.#busy++;
  }

  #release(): void {
    this.#busy--;
    this.#waiters.shift()?.();
  }
}
