/**
 * How `wd zip`/`wd unzip` talk to people: errors and warnings on stderr (gzip's severity:
 * an error makes the exit code 1, a warning 2 unless an error happened), `-v` lines in gzip's
 * format, and the engine line.
 *
 * @module
 */

import type { Env } from "../../env.ts";
import { ExitCode, exitCodeOf, WdError } from "../../errors.ts";
import { ZipDataError } from "../../zip/errors.ts";

/**
 * The exit code when the reader of stdout went away (`wd unzip -c big.gz | head`): 128 +
 * SIGPIPE, what gzip's status is when SIGPIPE ends it. Nothing is printed, as with gzip.
 */
export const STDOUT_CLOSED: number = ExitCode.STDOUT_CLOSED;

/** Thrown when stdout's reader has gone: the run stops quietly. */
export class StdoutClosed extends Error {
  /** Makes the error. */
  constructor() {
    super("Standard output was closed by its reader");
    this.name = "StdoutClosed";
  }
}

/** Collects the run's exit code and prints messages. */
export class Reporter {
  readonly #env: Env;
  readonly #quiet: boolean;
  #code: number = ExitCode.OK;
  #stopped = false;

  /**
   * Makes a reporter.
   *
   * @param env Where stderr is.
   * @param quiet Whether warnings are silenced (`-q`).
   */
  constructor(env: Env, quiet: boolean) {
    this.#env = env;
    this.#quiet = quiet;
  }

  /** Whether the run must stop (stdout is gone). */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** The exit code so far: 1 after any error, else 2 after any warning, else 0. */
  get code(): number {
    return this.#code;
  }

  /**
   * Reports a failure on one file; the run goes on with the next.
   *
   * @param err What was thrown.
   */
  error(err: unknown): void {
    if (err instanceof StdoutClosed) {
      this.#code = STDOUT_CLOSED;
      this.#stopped = true;
      return;
    }
    if (err instanceof ZipDataError && err.isWarning) return this.warn(err.message);
    if (!(err instanceof WdError)) throw err; // SysError is one too
    this.#env.stderr.write(`wd: error: ${err.message}\n`);
    if (err instanceof WdError && err.hint) this.#env.stderr.write(`wd: hint: ${err.hint}\n`);
    // gzip's codes: every failure is 1, except wd's own (6: no usable hardware, 2: usage).
    const code = err instanceof WdError ? exitCodeOf(err) : ExitCode.FAILURE;
    this.#code = this.#code === ExitCode.OK || this.#code === ExitCode.USAGE ? code : this.#code;
  }

  /**
   * Reports a warning (gzip's exit code 2 unless an error happens too).
   *
   * @param message What is wrong.
   */
  warn(message: string): void {
    if (!this.#quiet) this.#env.stderr.write(`wd: warning: ${message}\n`);
    if (this.#code === ExitCode.OK) this.#code = ExitCode.USAGE;
  }

  /**
   * A note that changes nothing (gzip prints some such without a warning status).
   *
   * @param message The note.
   */
  note(message: string): void {
    if (!this.#quiet) this.#env.stderr.write(`wd: ${message}\n`);
  }

  /**
   * A `-v` line, as gzip prints it.
   *
   * @param line The line, without the newline.
   */
  verbose(line: string): void {
    this.#env.stderr.write(`${line}\n`);
  }
}

/**
 * gzip's ratio: how much smaller the deflate data is than the original, `%5.1f%%`.
 *
 * @param original Uncompressed bytes.
 * @param packed Deflate bytes (without header and trailer).
 * @returns Such as ` 61.1%` or `-33.3%`.
 */
export function ratioText(original: number, packed: number): string {
  const r = original === 0 ? 0 : (100 * (original - packed)) / original;
  return `${oneDecimal(r).padStart(5)}%`;
}

/**
 * A number with one decimal as C's printf rounds it: to the nearest, and an exact tie to the
 * even digit (`52.25` → `52.2`), where JavaScript's toFixed rounds a tie up.
 */
function oneDecimal(x: number): string {
  const exact = Math.abs(x).toFixed(60); // a double's whole binary expansion, in decimal
  const dot = exact.indexOf(".");
  const tie = /^50*$/.test(exact.slice(dot + 2));
  if (!tie) return x.toFixed(1);
  const down = `${exact.slice(0, dot + 2)}`;
  const lastDigit = Number(exact[dot + 1]);
  const rounded = lastDigit % 2 === 0 ? Number(down) : Number(down) + 0.1;
  return `${x < 0 ? "-" : ""}${rounded.toFixed(1)}`;
}
