/**
 * The stateful mode of the ZIP engine: one request at a time, the stream carried in a 64 KiB
 * context buffer between requests (docs/hisi_zip_sqe.md §8; UADK `wd_do_comp_strm()`).
 *
 * @module
 */

import { DmaBuffer } from "./dma.ts";
import {
  CTX_DEVICE_OFFSET,
  CTX_SIZE,
  DeviceStatusError,
  MAX_OUTPUT,
  MIN_OUTPUT,
  outputBound,
} from "./limits.ts";
import { CTX_DECOMPING_NO_SPACE, STATUS } from "./sqe.ts";
import type { Env } from "../../env.ts";
import type { SqeResult, ZipAlg } from "./sqe.ts";
import type { Keep, ZipRequest } from "./zip_queue.ts";

const EMPTY = new Uint8Array(0);

/**
 * What a stream needs of the session that runs it (the `ZipSession` of
 * ./session.ts, which makes the streams: this module does not import it).
 */
export interface StreamSession {
  /** The environment (its syscalls map the stream's buffers). */
  readonly env: Env;
  /** The algorithm. */
  readonly alg: ZipAlg;
  /** Input bytes per request. */
  readonly blockSize: number;
  /** The device's name, for errors. */
  readonly device: string;
  /** Runs a request on the queue. */
  run(req: ZipRequest, keep: Keep): Promise<SqeResult>;
  /** The request skeleton. */
  base(last: boolean, stateful: boolean, newStream: boolean): ZipRequest;
  /** Throws unless the status is one of `ok`. */
  check(r: SqeResult, ...ok: number[]): void;
  /** Converts dw31 to the container's checksum. */
  standardChecksum(hw: number): number;
}

/** What both stream directions hold: the session, a context buffer, an input and an output buffer. */
export abstract class StatefulStream implements Disposable {
  /** The session whose queue runs the stream. */
  protected readonly session: StreamSession;
  /** The 64 KiB context buffer, zero-filled by mmap as a new stream needs it. */
  protected readonly ctx: DmaBuffer;
  /** Input staging. */
  protected readonly src: DmaBuffer;
  /** Output. */
  protected readonly dst: DmaBuffer;

  /**
   * Allocates the stream's buffers.
   *
   * @param session The session.
   * @param dstSize Bytes of the output buffer.
   */
  constructor(session: StreamSession, dstSize: number) {
    this.session = session;
    this.ctx = new DmaBuffer(session.env, CTX_SIZE, "stream context");
    this.src = new DmaBuffer(session.env, session.blockSize, "stream input");
    this.dst = new DmaBuffer(session.env, dstSize, "stream output");
  }

  /** Frees the stream's buffers (held ones once their queue is released). */
  close(): void {
    this.ctx.free();
    this.src.free();
    this.dst.free();
  }

  /** Same as `close`. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * A stateful compression stream: one request at a time; the device keeps the history in the
 * context buffer, non-final requests end byte-aligned, the last one writes the trailer.
 */
export class CompressStream extends StatefulStream {
  #started = false;
  #checksum = 0;
  #isize = 0;
  #consumed = 0;

  /**
   * Starts a stream; its context buffer is zero-filled, as a new stream needs.
   *
   * @param session The session whose queue runs the stream.
   */
  constructor(session: StreamSession) {
    super(session, outputBound(session.blockSize));
  }

  /** Input bytes compressed so far. */
  get consumed(): number {
    return this.#consumed;
  }

  /** The running checksum of the input, in the container's form (CRC-32 0 or Adler-32 1 before any input). */
  get checksum(): number {
    if (!this.#started) return this.session.alg === "zlib" ? 1 : 0;
    return this.session.standardChecksum(this.#checksum);
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
    const maxIn = Math.min(this.src.size, (((this.dst.size << 3) / 9) & ~3) >>> 0);
    let off = 0;
    do {
      const n = Math.min(maxIn, input.length - off);
      const final = last && off + n === input.length;
      if (n === 0 && final) {
        out.push(...this.#emptyFinal());
        break;
      }
      this.src.bytes.set(input.subarray(off, off + n));
      const r = await this.session.run({
        ...this.session.base(final, true, !this.#started),
        inputLength: n,
        src: this.src.address,
        dst: this.dst.address,
        destAvail: this.dst.size,
        ctx: this.ctx.address + CTX_DEVICE_OFFSET,
        checksum: this.#checksum,
        isize: this.#isize,
      }, [this.src, this.dst, this.ctx]);
      this.session.check(r, STATUS.OK, STATUS.NEGATIVE_COMPRESSION);
      this.#started = true;
      this.#checksum = r.checksum;
      this.#isize = r.isize;
      this.#consumed += r.consumed;
      off += r.consumed;
      out.push(this.dst.bytes.slice(0, r.produced));
      if (r.consumed === 0 && n > 0) throw new DeviceStatusError(this.session.device, r.status);
    } while (off < input.length);
    return out;
  }

  /**
   * The end of a stream whose last chunk is empty: UADK does not send it to the device but
   * writes the empty final stored block and the trailer itself (`append_store_block()`).
   */
  #emptyFinal(): Uint8Array[] {
    const block = new Uint8Array([0x01, 0x00, 0x00, 0xff, 0xff]);
    const alg = this.session.alg;
    if (alg === "deflate") return [block];
    const t = new Uint8Array(alg === "gzip" ? 8 : 4);
    const v = new DataView(t.buffer);
    if (alg === "gzip") {
      v.setUint32(0, this.checksum, true);
      v.setUint32(4, this.#isize, true);
    } else v.setUint32(0, this.checksum, false);
    return [block, t];
  }
}

/** What one decompression step did. */
export interface InflateResult {
  /** Output, in order. */
  output: Uint8Array[];
  /**
   * Input consumed. After the end of a stream it may or may not include the trailer
   * (the device reads it when it is within the input; docs/hisi_zip_assumptions.md §2.12):
   * callers locate the trailer by checking it, not by trusting this count.
   */
  consumed: number;
  /** Whether the end of the stream was reached. */
  ended: boolean;
}

/** A stateful decompression stream. */
export class DecompressStream extends StatefulStream {
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
  constructor(session: StreamSession) {
    super(session, Math.min(MAX_OUTPUT, Math.max(MIN_OUTPUT, 2 * session.blockSize)));
  }

  /** The running checksum of the output, in the container's form. */
  get checksum(): number {
    return this.session.standardChecksum(this.#checksum);
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
    const n = Math.min(input.length, this.src.size);
    this.src.bytes.set(input.subarray(0, n));
    const output: Uint8Array[] = [];
    let off = 0;
    for (;;) {
      const left = n - off;
      const r = await this.session.run({
        ...this.session.base(false, true, !this.#started),
        inputLength: left,
        // A zero-length request still needs a valid source address (UADK `zip_mem_map()`).
        src: this.src.address + (left > 0 ? off : 0),
        dst: this.dst.address,
        destAvail: this.dst.size,
        ctx: this.ctx.address + CTX_DEVICE_OFFSET,
        ctxDw0: this.#ctxDw0,
        ctxDw1: this.#ctxDw1,
        ctxDw2: this.#ctxDw2,
        checksum: this.#checksum,
        isize: this.#isize,
      }, [this.src, this.dst, this.ctx]);
      this.session.check(r, STATUS.OK, STATUS.DECOMP_END);
      this.#started = true;
      this.#checksum = r.checksum;
      this.#isize = r.isize;
      this.#ctxDw0 = r.ctxDw0;
      this.#ctxDw1 = r.ctxDw1;
      this.#ctxDw2 = r.ctxDw2;
      if (r.produced > 0) output.push(this.dst.bytes.slice(0, r.produced));
      off += r.consumed;
      if (r.status === STATUS.DECOMP_END) return { output, consumed: off, ended: true };
      // The output filled up (ctx_st NO_SPACE): more is pending; ask again, with no new input if
      // all was taken ("resend null size req", UADK drv/hisi_comp.c).
      const full = r.produced === this.dst.size || (r.ctxDw0 & 0xf) === CTX_DECOMPING_NO_SPACE;
      if (!full || (r.produced === 0 && r.consumed === 0)) {
        return { output, consumed: off, ended: false };
      }
    }
  }
}
