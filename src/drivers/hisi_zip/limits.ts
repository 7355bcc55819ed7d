/**
 * The ZIP engine's limits and the error of a request the device refused, shared by the session
 * and its streams (docs/hisi_zip_sqe.md §4–5).
 *
 * @module
 */

import { WdError } from "../../errors.ts";
import { STATUS } from "./sqe.ts";

/** Largest input of one request (`HZ_MAX_SIZE`, docs/hisi_zip_sqe.md §4). */
export const MAX_REQUEST = 8 << 20;
/**
 * Largest output one request is given room for: UADK clamps every request's output to
 * `HZ_MAX_SIZE` too (drv/hisi_comp.c `fill_buf_size()`), so a request never names more memory
 * than the engine handles, and a 0x0E ("output too small") retry stops growing here.
 */
export const MAX_OUTPUT = 8 << 20;
/** Smallest output capacity the hardware accepts for stateful requests (`SW_STOREBUF_TH`). */
export const MIN_OUTPUT = 200;
/** Context buffer bytes (`HW_CTX_SIZE`); the device gets its address + 64 (`RSV_OFFSET`). */
export const CTX_SIZE = 0x10000;
/** Offset of the device's part of the context buffer. */
export const CTX_DEVICE_OFFSET = 64;

/**
 * A device status that is neither success nor "give me more room".
 *
 * @example An error status from the device
 * ```ts
 * import { DeviceStatusError, simulatedEnv, ZipSession } from "@wd/wd";
 * await using env = simulatedEnv("status=0x41@1"); // request 1 completes with status 0x41
 * using s = ZipSession.open(env, "hisi_zip-4", { direction: "decompress" });
 * const err = await s.decompressBlock(new Uint8Array([1, 2, 3])).then(() => null, (e) => e);
 * console.log(err instanceof DeviceStatusError && err.status.toString(16)); // 41
 * ```
 */
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
      {
        hint:
          "the data may be corrupt; the software engine (engine sw) gives the software decoder's view",
      },
    );
    this.name = "DeviceStatusError";
    this.status = status;
  }
}

/**
 * Worst-case deflate output for `n` input bytes, with room for the trailer and a header, within
 * {@linkcode MAX_OUTPUT}.
 */
export function outputBound(n: number): number {
  return Math.min(n + (n >>> 3) + 1024, MAX_OUTPUT);
}

/**
 * The next output size after a 0x0E ("output too small") completion: twice the last, at most
 * {@linkcode MAX_OUTPUT}; null when the last was already the most a request may have.
 *
 * @param size The output size the device found too small.
 * @returns The size to retry with, or null to give up on the device for this request.
 */
export function grownOutput(size: number): number | null {
  return size >= MAX_OUTPUT ? null : Math.min(2 * size, MAX_OUTPUT);
}
