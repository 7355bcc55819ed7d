/**
 * wd's own errors and its exit codes.
 *
 * @module
 */

import { Errno } from "./ffi/errno.ts";
import { SysError } from "./ffi/sys_error.ts";

/** Process exit codes, documented in `wd --help` and the README. */
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

/** One of the {@linkcode ExitCode} values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Options for {@linkcode WdError}. */
export interface WdErrorOptions extends ErrorOptions {
  /** Exit code; defaults to {@linkcode ExitCode.FAILURE}. */
  exitCode?: ExitCodeValue;
  /** One line telling the user what to do. */
  hint?: string | undefined;
}

/**
 * An error meant for the user: what failed, on what, why; an exit code; a hint.
 *
 * @example
 * ```ts
 * import { ExitCode, WdError } from "./errors.ts";
 * const err = new WdError('Cannot find device "hisi_zip-9"', {
 *   exitCode: ExitCode.NOT_FOUND,
 *   hint: "devices: hisi_zip-4, hisi_zip-5",
 * });
 * console.log(err.exitCode); // 3
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
 * The exit code an error maps to.
 *
 * @param err Anything thrown.
 * @returns The exit code.
 */
export function exitCodeOf(err: unknown): ExitCodeValue {
  if (err instanceof WdError) return err.exitCode;
  if (err instanceof SysError) {
    switch (err.errno) {
      case Errno.EACCES:
      case Errno.EPERM:
        return ExitCode.PERMISSION;
      case Errno.ENOENT:
      case Errno.ENODEV:
        return ExitCode.NOT_FOUND;
      case Errno.EBUSY:
        return ExitCode.BUSY;
    }
  }
  return ExitCode.FAILURE;
}
