/**
 * Linux errno numbers and names (asm-generic, shared by x86_64 and arm64).
 *
 * Source: include/uapi/asm-generic/errno-base.h and errno.h in the Linux tree.
 *
 * @module
 */

/** errno value → [symbolic name, description in sentence-case-free lower case]. */
const TABLE: Record<number, readonly [string, string]> = {
  1: ["EPERM", "operation not permitted"],
  2: ["ENOENT", "no such file or directory"],
  3: ["ESRCH", "no such process"],
  4: ["EINTR", "interrupted system call"],
  5: ["EIO", "input/output error"],
  6: ["ENXIO", "no such device or address"],
  7: ["E2BIG", "argument list too long"],
  8: ["ENOEXEC", "exec format error"],
  9: ["EBADF", "bad file descriptor"],
  10: ["ECHILD", "no child processes"],
  11: ["EAGAIN", "resource temporarily unavailable"],
  12: ["ENOMEM", "cannot allocate memory"],
  13: ["EACCES", "permission denied"],
  14: ["EFAULT", "bad address"],
  15: ["ENOTBLK", "block device required"],
  16: ["EBUSY", "device or resource busy"],
  17: ["EEXIST", "file exists"],
  18: ["EXDEV", "invalid cross-device link"],
  19: ["ENODEV", "no such device"],
  20: ["ENOTDIR", "not a directory"],
  21: ["EISDIR", "is a directory"],
  22: ["EINVAL", "invalid argument"],
  23: ["ENFILE", "too many open files in system"],
  24: ["EMFILE", "too many open files"],
  25: ["ENOTTY", "inappropriate ioctl for device"],
  26: ["ETXTBSY", "text file busy"],
  27: ["EFBIG", "file too large"],
  28: ["ENOSPC", "no space left on device"],
  29: ["ESPIPE", "illegal seek"],
  30: ["EROFS", "read-only file system"],
  31: ["EMLINK", "too many links"],
  32: ["EPIPE", "broken pipe"],
  33: ["EDOM", "numerical argument out of domain"],
  34: ["ERANGE", "numerical result out of range"],
  35: ["EDEADLK", "resource deadlock avoided"],
  36: ["ENAMETOOLONG", "file name too long"],
  37: ["ENOLCK", "no locks available"],
  38: ["ENOSYS", "function not implemented"],
  39: ["ENOTEMPTY", "directory not empty"],
  40: ["ELOOP", "too many levels of symbolic links"],
  61: ["ENODATA", "no data available"],
  62: ["ETIME", "timer expired"],
  75: ["EOVERFLOW", "value too large for defined data type"],
  84: ["EILSEQ", "invalid or incomplete multibyte or wide character"],
  87: ["EUSERS", "too many users"],
  95: ["EOPNOTSUPP", "operation not supported"],
  98: ["EADDRINUSE", "address already in use"],
  103: ["ECONNABORTED", "software caused connection abort"],
  104: ["ECONNRESET", "connection reset by peer"],
  110: ["ETIMEDOUT", "connection timed out"],
  114: ["EALREADY", "operation already in progress"],
  115: ["EINPROGRESS", "operation now in progress"],
  121: ["EREMOTEIO", "remote I/O error"],
  122: ["EDQUOT", "disk quota exceeded"],
  125: ["ECANCELED", "operation canceled"],
  130: ["EOWNERDEAD", "owner died"],
  524: ["ENOTSUPP", "operation is not supported"],
};

const BY_NAME: Record<string, number> = Object.fromEntries(
  Object.entries(TABLE).map(([n, [name]]) => [name, Number(n)]),
);
BY_NAME["EWOULDBLOCK"] = 11;
BY_NAME["ENOTSUP"] = 95;

/** Well-known errno values used by name in the code. */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENOTTY: 25,
  EFBIG: 27,
  ENOSPC: 28,
  EROFS: 30,
  EPIPE: 32,
  ENOSYS: 38,
  ENODATA: 61,
  EUSERS: 87,
  EOPNOTSUPP: 95,
  ETIMEDOUT: 110,
} as const;

/**
 * The symbolic name of an errno value.
 *
 * @param errno The errno value.
 * @returns The name, such as `"EACCES"`, or `"E<number>"` when it is not in the table.
 *
 * @example Name an errno
 * ```ts
 * import { errnoName } from "./errno.ts";
 * console.log(errnoName(13)); // "EACCES"
 * ```
 */
export function errnoName(errno: number): string {
  return TABLE[errno]?.[0] ?? `E${errno}`;
}

/**
 * A short lower-case description of an errno value, as `strerror` gives it.
 *
 * @param errno The errno value.
 * @returns The description, such as `"permission denied"`.
 */
export function errnoText(errno: number): string {
  return TABLE[errno]?.[1] ?? `error ${errno}`;
}

/**
 * The errno value of a symbolic name.
 *
 * @param name A name such as `"ENOENT"`.
 * @returns The number, or `undefined` when the name is unknown.
 */
export function errnoByName(name: string): number | undefined {
  return BY_NAME[name];
}
