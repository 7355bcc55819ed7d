/**
 * The words engine selection is made of, below the modules that select (./select.ts), probe
 * (./hw_probe.ts) and open (./hw_open.ts) an engine, so none of them imports another's caller.
 *
 * @module
 */

import type { ExitCodeValue } from "../errors.ts";
import type { Engine, FallbackReason, Format } from "./engine.ts";

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

/** What the probe found: an engine, or why there is none (and that reason's category). */
export type HardwareProbe =
  | { engine: Engine; reason: string }
  | { engine: null; reason: string; fallback: FallbackReason; exitCode?: ExitCodeValue };

/** Highest level `auto` compresses on the device. */
export const AUTO_MAX_LEVEL = 6;

/** The reason when there is no ZIP device at all. */
export const NO_ZIP_DEVICE = "no ZIP device found (no hisi_zip device in sys/class/uacce)";
