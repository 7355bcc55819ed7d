/**
 * rename(2) that never replaces: renameat2 with RENAME_NOREPLACE (Linux 3.15, glibc 2.28).
 *
 * @module
 */

import { cString, errno, libc } from "./libc.ts";
import { Errno } from "./errno.ts";
import { ExitCode } from "../errors.ts";
import { fromDenoError, SysError } from "./sys_error.ts";

/** An ordinary file that cannot be renamed is a failure (exit 1), as in {@linkcode fromDenoError}. */
const FILE = { exitCode: ExitCode.FAILURE } as const;

/** `AT_FDCWD`: paths relative to the working directory. */
const AT_FDCWD = -100;
/** `RENAME_NOREPLACE` (include/uapi/linux/fs.h). */
const RENAME_NOREPLACE = 1;

/**
 * Renames `from` to `to` unless `to` exists, in one atomic step. On a file system that cannot
 * (renameat2 fails with EINVAL there), `to` is checked first and then renamed: the best such a
 * file system allows.
 *
 * @param from The existing name.
 * @param to The new name.
 * @throws SysError EEXIST when `to` exists, or as rename(2) fails (exit code 1).
 */
export function renameNoReplace(from: string, to: string): void {
  const rc = libc().renameat2(AT_FDCWD, cString(from), AT_FDCWD, cString(to), RENAME_NOREPLACE);
  if (rc === 0) return;
  const e = errno();
  if (e !== Errno.EINVAL && e !== Errno.ENOSYS) throw new SysError("rename into", e, to, FILE);
  try {
    Deno.lstatSync(to);
    throw new SysError("rename into", Errno.EEXIST, to, FILE);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  try {
    Deno.renameSync(from, to);
  } catch (err) {
    throw fromDenoError(err, "rename into", to);
  }
}
