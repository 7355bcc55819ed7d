/**
 * Choosing the engine for a run: the hardware engine when asked for or usable, else the
 * software engine, with the reason (`-v` prints it).
 *
 * @module
 */

import type { Env } from "../env.ts";
import { ExitCode, wdError } from "../errors.ts";
import type { Engine, FallbackReason, Format } from "./engine.ts";
import { probeHardwareEngine } from "./hw_probe.ts";
import { SoftwareEngine } from "./sw/engine.ts";
import { isalAvailable } from "./sw/isal.ts";

/**
 * Which engine the user asked for.
 *
 * @example
 * ```ts
 * import { type EngineChoice, ZipStream } from "@wd/wd";
 * const engine = (Deno.env.get("ENGINE") ?? "auto") as EngineChoice;
 * const zs = new ZipStream({ engine });
 * await new Response(ReadableStream.from([new Uint8Array(10)]).pipeThrough(zs)).bytes();
 * console.log((await zs.report).engine); // sw on a machine without a ZIP device
 * ```
 */
export type EngineChoice = "auto" | "sw" | "hw";

/** What the engine is for. */
export interface SelectOptions {
  /** `auto` (hardware when usable), `sw` or `hw`. */
  engine: EngineChoice;
  /** A ZIP device by name (`hisi_zip-4`) or node path. */
  device?: string | undefined;
  /** Compression or decompression. */
  direction: "compress" | "decompress";
  /** The container. */
  format: Format | "auto";
  /** The level (1–9). */
  level: number;
  /** Whether the user wants to know (`-v`); engines may add notes. */
  verbose: boolean;
  /** Compression threads of the software engine (default: the CPUs this process may use). */
  threads?: number | undefined;
  /**
   * Check hardware results in software: true (`--verify`), false (`--no-verify`), or the
   * engine's default when unset (on for compression, the trailer check only for decompression).
   */
  verify?: boolean | undefined;
}

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
 * console.log(engine.kind, reason); // sw software engine requested (--engine sw)
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
