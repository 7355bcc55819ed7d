/**
 * Choosing the engine for a run: the hardware engine when asked for or usable, else the
 * software engine, with the reason (`-v` prints it).
 *
 * @module
 */

import type { Env } from "../env.ts";
import { ExitCode, wdError } from "../errors.ts";
import type { Engine, FallbackReason } from "./engine.ts";
import type { SelectOptions } from "./choice.ts";
import { probeHardwareEngine } from "./hw_probe.ts";
import { SoftwareEngine } from "./sw/engine.ts";
import { isalAvailable } from "./sw/isal.ts";

/** The chosen engine and why. */
export interface Selection {
  /** The engine; dispose it when done (`await using`). */
  engine: Engine;
  /** Why it was chosen, for `-v`. */
  reason: string;
  /** Why not the device, when `--engine auto` chose software. */
  fallback?: FallbackReason;
}

/**
 * Chooses and makes the engine.
 *
 * @param env The environment.
 * @param options What it is for.
 * @returns The engine and the reason.
 * @throws WdError with exit code 6 when `hw` is asked for and no device is usable.
 *
 * @example Software on any machine
 * ```ts
 * import { processEnv } from "@wd/wd";
 * import { selectEngine } from "@wd/wd/low-level";
 * const { engine, reason } = await selectEngine(processEnv(), {
 *   engine: "sw", direction: "compress", format: "gzip", level: 6, verbose: false,
 * });
 * await using _ = engine;
 * console.log(engine.kind, reason); // sw software engine requested
 * ```
 */
export async function selectEngine(env: Env, options: SelectOptions): Promise<Selection> {
  if (options.engine === "sw") {
    return {
      engine: softwareEngine(options),
      reason: "software engine requested",
    };
  }
  const probe = await probeHardwareEngine(env, options, () => softwareEngine(options));
  if (probe.engine !== null) return { engine: probe.engine, reason: probe.reason };
  if (options.engine === "hw") {
    throw wdError(`Cannot use the hardware engine: ${probe.reason}`, {
      exitCode: probe.exitCode ?? ExitCode.UNSUPPORTED,
      hint: "run `wd doctor` to see why; the software engine (engine sw, or auto) needs no device",
    });
  }
  return {
    engine: softwareEngine(options),
    reason: `software: ${probe.reason}`,
    fallback: probe.fallback,
  };
}

/**
 * The software engine with this machine's CPUs and codecs.
 *
 * @param options Workers, if set.
 * @returns The engine.
 */
export function softwareEngine(options: Pick<SelectOptions, "threads">): SoftwareEngine {
  return new SoftwareEngine({
    threads: options.threads ?? cpuCount(),
    isal: isalAvailable, // loaded only when a level or decompression needs it
  });
}

/**
 * The CPUs this process may run on. Deno's count follows the affinity mask (sched_getaffinity)
 * and cgroup CPU quotas, as `env.sys.cpuAffinity()` would, without loading libc (~5 ms).
 */
function cpuCount(): number {
  return Math.max(1, navigator.hardwareConcurrency);
}

export type { EngineChoice, SelectOptions } from "./choice.ts";
