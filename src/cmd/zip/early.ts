/**
 * Starting `wd zip`'s compression workers before the rest of `wd zip` has loaded. A worker takes
 * tens of milliseconds to start (its own isolate, its modules, its codec); started when the
 * first block is read, it would join the work late. `wd zip` starts them as soon as its command
 * line is parsed, from what it asks for, and they load while the engine's modules do.
 *
 * @module
 */

import { deflatePlan } from "../../zip/sw/plan.ts";
import { isalAvailable } from "../../zip/sw/isal.ts";
import type { CodecName } from "../../zip/sw/codec.ts";
import { prestartWorkers } from "../../zip/sw/pool.ts";

/** Inputs up to one block are compressed on the calling thread: no worker helps them. */
const ONE_BLOCK = 1 << 20;

/** What the command line tells about the compression ahead. */
export interface EarlyGuess {
  /** Workers to start. */
  workers: number;
  /** The codec they will use. */
  codec: CodecName;
}

/** What the guess needs from the machine. */
export interface EarlyProbe {
  /** The size of a regular file (`-`: stdin), else null (missing, a directory, a pipe). */
  sizeOf(path: string): number | null;
  /** CPUs this process may run on. */
  cpus: number;
  /** Whether a ZIP device may serve `--engine auto` (then no software workers are needed). */
  zipDevice(): boolean;
  /** Whether ISA-L is there (levels 1-3 use it). */
  isal(): boolean;
}

/** What the parsed command line says about the run. */
export interface ZipPlan {
  /** The operands (none: stdin). */
  files: readonly string[];
  /** The level asked for (default 6). */
  level?: number | undefined;
  /** `--threads`. */
  threads?: number | undefined;
  /** `--engine`. */
  engine: "auto" | "sw" | "hw";
  /** `--device`: the device will do the work. */
  device?: string | undefined;
  /** Whether the run compresses at all (not `-d`, `-l`, `-t`). */
  compressing: boolean;
}

/**
 * Whether a `wd zip` run will compress more than one block in software, and with how many
 * workers and which codec.
 *
 * @param plan What the command line asks for.
 * @param probe File sizes, CPUs, devices, ISA-L.
 * @returns The workers to start, or null when none would help.
 *
 * @example
 * ```ts
 * import { earlyWorkers } from "./early.ts";
 * const probe = { sizeOf: () => 70 << 20, cpus: 2, zipDevice: () => false, isal: () => false };
 * const plan = { files: ["big.log"], engine: "auto" as const, compressing: true };
 * console.log(earlyWorkers(plan, probe)); // { workers: 1, codec: "zng" }
 * ```
 */
export function earlyWorkers(plan: ZipPlan, probe: EarlyProbe): EarlyGuess | null {
  if (!plan.compressing || plan.device !== undefined || plan.engine === "hw") return null;
  if (plan.engine === "auto" && probe.zipDevice()) return null;
  const threads = plan.threads ?? probe.cpus;
  if (threads < 2) return null;
  const total = (plan.files.length > 0 ? plan.files : ["-"])
    .reduce((n, f) => n + (probe.sizeOf(f) ?? 0), 0);
  if (total <= ONE_BLOCK) return null;
  return { workers: threads - 1, codec: deflatePlan(plan.level ?? 6, probe.isal).codec };
}

/**
 * Starts the workers {@linkcode earlyWorkers} says the run needs, on this machine: they load
 * while the rest of `wd zip` does, and are ready for its first block.
 *
 * @param plan What the command line asks for.
 */
export function startEarlyWorkers(plan: ZipPlan): void {
  const guess = earlyWorkers(plan, machine());
  if (guess) prestartWorkers(guess.workers, guess.codec);
}

/** This machine, as {@linkcode earlyWorkers} sees it. */
function machine(): EarlyProbe {
  const root = Deno.env.get("WD_ROOT") ?? "";
  return {
    sizeOf(path) {
      try {
        const st = Deno.statSync(path === "-" ? "/dev/stdin" : path);
        return st.isFile ? st.size : null;
      } catch {
        return null;
      }
    },
    cpus: navigator.hardwareConcurrency,
    zipDevice: () => hasZipDevice(`${root}/sys/class/uacce`),
    isal: isalAvailable,
  };
}

function hasZipDevice(dir: string): boolean {
  try {
    for (const e of Deno.readDirSync(dir)) if (e.name.startsWith("hisi_zip")) return true;
  } catch {
    // no uacce class: no device
  }
  return false;
}
