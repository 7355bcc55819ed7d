/**
 * What the hardware engine's compression and decompression share: the device's queue, the
 * software to fall back on, and how a device failure is told apart from bad data.
 *
 * @module
 */

import type { Env } from "../../env.ts";
import { QueueDeadError } from "../../drivers/hisi_qm/ring.ts";
import { DeviceStatusError } from "../../drivers/hisi_zip/limits.ts";
import type { ZipQueue } from "../../drivers/hisi_zip/zip_queue.ts";
import type { BlockDeflater, Engine, EngineStats } from "../engine.ts";

/** The hardware engine's state during one operation. */
export interface HwContext {
  /** The environment. */
  env: Env;
  /** The device's name, for notes. */
  device: string;
  /** The queue of this operation's direction, or null once it failed. */
  queue: ZipQueue | null;
  /** Input bytes per request. */
  blockSize: number;
  /** Requests in flight. */
  inFlight: number;
  /**
   * Check every hardware result in software before it is handed on: compression decodes each
   * block back; decompression also decodes `WD` members in software and holds stream members
   * until their trailer is checked.
   */
  verify: boolean;
  /** The user asked for the device (`--engine hw`): a member too long to hold is written unchecked rather than decoded in software. */
  required: boolean;
  /** Compresses blocks in software (continuing a stream the device gave up on). */
  software: BlockDeflater;
  /** The software engine, for decompression the device gave up on. */
  softwareEngine: () => Engine;
  /** Counters and notes. */
  stats: EngineStats;
}

/**
 * Whether an error means the device (not the data) failed: a dead queue, a timeout, or an
 * error status on data that software then handles.
 *
 * @param err What was thrown.
 * @returns True when the work should continue in software.
 */
export function isDeviceFailure(err: unknown): boolean {
  return err instanceof QueueDeadError || err instanceof DeviceStatusError ||
    err instanceof VerifyError;
}

/** A hardware result that software disagrees with (`--verify`). */
export class VerifyError extends Error {
  /**
   * Makes the error.
   *
   * @param what What differed.
   */
  constructor(what: string) {
    super(`the device's result differs from software's: ${what}`);
    this.name = "VerifyError";
  }
}

/**
 * Records that the device failed and the rest runs in software, once per operation.
 *
 * @param ctx The context.
 * @param err The failure.
 * @param where What was being done ("compressing block 12").
 */
export function fellBack(ctx: HwContext, err: unknown, where: string): void {
  const why = err instanceof Error ? err.message : String(err);
  const dead = !(err instanceof DeviceStatusError) && !(err instanceof VerifyError);
  (ctx.stats.fallbacks ??= new Set()).add(
    err instanceof VerifyError ? "verify_failure" : "device_error",
  );
  if (dead && ctx.queue === null) return; // already said: the queue died, the rest is software
  ctx.stats.notes.push(
    dead
      ? `${ctx.device}: ${why}; ${where} and everything after it continued in software`
      : `${ctx.device}: ${why}; ${where} redone in software`,
  );
  if (dead) ctx.queue = null;
}
