/**
 * The environment object passed down to everything: where `sys/` and `dev/` are, the
 * syscall layer, the file reader, and the output streams. Production uses `/`, libc and the
 * process's stdout/stderr; tests use temp trees, the device model and captured output.
 *
 * @module
 */

import { Errno } from "./ffi/errno.ts";
import { fromDenoError, SysError } from "./ffi/sys_error.ts";
import { libcSys, O_CLOEXEC, O_NOCTTY, O_NONBLOCK, O_RDONLY, type Sys } from "./ffi/sys.ts";
import { errno, libc } from "./ffi/libc.ts";

/** One directory entry. */
export interface DirEntry {
  /** File name. */
  name: string;
  /** Whether it is a directory (not following symlinks). */
  isDirectory: boolean;
  /** Whether it is a symlink. */
  isSymlink: boolean;
}

/** The subset of file metadata wd reports. */
export interface FileStat {
  /** Permission and type bits (st_mode). */
  mode: number;
  /** Owner uid. */
  uid: number;
  /** Owner gid. */
  gid: number;
  /** Whether it is a character device. */
  isCharDevice: boolean;
  /** Whether it is a directory. */
  isDirectory: boolean;
  /** Whether it is a regular file. */
  isFile: boolean;
  /** Device number for device nodes (st_rdev). */
  rdev: number;
}

/** Synchronous file reads. Every method throws SysError on failure. */
export interface Fs {
  /**
   * Reads a small kernel file (an attribute) as UTF-8: a regular file of at most
   * {@linkcode MAX_ATTRIBUTE_BYTES}; {@linkcode NotAnAttribute} for anything else.
   */
  readText(path: string): string;
  /** Lists a directory. */
  readDir(path: string): DirEntry[];
  /** Reads a symlink's target. */
  readLink(path: string): string;
  /** Resolves every symlink in a path. */
  realPath(path: string): string;
  /** stat(2), following symlinks. */
  stat(path: string): FileStat;
  /** Whether a path exists (following symlinks). */
  exists(path: string): boolean;
}

/** A synchronous output stream. */
export interface Output {
  /** Writes all of `chunk`. */
  write(chunk: string | Uint8Array): void;
  /** Whether the stream is a terminal. */
  isTerminal(): boolean;
  /** Flushes what was written to disk, where that means something (not for a pipe). */
  sync?(): void;
}

/**
 * Everything a command or driver needs from the outside world.
 *
 * @example Take an environment, never reach for the host
 * ```ts
 * import { type Env, listDevices, processEnv } from "@wd/wd";
 * function zipDevices(env: Env): string[] {
 *   return listDevices(env).filter((d) => d.kind === "zip").map((d) => d.name);
 * }
 * console.log(zipDevices(processEnv())); // the devices of this host ([] without uacce)
 * ```
 */
export interface Env {
  /** Root prefix under which `sys/` and `dev/` are read; `/` in production. */
  readonly root: string;
  /** System calls (libc, or the device model). */
  readonly sys: Sys;
  /** File reads (Deno's file API; tests may inject faults). */
  readonly fs: Fs;
  /** Standard output. */
  readonly stdout: Output;
  /** Standard error. */
  readonly stderr: Output;
  /** Reads an environment variable. */
  getenv(name: string): string | undefined;
}

/**
 * A path under the environment's root.
 *
 * @param env The environment.
 * @param rel A path relative to the root, such as `"sys/class/uacce"`.
 * @returns The absolute path.
 *
 * @example
 * ```ts
 * import { hostPath } from "@wd/wd/low-level";
 * console.log(hostPath({ root: "/mnt/host" } as never, "sys/class/uacce")); // /mnt/host/sys/class/uacce
 * ```
 */
export function hostPath(env: Pick<Env, "root">, rel: string): string {
  const root = env.root.replace(/\/+$/, "");
  return `${root}/${rel.replace(/^\/+/, "")}`;
}

function wrap<T>(op: string, path: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw fromDenoError(err, op, path, { exitCode: "errno" });
  }
}

/**
 * Most bytes of a file {@linkcode denoFs} reads. Kernel attributes (sysfs, procfs, module
 * parameters) are at most a page, 64 KiB with the largest pages: anything longer is not one.
 */
export const MAX_ATTRIBUTE_BYTES = 64 * 1024;

/** A file where an attribute should be that cannot be one (a FIFO, a device, megabytes). */
export class NotAnAttribute extends Error {
  /** What it is instead. */
  readonly what: string;

  /**
   * Makes the error.
   *
   * @param path The file.
   * @param what What it is instead (`a FIFO`, `longer than 64 KiB`).
   */
  constructor(path: string, what: string) {
    super(`Cannot read "${path}" as an attribute: ${what}`);
    this.name = "NotAnAttribute";
    this.what = what;
  }
}

/**
 * Reads a small kernel file as sysfs attributes are: a regular file only (never a device, FIFO
 * or socket, which could block or never end), opened non-blocking, at most
 * {@linkcode MAX_ATTRIBUTE_BYTES}, bytes that are not UTF-8 shown as U+FFFD.
 */
function readAttribute(path: string): string {
  const st = wrap("read", path, () => Deno.statSync(path));
  if (st.isDirectory) throw new SysError("read", Errno.EISDIR, path);
  if (!st.isFile) {
    throw new NotAnAttribute(
      path,
      st.isFifo
        ? "a FIFO"
        : st.isCharDevice
        ? "a character device"
        : st.isBlockDevice
        ? "a block device"
        : st.isSocket
        ? "a socket"
        : "not a regular file",
    );
  }
  const sys = libcSys();
  const fd = sys.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  try {
    const buf = new Uint8Array(MAX_ATTRIBUTE_BYTES + 1);
    let n = 0;
    for (let got; n < buf.length && (got = sys.read(fd, buf.subarray(n))) > 0;) n += got;
    if (n > MAX_ATTRIBUTE_BYTES) {
      throw new NotAnAttribute(path, `longer than ${MAX_ATTRIBUTE_BYTES >> 10} KiB`);
    }
    return new TextDecoder().decode(buf.subarray(0, n));
  } finally {
    sys.close(fd);
  }
}

/** The file reader over Deno's synchronous file API (and libc, for bounded reads). */
export const denoFs: Fs = {
  readText: readAttribute,
  readDir: (path) =>
    wrap("list", path, () =>
      Array.from(Deno.readDirSync(path), (e) => ({
        name: e.name,
        isDirectory: e.isDirectory,
        isSymlink: e.isSymlink,
      }))),
  readLink: (path) => wrap("read link", path, () => Deno.readLinkSync(path)),
  realPath: (path) => wrap("resolve", path, () => Deno.realPathSync(path)),
  stat: (path) =>
    wrap("stat", path, () => {
      const s = Deno.statSync(path);
      return {
        mode: s.mode ?? 0,
        uid: s.uid ?? 0,
        gid: s.gid ?? 0,
        isCharDevice: s.isCharDevice ?? false,
        isDirectory: s.isDirectory,
        isFile: s.isFile,
        rdev: s.rdev ?? 0,
      };
    }),
  exists: (path) => {
    try {
      Deno.statSync(path);
      return true;
    } catch {
      return false;
    }
  },
};

/**
 * An output over a Deno file (stdout, stderr).
 *
 * @param file The file to write to.
 * @param fd Its descriptor, to flush it to disk ({@linkcode Output.sync}).
 * @returns An Output writing synchronously and completely.
 */
export function fileOutput(
  file: Deno.FsFile | typeof Deno.stdout | typeof Deno.stderr,
  fd?: number,
): Output {
  const enc = new TextEncoder();
  return {
    write(chunk) {
      let bytes = typeof chunk === "string" ? enc.encode(chunk) : chunk;
      while (bytes.length > 0) bytes = bytes.subarray(file.writeSync(bytes));
    },
    isTerminal: () => file.isTerminal(),
    ...(fd === undefined ? {} : { sync: () => syncData(fd) }),
  };
}

/** fdatasync(2) of an open descriptor; a pipe or a terminal (EINVAL) needs none, as for gzip. */
function syncData(fd: number): void {
  if (libc().fdatasync(fd) === 0) return;
  const e = errno();
  if (e !== Errno.EINVAL && e !== Errno.EROFS) throw new SysError("sync", e, `fd ${fd}`);
}

/**
 * Set by bin/wd when wd was started with its standard output closed (`wd unzip -c f.gz >&-`):
 * Deno opens /dev/null there before wd runs, which would swallow the output silently.
 */
export const STDOUT_CLOSED_VAR = "WD_STDOUT_CLOSED";

/** An output whose file descriptor was closed: every write fails with EBADF, as in gzip. */
function closedOutput(name: string): Output {
  return {
    write() {
      throw new SysError("write", Errno.EBADF, name);
    },
    isTerminal: () => false,
  };
}

/**
 * Options for {@linkcode hostEnv} (and the library's `processEnv`).
 *
 * @example Read a host's tree mounted elsewhere
 * ```ts
 * import { listDevices, processEnv } from "@wd/wd";
 * import { FakeRoot, kunpeng930 } from "@wd/wd/testing";
 * using tree = kunpeng930(FakeRoot.create()); // a host's sysfs, as mounted under a directory
 * console.log(listDevices(processEnv({ root: tree.root })).map((d) => d.name)); // [ "hisi_hpre-0", "hisi_sec2-1", "hisi_zip-2" ]
 * ```
 */
export interface ProcessEnvOptions {
  /** Root prefix; defaults to `$WD_ROOT`, then `/`. */
  root?: string | undefined;
  /** A syscall layer to use instead of libc. */
  sys?: Sys | undefined;
}

/**
 * This process on this host: `/` (or `options.root`, or `$WD_ROOT`), libc, stdout, stderr, the
 * process's variables. Never a simulated machine: the library's `processEnv` (which honours
 * `WD_SIM`) and `wd --sim` build those.
 *
 * @param options Overrides.
 * @returns The environment.
 */
export function hostEnv(options: ProcessEnvOptions = {}): Env {
  return {
    root: options.root ?? Deno.env.get("WD_ROOT") ?? "/",
    sys: options.sys ?? libcSys(),
    fs: denoFs,
    stdout: Deno.env.get(STDOUT_CLOSED_VAR) === "1"
      ? closedOutput("stdout")
      : fileOutput(Deno.stdout, 1),
    stderr: fileOutput(Deno.stderr),
    getenv: (name) => Deno.env.get(name),
  };
}

/**
 * The host environment, as {@linkcode hostEnv}: the name the CLI (main.ts) and the benchmarks
 * import. It does not read `WD_SIM` (the CLI handles `--sim` and `WD_SIM` itself); scripts use
 * the library's `processEnv` (`@wd/wd`), which does.
 */
export const processEnv: (options?: ProcessEnvOptions) => Env = hostEnv;
