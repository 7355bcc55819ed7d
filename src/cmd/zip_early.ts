/**
 * Starting `wd zip`'s compression workers before the rest of wd has loaded. A worker takes
 * ~60 ms to start (its own isolate, its modules, node:zlib), about as long as commander and
 * wd's modules take to load; started when the first block is read, it would join the work
 * ~100 ms into the run. main.ts imports this module first, and ES modules run in import
 * order, so the worker starts while commander loads and is ready for the first block.
 *
 * The command line is read here roughly, before commander parses it for real: a wrong guess
 * costs a worker's start (the run ends it unused), never a wrong result.
 *
 * @module
 */

import { deflatePlan } from "../zip/sw/plan.ts";
import { isalAvailable } from "../zip/sw/isal.ts";
import type { CodecName } from "../zip/sw/codec.ts";
import { prestartWorkers } from "../zip/sw/pool.ts";

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

/** Short options that mean the run does not compress (or not in software). */
const NOT_COMPRESSING = new Set(["d", "l", "t", "h", "V"]);
/** Options that take a value. */
const WITH_VALUE = new Set(["--suffix", "--format", "--engine", "--device", "--threads"]);

/**
 * Whether `wd zip ARGS` will compress more than one block in software, and with how many
 * workers and which codec.
 *
 * @param args wd's arguments (`["zip", "-9", "big.log"]`).
 * @param probe File sizes, CPUs, devices, ISA-L.
 * @returns The workers to start, or null when none would help.
 *
 * @example
 * ```ts
 * import { earlyWorkers } from "./zip_early.ts";
 * const probe = { sizeOf: () => 70 << 20, cpus: 2, zipDevice: () => false, isal: () => false };
 * console.log(earlyWorkers(["zip", "-k", "big.log"], probe)); // { workers: 1, codec: "zng" }
 * ```
 */
export function earlyWorkers(args: string[], probe: EarlyProbe): EarlyGuess | null {
  if (args[0] !== "zip") return null;
  let level = 6;
  let threads = probe.cpus;
  let engine = "auto";
  const files: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    const [name, inline] = a.startsWith("--") ? splitLong(a) : [a, undefined];
    const value = WITH_VALUE.has(name) ? inline ?? args[++i] : undefined;
    if (a === "--") {
      files.push(...args.slice(i + 1));
      break;
    } else if (name === "--engine") engine = value ?? "";
    else if (name === "--device") return null;
    else if (name === "--threads") threads = Number(value);
    else if (name === "--fast" || name === "--best") level = name === "--fast" ? 1 : 9;
    else if (/^--(decompress|list|test|help|version)$/.test(name)) return null;
    else if (a.startsWith("-") && !a.startsWith("--") && a.length > 1) {
      const s = shortCluster(a.slice(1));
      if (s === null) return null;
      level = s.level ?? level;
      if (s.takesSuffix) i++; // -S SUFFIX
    } else if (!WITH_VALUE.has(name) && !a.startsWith("--")) files.push(a);
  }
  if (engine === "hw" || (engine === "auto" && probe.zipDevice())) return null;
  if (!Number.isInteger(threads) || threads < 2) return null;
  const total = (files.length > 0 ? files : ["-"])
    .reduce((n, f) => n + (probe.sizeOf(f) ?? 0), 0);
  if (total <= ONE_BLOCK) return null;
  return { workers: threads - 1, codec: deflatePlan(level, probe.isal).codec };
}

function splitLong(a: string): [string, string | undefined] {
  const eq = a.indexOf("=");
  return eq < 0 ? [a, undefined] : [a.slice(0, eq), a.slice(eq + 1)];
}

/** The level in a cluster of short options (`-9c`), or null when one means no compression. */
function shortCluster(flags: string): { level?: number; takesSuffix: boolean } | null {
  let level: number | undefined;
  for (const [i, f] of [...flags].entries()) {
    if (NOT_COMPRESSING.has(f)) return null;
    if (f >= "1" && f <= "9") level = Number(f);
    if (f === "S") return { ...(level ? { level } : {}), takesSuffix: i === flags.length - 1 };
  }
  return { ...(level ? { level } : {}), takesSuffix: false };
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

// Only when main.ts is the program: a test or a library importing main.ts starts nothing.
if (Deno.mainModule === new URL("../../main.ts", import.meta.url).href) {
  const guess = earlyWorkers(Deno.args, machine());
  if (guess) prestartWorkers(guess.workers, guess.codec);
}
