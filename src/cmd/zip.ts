/**
 * `wd zip` and `wd unzip`: gzip's command line over wd's engines. Files become `F.gz` (and
 * back), written under a temp name and renamed into place only when complete, with the input
 * removed only after that (kept with `-k`); stdin goes to stdout; `-t` tests, `-l` lists.
 * Per-file failures are reported and the run goes on, ending with gzip's exit code.
 *
 * @module
 */

import type { Env } from "../env.ts";
import { onInterrupt } from "../cleanup.ts";
import { ExitCode, WdError } from "../errors.ts";
import type { Engine, Format } from "../zip/engine.ts";
import { type Readable, removeLiveOutputs } from "../zip/files.ts";
import { type EngineChoice, selectEngine, softwareEngine } from "../zip/select.ts";
import { discardPrestarted } from "../zip/sw/pool.ts";
import { DEFAULT_SUFFIX } from "./zip_names.ts";
import { Reporter } from "./zip_report.ts";
import { FileJob } from "./zip_file.ts";
import { listTotals } from "./zip_list.ts";
import { recordZipRun, UsageTally } from "../metrics/usage.ts";

/** Options of `wd zip` (and `wd unzip`, which sets `decompress`). */
export interface ZipOptions {
  /** Decompress (`-d`). */
  decompress?: boolean | undefined;
  /** Write to stdout, keep inputs (`-c`). */
  stdout?: boolean | undefined;
  /** Overwrite, follow symlinks, write to a terminal (`-f`). */
  force?: boolean | undefined;
  /** Keep inputs (`-k`). */
  keep?: boolean | undefined;
  /** List compressed files (`-l`). */
  list?: boolean | undefined;
  /** Test compressed files (`-t`). */
  test?: boolean | undefined;
  /** Save/restore the name and time (`-N` true, `-n` false, unset: gzip's defaults). */
  name?: boolean | undefined;
  /** Silence warnings (`-q`). */
  quiet?: boolean | undefined;
  /** Say what happens (`-v`). */
  verbose?: boolean | undefined;
  /** Into directories (`-r`). */
  recursive?: boolean | undefined;
  /** Suffix instead of `.gz` (`-S`). */
  suffix?: string | undefined;
  /** Level 1–9 (default 6). */
  level?: number | undefined;
  /** Container to write (default gzip); on decompression, the only one accepted. */
  format?: Format | undefined;
  /** `auto`, `sw` or `hw`. */
  engine?: EngineChoice | undefined;
  /** A ZIP device for the hardware engine. */
  device?: string | undefined;
  /** Show progress (true), never (false), or on a terminal for long work (unset). */
  progress?: boolean | undefined;
  /** Compression threads of the software engine. */
  threads?: number | undefined;
  /**
   * Check hardware results in software: `--verify` (true) also for decompression, `--no-verify`
   * (false) not even for compression; unset: compression is checked, decompression by trailers.
   */
  verify?: boolean | undefined;
}

/** Standard input, and whether signals are handled (not in tests that run in-process). */
export interface ZipIo {
  /** Standard input. */
  stdin: Readable & { isTerminal(): boolean };
  /** stat of standard input, null when it is not a regular file (its mtime goes in the header). */
  stdinStat(): Deno.FileInfo | null;
  /** Whether ending signals (INT, TERM, HUP, ...) remove partial outputs and exit 128 + N. */
  handleSignals: boolean;
}

/** The process's stdin; signals handled. */
export function processIo(): ZipIo {
  return {
    stdin: Deno.stdin,
    stdinStat: () => {
      try {
        const st = Deno.statSync("/dev/stdin");
        return st.isFile ? st : null;
      } catch {
        return null;
      }
    },
    handleSignals: true,
  };
}

/**
 * Runs `wd zip` / `wd unzip`.
 *
 * @param env The environment (stdout, stderr, sysfs root for the hardware probe).
 * @param files The operands (none, or `-`, for stdin).
 * @param options The options.
 * @param io Standard input and signal handling.
 * @returns gzip's exit code: 0, 1 after any error, 2 after warnings only.
 */
export async function runZip(
  env: Env,
  files: string[],
  options: ZipOptions,
  io: ZipIo = processIo(),
): Promise<number> {
  validate(options);
  const run = new ZipRun(env, options, io);
  const untrap = io.handleSignals ? trapSignals() : () => {};
  try {
    for (const arg of files.length > 0 ? files : ["-"]) {
      await run.item(arg);
      if (run.report.stopped) break;
    }
    if (run.mode === "list") listTotals(run);
  } finally {
    await run.close();
    discardPrestarted(); // workers started early that no engine took (src/cmd/zip_early.ts)
    untrap();
  }
  return run.report.code;
}

function validate(options: ZipOptions): void {
  const level = options.level ?? 6;
  if (!Number.isInteger(level) || level < 1 || level > 9) {
    throw new WdError(`Invalid level ${level}: levels are 1 to 9`, { exitCode: ExitCode.USAGE });
  }
  if (options.suffix !== undefined && (options.suffix === "" || options.suffix.includes("/"))) {
    throw new WdError(`Invalid suffix "${options.suffix}"`, {
      exitCode: ExitCode.USAGE,
      hint: "a suffix is non-empty and has no slash, such as -S .gz",
    });
  }
}

/** What a run shares between its files: options, the engine (made once), the reporter. */
export class ZipRun {
  readonly env: Env;
  readonly options: ZipOptions;
  readonly io: ZipIo;
  readonly report: Reporter;
  readonly suffix: string;
  /** What the run did, for the usage stats (`WD_STATS`, src/metrics/usage.ts). */
  readonly usage: UsageTally = new UsageTally();
  #engine: Promise<Engine> | undefined;
  #software: Engine | undefined;

  /**
   * Makes the run.
   *
   * @param env The environment.
   * @param options The options.
   * @param io Standard input.
   */
  constructor(env: Env, options: ZipOptions, io: ZipIo) {
    this.env = env;
    this.options = options;
    this.io = io;
    this.report = new Reporter(env, options.quiet ?? false);
    this.suffix = options.suffix ?? DEFAULT_SUFFIX[options.format ?? "gzip"];
  }

  /** `compress`, `decompress`, `test` or `list`. */
  get mode(): "compress" | "decompress" | "test" | "list" {
    const o = this.options;
    return o.list ? "list" : o.test ? "test" : o.decompress ? "decompress" : "compress";
  }

  /**
   * The engine, chosen on first use (with the `-v` line saying which and why).
   *
   * @returns The engine.
   */
  engine(): Promise<Engine> {
    return this.#engine ??= this.#select();
  }

  /**
   * The software engine, made on first use: what decodes again a file the device got wrong.
   *
   * @returns The engine.
   */
  softwareEngine(): Engine {
    return this.#software ??= softwareEngine({ threads: this.options.threads });
  }

  /**
   * Processes one operand; failures are reported, not thrown.
   *
   * @param arg A path, or `-` for stdin.
   */
  async item(arg: string): Promise<void> {
    try {
      await new FileJob(this).run(arg);
    } catch (err) {
      this.report.error(err);
    }
  }

  /** Releases the engine. */
  async close(): Promise<void> {
    await this.#software?.[Symbol.asyncDispose]();
    if (this.#engine === undefined) return;
    let engine: Engine;
    try {
      engine = await this.#engine;
    } catch {
      return; // selection failed: nothing to release
    }
    try {
      // What the engine had to do differently (a device that failed and software that took over).
      if (this.options.verbose) {
        for (const note of engine.stats.notes) this.report.verbose(`wd: ${note}`);
      }
    } finally {
      await engine[Symbol.asyncDispose]();
    }
    const run = this.usage.run(
      this.mode === "compress" ? "compress" : "decompress",
      engine.stats.fallbacks,
    );
    const problem = run === null ? null : await recordZipRun(this.env, run);
    if (problem !== null) this.report.note(problem);
  }

  async #select(): Promise<Engine> {
    const o = this.options;
    const { engine, reason, fallback } = await selectEngine(this.env, {
      engine: o.engine ?? "auto",
      device: o.device,
      direction: this.mode === "compress" ? "compress" : "decompress",
      format: o.format ?? (this.mode === "compress" ? "gzip" : "auto"),
      level: o.level ?? 6,
      verbose: o.verbose ?? false,
      threads: o.threads,
      verify: o.verify,
    });
    if (o.verbose) this.report.verbose(`wd: engine: ${engine.kind} (${reason})`);
    this.usage.selected(engine.kind, fallback);
    return engine;
  }
}

/**
 * On an ending signal (INT, TERM, HUP, QUIT, PIPE, ALRM, XFSZ): remove partial outputs (inputs
 * are untouched until then) and exit 128 + its number,
 * through the one process-wide handler that also releases hardware queues (src/cleanup.ts).
 */
function trapSignals(): () => void {
  return onInterrupt(removeLiveOutputs);
}
