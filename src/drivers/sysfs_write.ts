/**
 * Writing sysfs attributes through the syscall layer, so the errno the kernel's `store()`
 * returned is known exactly (EEXIST, EUSERS, EACCES, ...) rather than guessed from a message.
 *
 * @module
 */

import type { Env } from "../env.ts";
import { Errno } from "../ffi/errno.ts";
import { SysError } from "../ffi/sys_error.ts";
import { O_WRONLY } from "../ffi/sys.ts";

/**
 * Writes `text` to a sysfs attribute in one write(2), as `echo -n text > path` does.
 *
 * @param env The environment (its `sys` does the writing).
 * @param path The attribute's absolute path.
 * @param text The exact text to write (no newline is added).
 * @throws SysError from open(2) or write(2); a short write is EIO.
 */
export function writeAttr(env: Env, path: string, text: string): void {
  const bytes = new TextEncoder().encode(text);
  const fd = env.sys.open(path, O_WRONLY);
  try {
    const n = env.sys.write(fd, bytes);
    if (n !== bytes.length) throw new SysError(`write ${bytes.length} bytes to`, Errno.EIO, path);
  } finally {
    closeQuietly(env, fd);
  }
}

function closeQuietly(env: Env, fd: number): void {
  try {
    env.sys.close(fd);
  } catch {
    // the write's outcome is what matters; a failing close of a sysfs file changes nothing
  }
}
