/**
 * The typed error every syscall wrapper throws.
 *
 * @module
 */

import { errnoByName, errnoName, errnoText } from "./errno.ts";

/**
 * A failed system call: which operation, on which path or device, and the errno.
 *
 * The message follows the house style:
 * `Cannot open "/dev/hisi_zip-4": permission denied (EACCES)`.
 *
 * @example Throw and inspect
 * ```ts
 * import { SysError } from "./sys_error.ts";
 * const e = new SysError("open", 13, "/dev/hisi_zip-4");
 * console.log(e.code, e.message); // EACCES Cannot open "/dev/hisi_zip-4": permission denied (EACCES)
 * ```
 */
export class SysError extends Error {
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
   * @param options Standard error options (`cause`).
   */
  constructor(op: string, errno: number, path?: string, options?: ErrorOptions) {
    const where = path === undefined ? "" : ` "${path}"`;
    super(`Cannot ${op}${where}: ${errnoText(errno)} (${errnoName(errno)})`, options);
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
 * @param err What the Deno API threw.
 * @param op The operation, as a verb phrase.
 * @param path The path it was called on.
 * @returns A SysError, or the original error when it is not a system error.
 */
export function fromDenoError(err: unknown, op: string, path: string): SysError | unknown {
  if (!(err instanceof Error)) return err;
  const m = /\(os error (\d+)\)/.exec(err.message);
  if (m) return new SysError(op, Number(m[1]), path, { cause: err });
  const code = (err as { code?: unknown }).code;
  const errno = typeof code === "string" ? errnoByName(code) : undefined;
  if (errno !== undefined) return new SysError(op, errno, path, { cause: err });
  return err;
}
