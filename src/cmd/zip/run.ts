/**
 * The state of one `wd zip`/`wd unzip` run that its files share: the options, standard input,
 * the engine (chosen once, on first use), the reporter and the usage tally. The pieces that
 * handle one file (./file.ts, ./list.ts, ./transform.ts) take it; they never import the entry
 * point (./zip.ts).
 *
 * @module
 */

import type { Env } from "../../env.ts";
import type { Engine, Format } from "../../zip/engine.ts";
import type { Readable } from "../../zip/files.ts";
import { type EngineChoice, selectEngine, softwareEngine } from "../../zip/select.ts";
import { recordZipRun, UsageTally } from "../../metrics/usage.ts";
import { DEFAULT_SUFFIX } from "./names.ts";
import { Reporter } from "./report.ts";

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
  /** Make the output friendlier to rsync (content-defined restarts, as pigz and gzip do). */
  rsyncable?: boolean | undefined;
  /** Flush the output to disk before the command ends, stdout too (`--synchronous`). */
  synchronous?: boolean | undefined;
  /** gzip's `-a`: text mode conversion, which has no meaning on Unix (a note, then ignored). */
  ascii?: boolean | undefined;
  /** gzip's test-only `---presume-input-tty`: standard input counts as a terminal. */
  presumeInputTty?: boolean | undefined;
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
