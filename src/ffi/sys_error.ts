/**
 * The typed error every syscall wrapper throws.
 *
 * @module
 */

import { ExitCode, type ExitCodeValue, WdError } from "../errors.ts";
import { Errno, errnoByName, errnoName, errnoText } from "./errno.ts";

/** Options of {@linkcode SysError}. */
export interface SysErrorOptions extends ErrorOptions {
  /** The exit code; by default the errno's ({@linkcode errnoExitCode}). */
  exitCode?: ExitCodeValue | undefined;
}

/**
 * The exit code of a failed system call on wd's own objects (device nodes, sysfs): ENOENT and
 * ENODEV are not found (3), EACCES and EPERM permission (4), EBUSY busy (5), anything else 1.
 *
 * @param errno The errno.
 * @returns The exit code.
 */
export function errnoExitCode(errno: number): ExitCodeValue {
  switch (errno) {
    case Errno.EACCES:
    case Errno.EPERM:
      return ExitCode.PERMISSION;
    case Errno.ENOENT:
    case Errno.ENODEV:
      return ExitCode.NOT_FOUND;
    case Errno.EBUSY:
      return ExitCode.BUSY;
    default:
      return ExitCode.FAILURE;
  }
}

/**
 * A failed system call: which operation, on which path or device, and the errno. A
 * {@linkcode WdError} whose exit code follows the errno ({@linkcode errnoExitCode}), except
 * for ordinary files (see {@linkcode fromDenoError}).
 *
 * The message follows the house style:
 * `Cannot open "/dev/hisi_zip-4": permission denied (EACCES)`.
 *
 * @example Throw and inspect
 * ```ts
 * import { SysError } from "@wd/wd";
 * const e = new SysError("open", 13, "/dev/hisi_zip-4");
 * console.log(e.code, e.exitCode, e.message); // EACCES 4 Cannot open "/dev/hisi_zip-4": permission denied (EACCES)
 * ```
 */
export class SysError extends WdError {
  /** The operation that failed, as a verb phrase ("open", "mmap DUS region of"). */
  readonly op: string;
  /** The path or device the operation was on, when there is one. */
  readonly path: string | undefined;
  /** The errno value. */
  readonly errno: number;
  /** The symbolic errno name, such as `"EACCES"`. */
  readonly code: string;

  /**
   * Makes the error and its message.
   *
   * @param op The operation, as a verb phrase.
   * @param errno The errno the call left.
   * @param path The path or device name, if any.
   * @param options The exit code (by default the errno's) and `cause`.
   */
  constructor(op: string, errno: number, path?: string, options: SysErrorOptions = {}) {
    const where = path === undefined ? "" : ` "${path}"`;
    super(`Cannot ${op}${where}: ${errnoText(errno)} (${errnoName(errno)})`, {
      cause: options.cause,
      exitCode: options.exitCode ?? errnoExitCode(errno),
    });
    this.name = "SysError";
    this.op = op;
    this.path = path;
    this.errno = errno;
    this.code = errnoName(errno);
  }
}

/**
 * Turns an error thrown by a Deno file API into a {@linkcode SysError}.
 *
 * Deno's errors carry the errno as `(os error N)` in the message and its name in `code`.
 * Errors that carry neither (permission errors of Deno's own sandbox) are returned unchanged.
 *
 * The error's exit code is 1 unless `options.exitCode` says otherwise: an ordinary file that
 * cannot be read or written is a failure, as for gzip and cp (exit codes 3 to 5 are about
 * wd's own objects; wd's sysfs readers pass {@linkcode errnoExitCode}'s).
 *
 * @param err What the Deno API threw.
 * @param op The operation, as a verb phrase.
 * @param path The path it was called on.
 * @param options The exit code.
 * @returns A SysError, or the original error when it is not a system error.
 */
export function fromDenoError(
  err: unknown,
  op: string,
  path: string,
  options: { exitCode?: ExitCodeValue | "errno" } = {},
): SysError | unknown {
  if (!(err instanceof Error)) return err;
  const m = /\(os error (\d+)\)/.exec(err.message);
  const code = (err as { code?: unknown }).code;
  const errno = m ? Number(m[1]) : typeof code === "string" ? errnoByName(code) : undefined;
  if (errno === undefined) return err;
  const exitCode = options.exitCode === "errno"
    ? errnoExitCode(errno)
    : options.exitCode ?? ExitCode.FAILURE;
  return new SysError(op, errno, path, { cause: err, exitCode });
}
