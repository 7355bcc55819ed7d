/**
 * wd's own use, for `wd metrics`: how many bytes each engine (hw, sw) read and wrote in each
 * direction, how many runs there were, and how many fell back to software and why. `wd zip` and
 * `wd unzip` record a run only when asked: `WD_STATS=/path/to/stats.json`, or the first line of
 * `/etc/wd/stats-file` naming that file (`WD_STATS=` or `WD_STATS=off` turns recording off even
 * when the config file names one).
 *
 * The stats file is one small JSON document, updated under an exclusive lock on `<file>.lock`
 * (flock(2), through Deno's `FsFile.lock`) by reading it, adding the run and writing a temporary
 * file in the same directory that is renamed over it. Runs on the same host therefore never lose
 * each other's counts, and a reader (`wd metrics`, the textfile timer) sees either the old or
 * the new file, never half of one. A lock is held for well under a millisecond; a run that
 * cannot get it within two seconds (a stopped process holding it) leaves its counts out and
 * says so, rather than hang. The file stays the same size however many runs there are, which
 * per-run files merged by the reader would not.
 *
 * @module
 */

import { type Env, hostPath } from "../env.ts";
import type { FallbackReason } from "../zip/engine.ts";

export type { FallbackReason } from "../zip/engine.ts";

/** Every fallback category, in the order `wd metrics` lists them. */
export const FALLBACK_REASONS: readonly FallbackReason[] = [
  "no_device",
  "busy",
  "isolated",
  "device_error",
  "verify_failure",
  "level",
];

/** The environment variable naming the stats file. */
export const STATS_VAR = "WD_STATS";

/** The config file (under the root) whose first line names the stats file. */
export const STATS_CONFIG = "etc/wd/stats-file";

/** The engines. */
export type ZipEngineKind = "hw" | "sw";

import type { Direction } from "../drivers/uacce/queue.ts";
export type { Direction };

/** What one `wd zip`/`wd unzip` run did. */
export interface ZipRunUsage {
  /** The engine the run chose. */
  engine: ZipEngineKind;
  /** Compression, or decompression (`-d`, `-t`). */
  direction: Direction;
  /** Bytes read, over every file of the run. */
  bytesIn: number;
  /** Bytes written. */
  bytesOut: number;
  /** Why work went to software instead of the device: at selection, or during the run. */
  fallbacks: FallbackReason[];
}

/** Per engine and direction. */
export type ByEngine = Record<ZipEngineKind, Record<Direction, number>>;

/** The counters of a stats file. */
export interface UsageStats {
  /** Runs. */
  runs: ByEngine;
  /** Bytes read. */
  inputBytes: ByEngine;
  /** Bytes written. */
  outputBytes: ByEngine;
  /** Runs that fell back to software, per direction and reason. */
  fallbacks: Record<Direction, Record<FallbackReason, number>>;
}

const FORMAT = "wd-usage-1";
const ENGINES: readonly ZipEngineKind[] = ["hw", "sw"];
const DIRECTIONS: readonly Direction[] = ["compress", "decompress"];
const LOCK_TIMEOUT_MS = 2000;

/**
 * The stats file wd records into, from `WD_STATS` or the config file, or null when recording
 * is off.
 *
 * @param env The environment (its variables, and the root the config file is read under).
 * @returns The absolute path, or null.
 *
 * @example
 * ```ts
 * import { processEnv } from "@wd/wd";
 * import { statsPath } from "@wd/wd/low-level";
 * console.log(statsPath(processEnv()) ?? "usage stats are off");
 * ```
 */
export function statsPath(env: Pick<Env, "getenv" | "fs" | "root">): string | null {
  const v = env.getenv(STATS_VAR);
  if (v !== undefined) return v === "" || v === "off" ? null : v;
  let text: string;
  try {
    text = env.fs.readText(hostPath(env, STATS_CONFIG));
  } catch {
    return null;
  }
  const line = text.split("\n").map((l) => l.trim()).find((l) => l !== "" && !l.startsWith("#"));
  return line === undefined || line === "off" ? null : line;
}

/** All counters at zero. */
export function emptyUsage(): UsageStats {
  const byEngine = (): ByEngine => ({
    hw: { compress: 0, decompress: 0 },
    sw: { compress: 0, decompress: 0 },
  });
  const reasons = () =>
    Object.fromEntries(FALLBACK_REASONS.map((r) => [r, 0])) as Record<FallbackReason, number>;
  return {
    runs: byEngine(),
    inputBytes: byEngine(),
    outputBytes: byEngine(),
    fallbacks: { compress: reasons(), decompress: reasons() },
  };
}

/**
 * Reads a stats file.
 *
 * @param path The file.
 * @returns Its counters; all zero when the file does not exist yet.
 * @throws Error when the file cannot be read or is not a wd stats file.
 */
export function readUsage(path: string): UsageStats {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return emptyUsage();
    throw err;
  }
  return parseUsage(text);
}

/**
 * Parses the text of a stats file.
 *
 * @param text The JSON.
 * @returns The counters.
 * @throws Error when it is not a wd stats file.
 */
export function parseUsage(text: string): UsageStats {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error("not a wd stats file (not JSON)");
  }
  const rec = doc as Record<string, unknown> | null;
  if (rec === null || typeof rec !== "object" || rec["format"] !== FORMAT) {
    throw new Error(`not a wd stats file (no "format": "${FORMAT}")`);
  }
  const u = emptyUsage();
  const count = (v: unknown, where: string): number => {
    if (v === undefined) return 0;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
      throw new Error(`not a wd stats file (${where} is not a count)`);
    }
    return v;
  };
  const at = (o: unknown, key: string): unknown =>
    o !== null && typeof o === "object" ? (o as Record<string, unknown>)[key] : undefined;
  for (
    const [key, field] of [["runs", "runs"], ["input_bytes", "inputBytes"], [
      "output_bytes",
      "outputBytes",
    ]] as const
  ) {
    for (const e of ENGINES) {
      for (const d of DIRECTIONS) {
        u[field][e][d] = count(at(at(rec[key], e), d), `${key}.${e}.${d}`);
      }
    }
  }
  for (const d of DIRECTIONS) {
    for (const r of FALLBACK_REASONS) {
      u.fallbacks[d][r] = count(at(at(rec["fallbacks"], d), r), `fallbacks.${d}.${r}`);
    }
  }
  return u;
}

function serialize(u: UsageStats): string {
  return `${
    JSON.stringify(
      {
        format: FORMAT,
        runs: u.runs,
        input_bytes: u.inputBytes,
        output_bytes: u.outputBytes,
        fallbacks: u.fallbacks,
      },
      null,
      2,
    )
  }\n`;
}

/**
 * Adds one run to usage counters.
 *
 * @param u The counters (changed).
 * @param run The run.
 */
export function addRun(u: UsageStats, run: ZipRunUsage): void {
  u.runs[run.engine][run.direction] += 1;
  u.inputBytes[run.engine][run.direction] += run.bytesIn;
  u.outputBytes[run.engine][run.direction] += run.bytesOut;
  for (const r of new Set(run.fallbacks)) u.fallbacks[run.direction][r] += 1;
}

/** Options of {@linkcode recordZipRun}. */
export interface RecordOptions {
  /** The stats file; default {@linkcode statsPath}. */
  path?: string | null | undefined;
  /** How long to wait for the lock (default 2000 ms). */
  lockTimeoutMs?: number | undefined;
}

/**
 * Records one `wd zip`/`wd unzip` run in the stats file, when recording is on. Never throws:
 * usage stats must not change what a compression run does or its exit code.
 *
 * @param env The environment (for the stats file's path).
 * @param run What the run did.
 * @param options The stats file and the lock timeout.
 * @returns Null when recorded (or recording is off), else what went wrong, for a note.
 *
 * @example
 * ```ts
 * import { processEnv } from "@wd/wd";
 * import { recordZipRun } from "@wd/wd/low-level";
 * const dir = await Deno.makeTempDir();
 * const problem = await recordZipRun(processEnv(), {
 *   engine: "sw", direction: "compress", bytesIn: 1000, bytesOut: 300, fallbacks: ["no_device"],
 * }, { path: `${dir}/stats.json` });
 * console.log(problem ?? "recorded");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function recordZipRun(
  env: Pick<Env, "getenv" | "fs" | "root">,
  run: ZipRunUsage,
  options: RecordOptions = {},
): Promise<string | null> {
  const path = options.path === undefined ? statsPath(env) : options.path;
  if (path === null) return null;
  let lock: Deno.FsFile;
  try {
    lock = await Deno.open(`${path}.lock`, { create: true, write: true });
  } catch (err) {
    return `Cannot record usage in "${path}": ${messageOf(err)}`;
  }
  try {
    const locked = await withTimeout(lock.lock(true), options.lockTimeoutMs ?? LOCK_TIMEOUT_MS);
    if (!locked) {
      return `Cannot record usage in "${path}": another process has held ${path}.lock for ${
        (options.lockTimeoutMs ?? LOCK_TIMEOUT_MS) / 1000
      } s`;
    }
    const u = readUsage(path);
    addRun(u, run);
    const tmp = `${path}.${Deno.pid}.tmp`;
    try {
      await Deno.writeTextFile(tmp, serialize(u));
      await Deno.rename(tmp, path);
    } catch (err) {
      await Deno.remove(tmp).catch(() => {});
      throw err;
    }
    return null;
  } catch (err) {
    return `Cannot record usage in "${path}": ${messageOf(err)}`;
  } finally {
    lock.close(); // releases the lock
  }
}

/** Whether `p` settled within `ms` (a lock still pending is released when its file closes). */
async function withTimeout(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(false), ms));
  try {
    return await Promise.race([p.then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * What a `wd zip`/`wd unzip` run did so far: the engine it chose (and why not the device), the
 * bytes of every file, and the engine's own fallbacks.
 */
export class UsageTally {
  #engine: ZipEngineKind | undefined;
  #fallbacks = new Set<FallbackReason>();
  #bytesIn = 0;
  #bytesOut = 0;

  /**
   * Notes the engine the run chose.
   *
   * @param engine `hw` or `sw`.
   * @param fallback Why not the device, when `--engine auto` chose software.
   */
  selected(engine: ZipEngineKind, fallback?: FallbackReason): void {
    this.#engine = engine;
    if (fallback !== undefined) this.#fallbacks.add(fallback);
  }

  /**
   * Adds one file's bytes.
   *
   * @param bytesIn Bytes read.
   * @param bytesOut Bytes written.
   */
  add(bytesIn: number, bytesOut: number): void {
    this.#bytesIn += bytesIn;
    this.#bytesOut += bytesOut;
  }

  /**
   * The run, once an engine was chosen.
   *
   * @param direction The run's direction.
   * @param engineFallbacks What the engine handed to software during the run.
   * @returns The run, or null when no engine was chosen (nothing to record).
   */
  run(direction: Direction, engineFallbacks: Iterable<FallbackReason> = []): ZipRunUsage | null {
    if (this.#engine === undefined) return null;
    return {
      engine: this.#engine,
      direction,
      bytesIn: this.#bytesIn,
      bytesOut: this.#bytesOut,
      fallbacks: [...new Set([...this.#fallbacks, ...engineFallbacks])],
    };
  }
}
