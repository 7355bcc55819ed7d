/**
 * wd's errors and its exit codes: one class per exit code, all of them {@linkcode WdError}s.
 *
 * | class                        | exit code | when                                             |
 * | ---------------------------- | --------: | ------------------------------------------------ |
 * | {@linkcode WdError}          |         1 | the operation failed                             |
 * | {@linkcode UsageError}       |         2 | a bad argument, option or environment variable   |
 * | {@linkcode NotFoundError}    |         3 | no such device, parent, type or mdev             |
 * | {@linkcode PermissionError}  |         4 | a node or sysfs file needs another user or root  |
 * | {@linkcode BusyError}        |         5 | no free queue or instance                        |
 * | {@linkcode UnsupportedError} |         6 | no usable hardware, a legacy kernel, no SVA      |
 *
 * A failed system call is a `SysError` (also a WdError), whose exit code follows its errno.
 *
 * @module
 */

/**
 * Process exit codes, documented in `wd --help` and the README.
 *
 * @example
 * ```ts
 * import { ExitCode, exitCodeOf, NotFoundError } from "@wd/wd";
 * const code = exitCodeOf(new NotFoundError("Cannot find uacce device \"hisi_zip-9\""));
 * console.log(code === ExitCode.NOT_FOUND); // true
 * ```
 */
export const ExitCode = {
  /** Success. */
  OK: 0,
  /** The operation failed (gzip's "error"). */
  FAILURE: 1,
  /** Bad usage; for `wd zip`/`unzip`, a warning as gzip gives it (such as trailing garbage). */
  USAGE: 2,
  /** No such device, parent, type or mdev. */
  NOT_FOUND: 3,
  /** Permission denied: a node or sysfs file needs another user or root. */
  PERMISSION: 4,
  /** The device is busy: no free queue, or an mdev instance in use. */
  BUSY: 5,
  /** Not supported here: no usable hardware, a legacy kernel, a non-SVA device. */
  UNSUPPORTED: 6,
  /** Interrupted by SIGINT (128 + 2). */
  SIGINT: 130,
  /** Terminated by SIGTERM (128 + 15). */
  SIGTERM: 143,
  /** The reader of stdout went away (128 + SIGPIPE), as for gzip ended by SIGPIPE. */
  STDOUT_CLOSED: 141,
} as const;

/**
 * One of the {@linkcode ExitCode} values.
 *
 * @example
 * ```ts
 * import { type ExitCodeValue, exitCodeOf } from "@wd/wd";
 * function quit(err: unknown): ExitCodeValue {
 *   console.error(err instanceof Error ? err.message : err);
 *   return exitCodeOf(err);
 * }
 * console.log(quit(new Error("boom"))); // 1
 * ```
 */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Options for {@linkcode WdError} and its subclasses.
 *
 * @example
 * ```ts
 * import { ExitCode, wdError, type WdErrorOptions } from "@wd/wd";
 * const options: WdErrorOptions = { exitCode: ExitCode.BUSY, hint: "free a queue" };
 * console.log(wdError("All queues are in use", options).name); // BusyError
 * ```
 */
export interface WdErrorOptions extends ErrorOptions {
  /**
   * Exit code; defaults to {@linkcode ExitCode.FAILURE}. Prefer the subclass of the code
   * ({@linkcode NotFoundError}, ...), or {@linkcode wdError}, which picks it.
   */
  exitCode?: ExitCodeValue | undefined;
  /** One line telling the user what to do. */
  hint?: string | undefined;
}

/**
 * Options of the subclasses, whose exit code is their class's.
 *
 * @example
 * ```ts
 * import { PermissionError, type WdErrorSubclassOptions } from "@wd/wd";
 * const options: WdErrorSubclassOptions = { hint: "add the user to group accel" };
 * console.log(new PermissionError("Cannot open \"/dev/hisi_zip-4\"", options).hint);
 * ```
 */
export type WdErrorSubclassOptions = Omit<WdErrorOptions, "exitCode">;

/**
 * An error meant for the user: what failed, on what, why; an exit code; a hint. Everything
 * wd's library throws on purpose is one (argument checks throw `TypeError` and `RangeError`).
 *
 * @example Report an error as wd does
 * ```ts
 * import { findDevice, simulatedEnv, WdError } from "@wd/wd";
 * await using env = simulatedEnv();
 * try {
 *   findDevice(env, "hisi_zip-9");
 * } catch (err) {
 *   if (!(err instanceof WdError)) throw err;
 *   console.log(err.exitCode, err.message); // 3 Cannot find uacce device "hisi_zip-9"
 *   console.log(err.hint); // devices here: hisi_zip-4, hisi_zip-5
 * }
 * ```
 */
export class WdError extends Error {
  /** The exit code wd ends with. */
  readonly exitCode: ExitCodeValue;
  /** What to do about it, if anything is known. */
  readonly hint: string | undefined;

  /**
   * Makes the error.
   *
   * @param message Sentence-case message, no trailing period.
   * @param options Exit code, hint and cause.
   */
  constructor(message: string, options: WdErrorOptions = {}) {
    super(message, options);
    this.name = "WdError";
    this.exitCode = options.exitCode ?? ExitCode.FAILURE;
    this.hint = options.hint;
  }
}

/**
 * Bad usage (exit code 2): an argument, option or environment variable wd cannot use.
 *
 * @example
 * ```ts
 * import { UsageError } from "@wd/wd";
 * const err = new UsageError('Invalid WD_TIMEOUT_MS "soon"', { hint: "set it to milliseconds" });
 * console.log(err.name, err.exitCode); // UsageError 2
 * ```
 */
export class UsageError extends WdError {
  /**
   * Makes the error.
   *
   * @param message What is wrong.
   * @param options Hint and cause.
   */
  constructor(message: string, options: WdErrorSubclassOptions = {}) {
    super(message, { ...options, exitCode: ExitCode.USAGE });
    this.name = "UsageError";
  }
}

/**
 * Not found (exit code 3): no such device, mdev parent, type or mdev. The hint names the
 * ones that exist.
 *
 * @example Tell a missing device from other failures
 * ```ts
 * import { diagnoseUacce, NotFoundError, simulatedEnv } from "@wd/wd";
 * await using env = simulatedEnv();
 * try {
 *   diagnoseUacce(env, { device: "hisi_zip-9" });
 * } catch (err) {
 *   if (!(err instanceof NotFoundError)) throw err;
 *   console.log(err.message); // Cannot find uacce device "hisi_zip-9"
 * }
 * ```
 */
export class NotFoundError extends WdError {
  /**
   * Makes the error.
   *
   * @param message What was not found, and where.
   * @param options Hint (the names that exist) and cause.
   */
  constructor(message: string, options: WdErrorSubclassOptions = {}) {
    super(message, { ...options, exitCode: ExitCode.NOT_FOUND });
    this.name = "NotFoundError";
  }
}

/**
 * Permission denied (exit code 4): a device node or sysfs file needs another user or root.
 *
 * @example
 * ```ts
 * import { PermissionError } from "@wd/wd";
 * const err = new PermissionError('Cannot open "/dev/hisi_zip-4": permission denied (EACCES)');
 * console.log(err.exitCode); // 4
 * ```
 */
export class PermissionError extends WdError {
  /**
   * Makes the error.
   *
   * @param message What was refused.
   * @param options Hint and cause.
   */
  constructor(message: string, options: WdErrorSubclassOptions = {}) {
    super(message, { ...options, exitCode: ExitCode.PERMISSION });
    this.name = "PermissionError";
  }
}

/**
 * Busy (exit code 5): every queue of the device is taken, no mdev instance is free, or a port
 * is in use.
 *
 * @example Wait for a queue
 * ```ts
 * import { BusyError, simulatedEnv, UacceQueue } from "@wd/wd";
 * await using env = simulatedEnv("queues=1");
 * using held = UacceQueue.open(env, "hisi_zip-4");
 * try {
 *   UacceQueue.open(env, "hisi_zip-4");
 * } catch (err) {
 *   if (!(err instanceof BusyError)) throw err;
 *   console.log("busy:", err.message);
 * }
 * ```
 */
export class BusyError extends WdError {
  /**
   * Makes the error.
   *
   * @param message What is busy.
   * @param options Hint (who holds it) and cause.
   */
  constructor(message: string, options: WdErrorSubclassOptions = {}) {
    super(message, { ...options, exitCode: ExitCode.BUSY });
    this.name = "BusyError";
  }
}

/**
 * Not supported here (exit code 6): no usable hardware, a legacy kernel, a device without
 * SVA, a host without mdev support.
 *
 * @example The hardware engine on a machine whose devices the kernel isolated
 * ```ts
 * import { simulatedEnv, UnsupportedError, ZipStream } from "@wd/wd";
 * await using env = simulatedEnv("isolated");
 * const zs = new ZipStream({ engine: "hw", env });
 * const err = await new Response(ReadableStream.from([new Uint8Array(10)]).pipeThrough(zs))
 *   .bytes().then(() => null, (e) => e);
 * console.log(err instanceof UnsupportedError, err?.exitCode); // true 6
 * ```
 */
export class UnsupportedError extends WdError {
  /**
   * Makes the error.
   *
   * @param message What is not supported, and why.
   * @param options Hint and cause.
   */
  constructor(message: string, options: WdErrorSubclassOptions = {}) {
    super(message, { ...options, exitCode: ExitCode.UNSUPPORTED });
    this.name = "UnsupportedError";
  }
}

/**
 * The error of an exit code's class: {@linkcode NotFoundError} for 3, and so on; a plain
 * {@linkcode WdError} for 1 (and for codes without a class of their own).
 *
 * @param message The message.
 * @param options Exit code, hint and cause.
 * @returns The error.
 *
 * @example
 * ```ts
 * import { ExitCode, NotFoundError, wdError } from "@wd/wd";
 * const err = wdError("Cannot find mdev parent \"0000:3b:00.0\"", { exitCode: ExitCode.NOT_FOUND });
 * console.log(err instanceof NotFoundError); // true
 * ```
 */
export function wdError(message: string, options: WdErrorOptions = {}): WdError {
  const { exitCode, ...rest } = options;
  switch (exitCode) {
    case ExitCode.USAGE:
      return new UsageError(message, rest);
    case ExitCode.NOT_FOUND:
      return new NotFoundError(message, rest);
    case ExitCode.PERMISSION:
      return new PermissionError(message, rest);
    case ExitCode.BUSY:
      return new BusyError(message, rest);
    case ExitCode.UNSUPPORTED:
      return new UnsupportedError(message, rest);
    default:
      return new WdError(message, options);
  }
}

/**
 * The exit code an error maps to: a {@linkcode WdError}'s own, 1 for anything else.
 *
 * @param err Anything thrown.
 * @returns The exit code.
 *
 * @example
 * ```ts
 * import { BusyError, exitCodeOf } from "@wd/wd";
 * console.log(exitCodeOf(new BusyError("All queues are in use"))); // 5
 * console.log(exitCodeOf(new Error("bug"))); // 1
 * ```
 */
export function exitCodeOf(err: unknown): ExitCodeValue {
  return err instanceof WdError ? err.exitCode : ExitCode.FAILURE;
}
