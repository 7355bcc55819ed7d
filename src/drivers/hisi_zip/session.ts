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
import { WdError } from "../../errors.ts";
import type { UacceDevice } from "../uacce/device.ts";
import { QC_COMPRESS, QC_DECOMPRESS } from "../uacce/queue.ts";
import { crcFromHw } from "./checksum.ts";
import { DmaBuffer, DmaPool } from "./dma.ts";
import { CTX_DECOMPING_NO_SPACE, type SqeResult, STATUS, type ZipAlg } from "./sqe.ts";
import { type Keep, ZipQueue, type ZipQueue as ZipQueueT, type ZipRequest } from "./zip_queue.ts";

/** Largest input of one request (`HZ_MAX_SIZE`, hisi_zip_protocol.md §3.4). */
export const MAX_REQUEST = 8 << 20;
/** Smallest output capacity the hardware accepts for stateful requests (`SW_STOREBUF_TH`). */
export const MIN_OUTPUT = 200;
/** Context buffer bytes (`HW_CTX_SIZE`); the device gets its address + 64 (`RSV_OFFSET`). */
export const CTX_SIZE = 0x10000;
/** Offset of the device's part of the context buffer. */
export const CTX_DEVICE_OFFSET = 64;

/** A device status that is neither success nor "give me more room". */
export class DeviceStatusError extends WdError {
  /** The status code. */
  readonly status: number;

  /**
   * Makes the error.
   *
   * @param device The device name.
   * @param status The status code.
   */
  constructor(device: string, status: number) {
    super(
      status === STATUS.CRC_ERROR
        ? `The ZIP engine of "${device}" found a checksum mismatch (status 0x10)`
        : `The ZIP engine of "${device}" reported status 0x${status.toString(16).padStart(2, "0")}`,
      { hint: "the data may be corrupt; wd unzip --engine sw gives the software decoder's view" },
    );
    this.name = "DeviceStatusError";
    this.status = status;
  }
}

/** Options of {@linkcode ZipSession.open}. */
export interface ZipSessionOptions {
  /** compress or decompress (a queue does only one). */
  direction: "compress" | "decompress";
  /** The algorithm. */
  alg: ZipAlg;
  /** Requests in flight at most (buffer pairs). */
  inFlight?: number;
  /** Input bytes per block (≤ 8 MiB). */
  blockSize?: number;
  /** Completion timeout in ms. */
  timeoutMs?: number;
}

/** What a whole-stream request returns. */
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

/** Worst-case deflate output for `n` input bytes, with room for the trailer and a header. */
export function outputBound(n: number): number {
  return n + (n >>> 3) + 1024;
}

/** One queue, its buffers, and the two modes. */
export class ZipSession implements Disposable {
  /** The queue. */
  readonly queue: ZipQueueT;
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
    queue: ZipQueueT,
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
   * @param device The device.
   * @param options Direction, algorithm, depth.
   * @returns The session.
   */
  static open(env: Env, device: UacceDevice, options: ZipSessionOptions): ZipSession {
    const blockSize = Math.min(options.blockSize ?? 512 << 10, MAX_REQUEST);
    const queue = ZipQueue.open(env, device, {
      qcType: options.direction === "compress" ? QC_COMPRESS : QC_DECOMPRESS,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    return new ZipSession(env, queue, options.alg, blockSize, options.inFlight ?? 16, true);
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
    queue: ZipQueueT,
    options: Omit<ZipSessionOptions, "direction" | "timeoutMs">,
  ): ZipSession {
    const blockSize = Math.min(options.blockSize ?? 512 << 10, MAX_REQUEST);
    return new ZipSession(env, queue, options.alg, blockSize, options.inFlight ?? 16, false);
  }

  /** The device name. */
  get device(): string {
    return this.queue.queue.device.name;
  }

  /**
   * Compresses one block as a whole stream (stateless): prefix + deflate + trailer.
   *
   * @param input At most {@linkcode ZipSession.blockSize} bytes.
   * @param prefix Bytes to put in front (a header), if any.
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
          dst = this.#bigger(dst, prefix.length + 2 * (dst.size - prefix.length));
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
    await this.#acquire();
    const src = input.length <= this.blockSize
      ? this.#in.take()
      : new DmaBuffer(this.#env, input.length, "large input");
    // Pooled, pre-faulted output when the result fits (hisi_zip_protocol.md §6.5: faults cost 3×).
    const want = Math.max(MIN_OUTPUT, expected ?? 4 * input.length);
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
          dst = this.#bigger(dst, dst.size * 2);
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
   * A stateful compression stream on this queue.
   *
   * @returns The stream; call `write` for each chunk and `finish` at the end.
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

  /** @internal Runs a request. */
  async run(req: ZipRequest, keep: Keep): Promise<SqeResult> {
    return await this.#run(req, keep);
  }

  /** @internal The request skeleton. */
  base(last: boolean, stateful: boolean, newStream: boolean): ZipRequest {
    return this.#base(last, stateful, newStream);
  }

  /** @internal Throws unless the status is one of `ok`. */
  check(r: SqeResult, ...ok: number[]): void {
    this.#check(r, ...ok);
  }

  /** @internal Converts dw31 to the container's checksum. */
  standardChecksum(hw: number): number {
    return this.#standardChecksum(hw);
  }

  /** @internal The environment. */
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
    return {
      alg: this.alg,
      last,
      stateful,
      newStream,
      window: 4, // 32 KiB; decompression ignores it (hisi_zip_protocol.md §3.9)
      inputLength: 0,
      destAvail: 0,
      src: 0,
      dst: 0,
      ctx: 0,
      ctxDw0: 0,
      ctxDw1: 0,
      ctxDw2: 0,
      isize: 0,
      checksum: 0,
    };
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

const EMPTY = new Uint8Array(0);

/**
 * A stateful compression stream: one request at a time; the device keeps the history in the
 * context buffer, non-final requests end byte-aligned, the last one writes the trailer.
 */
export class CompressStream implements Disposable {
  readonly #s: ZipSession;
  readonly #ctx: DmaBuffer;
  readonly #src: DmaBuffer;
  readonly #dst: DmaBuffer;
  #started = false;
  #checksum = 0;
  #isize = 0;
  #consumed = 0;

  /**
   * Starts a stream; its context buffer is zero-filled, as a new stream needs.
   *
   * @param session The session whose queue runs the stream.
   */
  constructor(session: ZipSession) {
    this.#s = session;
    this.#ctx = new DmaBuffer(session.env, CTX_SIZE, "stream context"); // zero-filled by mmap
    this.#src = new DmaBuffer(session.env, session.blockSize, "stream input");
    this.#dst = new DmaBuffer(session.env, outputBound(session.blockSize), "stream output");
  }

  /** Input bytes compressed so far. */
  get consumed(): number {
    return this.#consumed;
  }

  /** The running checksum of the input, in the container's form (CRC-32 0 or Adler-32 1 before any input). */
  get checksum(): number {
    if (!this.#started) return this.#s.alg === "zlib" ? 1 : 0;
    return this.#s.standardChecksum(this.#checksum);
  }

  /**
   * Compresses a chunk. Non-final output ends byte-aligned, so a stream can be continued by
   * another compressor (a software one) from here.
   *
   * @param input The chunk.
   * @param last Whether it ends the stream (the device then writes the trailer).
   * @param prefix Bytes to put before the first output (a header).
   * @returns The compressed bytes.
   */
  async write(input: Uint8Array, last: boolean, prefix: Uint8Array = EMPTY): Promise<Uint8Array[]> {
    const out: Uint8Array[] = prefix.length > 0 ? [prefix.slice()] : [];
    // 1.125× rule: the output must hold (in × 9 + 7) >> 3 (UADK `fill_buf_deflate_generic()`).
    const maxIn = Math.min(this.#src.size, (((this.#dst.size << 3) / 9) & ~3) >>> 0);
    let off = 0;
    do {
      const n = Math.min(maxIn, input.length - off);
      const final = last && off + n === input.length;
      if (n === 0 && final) {
        out.push(...this.#emptyFinal());
        break;
      }
      this.#src.bytes.set(input.subarray(off, off + n));
      const r = await this.#s.run({
        ...this.#s.base(final, true, !this.#started),
        inputLength: n,
        src: this.#src.address,
        dst: this.#dst.address,
        destAvail: this.#dst.size,
        ctx: this.#ctx.address + CTX_DEVICE_OFFSET,
        checksum: this.#checksum,
        isize: this.#isize,
      }, [this.#src, this.#dst, this.#ctx]);
      this.#s.check(r, STATUS.OK, STATUS.NEGATIVE_COMPRESSION);
      this.#started = true;
      this.#checksum = r.checksum;
      this.#isize = r.isize;
      this.#consumed += r.consumed;
      off += r.consumed;
      out.push(this.#dst.bytes.slice(0, r.produced));
      if (r.consumed === 0 && n > 0) throw new DeviceStatusError(this.#s.device, r.status);
    } while (off < input.length);
    return out;
  }

  /**
   * The end of a stream whose last chunk is empty: UADK does not send it to the device but
   * writes the empty final stored block and the trailer itself (`append_store_block()`).
   */
  #emptyFinal(): Uint8Array[] {
    const block = new Uint8Array([0x01, 0x00, 0x00, 0xff, 0xff]);
    const alg = this.#s.alg;
    if (alg === "deflate") return [block];
    const t = new Uint8Array(alg === "gzip" ? 8 : 4);
    const v = new DataView(t.buffer);
    if (alg === "gzip") {
      v.setUint32(0, this.checksum, true);
      v.setUint32(4, this.#isize, true);
    } else v.setUint32(0, this.checksum, false);
    return [block, t];
  }

  /** Frees the stream's buffers. */
  close(): void {
    this.#ctx.free();
    this.#src.free();
    this.#dst.free();
  }

  /** Same as {@linkcode CompressStream.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/** What one decompression step did. */
export interface InflateResult {
  /** Output, in order. */
  output: Uint8Array[];
  /**
   * Input consumed. After the end of a stream it may or may not include the trailer
   * (the device reads it when it is within the input; hisi_zip_protocol.md open question 2):
   * callers locate the trailer by checking it, not by trusting this count.
   */
  consumed: number;
  /** Whether the end of the stream was reached. */
  ended: boolean;
}

/** A stateful decompression stream. */
export class DecompressStream implements Disposable {
  readonly #s: ZipSession;
  readonly #ctx: DmaBuffer;
  readonly #src: DmaBuffer;
  readonly #dst: DmaBuffer;
  #started = false;
  #checksum = 0;
  #isize = 0;
  #ctxDw0 = 0;
  #ctxDw1 = 0;
  #ctxDw2 = 0;

  /**
   * Starts a stream.
   *
   * @param session The session whose queue runs the stream.
   */
  constructor(session: ZipSession) {
    this.#s = session;
    this.#ctx = new DmaBuffer(session.env, CTX_SIZE, "stream context");
    this.#src = new DmaBuffer(session.env, session.blockSize, "stream input");
    this.#dst = new DmaBuffer(
      session.env,
      Math.max(MIN_OUTPUT, 2 * session.blockSize),
      "stream output",
    );
  }

  /** The running checksum of the output, in the container's form. */
  get checksum(): number {
    return this.#s.standardChecksum(this.#checksum);
  }

  /** Output bytes so far, mod 2^32. */
  get isize(): number {
    return this.#isize;
  }

  /**
   * Feeds compressed input; inflates what it can.
   *
   * @param input Compressed bytes (at most the session's block size is taken).
   * @returns Output, input consumed, and whether the stream ended.
   */
  async write(input: Uint8Array): Promise<InflateResult> {
    const n = Math.min(input.length, this.#src.size);
    this.#src.bytes.set(input.subarray(0, n));
    const output: Uint8Array[] = [];
    let off = 0;
    for (;;) {
      const left = n - off;
      const r = await this.#s.run({
        ...this.#s.base(false, true, !this.#started),
        inputLength: left,
        // A zero-length request still needs a valid source address (UADK `zip_mem_map()`).
        src: this.#src.address + (left > 0 ? off : 0),
        dst: this.#dst.address,
        destAvail: this.#dst.size,
        ctx: this.#ctx.address + CTX_DEVICE_OFFSET,
        ctxDw0: this.#ctxDw0,
        ctxDw1: this.#ctxDw1,
        ctxDw2: this.#ctxDw2,
        checksum: this.#checksum,
        isize: this.#isize,
      }, [this.#src, this.#dst, this.#ctx]);
      this.#s.check(r, STATUS.OK, STATUS.DECOMP_END);
      this.#started = true;
      this.#checksum = r.checksum;
      this.#isize = r.isize;
      this.#ctxDw0 = r.ctxDw0;
      this.#ctxDw1 = r.ctxDw1;
      this.#ctxDw2 = r.ctxDw2;
      if (r.produced > 0) output.push(this.#dst.bytes.slice(0, r.produced));
      off += r.consumed;
      if (r.status === STATUS.DECOMP_END) return { output, consumed: off, ended: true };
      // The output filled up (ctx_st NO_SPACE): more is pending; ask again, with no new input if
      // all was taken ("resend null size req", UADK drv/hisi_comp.c).
      const full = r.produced === this.#dst.size || (r.ctxDw0 & 0xf) === CTX_DECOMPING_NO_SPACE;
      if (!full || (r.produced === 0 && r.consumed === 0)) {
        return { output, consumed: off, ended: false };
      }
    }
  }

  /** Frees the stream's buffers. */
  close(): void {
    this.#ctx.free();
    this.#src.free();
    this.#dst.free();
  }

  /** Same as {@linkcode DecompressStream.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
