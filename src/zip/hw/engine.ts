/**
 * The hardware engine: wd zip/unzip on a HiSilicon ZIP device through one uacce queue, with
 * software taking over without a lost or repeated byte when the device fails.
 *
 * @module
 */

import type { Env } from "../../env.ts";
import type { UacceDevice } from "../../drivers/uacce/device.ts";
import { ZipQueue } from "../../drivers/hisi_zip/zip_queue.ts";
import type {
  BlockDeflater,
  CompressOptions,
  DecompressOptions,
  Engine,
  EngineStats,
} from "../engine.ts";
import { compressMembers, compressStream } from "./compress.ts";
import type { HwContext } from "./context.ts";
import { decompressOnDevice } from "./decompress.ts";

/** Options of {@linkcode HardwareEngine.open}. */
export interface HardwareEngineOptions {
  /** What the queue will do (a queue does one direction). */
  direction: "compress" | "decompress";
  /**
   * Check the device's results in software before they are handed on (see
   * {@linkcode HwContext.verify}). Default: true for compression (a device result is never
   * trusted where the input is at stake; `--no-verify` turns it off), false for decompression
   * (every member's trailer is checked in software anyway; `--verify` adds a full software
   * decode).
   */
  verify?: boolean;
  /** The user asked for the device (`--engine hw`), see {@linkcode HwContext.required}. */
  required?: boolean;
  /** Input bytes per request (default 512 KiB; at most 8 MiB). */
  blockSize?: number;
  /** Requests in flight (default 16). */
  inFlight?: number;
  /** Completion timeout in ms (default: `WD_TIMEOUT_MS`, else 5000). */
  timeoutMs?: number;
  /** Software block compression, for a stream the device gives up on. */
  software: BlockDeflater;
  /** Makes the software engine, for decompression the device gives up on (made on first use). */
  softwareEngine: () => Engine;
}

/** wd's engine on a ZIP device. */
export class HardwareEngine implements Engine {
  /** Always `hw`. */
  readonly kind = "hw" as const;
  /** Counters and notes of the last operation. */
  readonly stats: EngineStats = { bytesIn: 0, bytesOut: 0, notes: [] };
  /** The device. */
  readonly device: UacceDevice;
  readonly #env: Env;
  readonly #queue: ZipQueue;
  readonly #options: HardwareEngineOptions;
  #software: Engine | undefined;

  private constructor(
    env: Env,
    device: UacceDevice,
    queue: ZipQueue,
    options: HardwareEngineOptions,
  ) {
    this.#env = env;
    this.device = device;
    this.#queue = queue;
    this.#options = options;
  }

  /**
   * Opens a queue on the device for one direction.
   *
   * @param env The environment.
   * @param device The device (usable: see `checkUsable`).
   * @param options Direction and software fallbacks.
   * @returns The engine; dispose of it to release the queue.
   * @throws WdError as a queue open does (EBUSY → exit 5, permissions → 4, unusable → 6).
   */
  static open(env: Env, device: UacceDevice, options: HardwareEngineOptions): HardwareEngine {
    const queue = ZipQueue.open(env, device, {
      direction: options.direction,
      timeoutMs: options.timeoutMs,
    });
    return new HardwareEngine(env, device, queue, options);
  }

  /** What runs, for `-v`. */
  get description(): string {
    const q = this.#queue.queue.info;
    return `hardware: ${this.device.name} (${this.device.api ?? "?"}), queue ${q.qid}, ` +
      `${this.#options.inFlight ?? 16} requests of ${
        (this.#options.blockSize ?? 512 << 10) >> 10
      } KiB in flight` +
      (this.#verify ? ", every result checked in software" : "");
  }

  /** Compresses; see {@linkcode Engine.compress}. */
  compress(input: AsyncIterable<Uint8Array>, options: CompressOptions): AsyncIterable<Uint8Array> {
    const ctx = this.#context();
    return options.format === "gzip"
      ? compressMembers(input, options, ctx)
      : compressStream(input, options, ctx);
  }

  /** Decompresses; see {@linkcode Engine.decompress}. */
  decompress(
    input: AsyncIterable<Uint8Array>,
    options: DecompressOptions,
  ): AsyncIterable<Uint8Array> {
    return decompressOnDevice(input, options, this.#context());
  }

  /** Releases the queue and the software engine, if one was made. */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.#queue.release();
    } finally {
      await this.#software?.[Symbol.asyncDispose]();
    }
  }

  get #verify(): boolean {
    return this.#options.verify ?? this.#options.direction === "compress";
  }

  #context(): HwContext {
    this.stats.bytesIn = 0;
    this.stats.bytesOut = 0;
    return {
      env: this.#env,
      device: this.device.name,
      queue: this.#queue.dead === undefined ? this.#queue : null,
      blockSize: this.#options.blockSize ?? 512 << 10,
      inFlight: this.#options.inFlight ?? 16,
      verify: this.#verify,
      required: this.#options.required ?? false,
      software: this.#options.software,
      softwareEngine: () => this.#software ??= this.#options.softwareEngine(),
      stats: this.stats,
    };
  }
}
