/**
 * Files for `wd zip`: reading in reused chunks, and writing an output that appears only when
 * complete (a temp file in the output's directory, fsync, rename), with the input's mode and
 * times carried over. Temp files still open are recorded, so a signal handler can remove them
 * synchronously before the process exits.
 *
 * @module
 */

import { renameNoReplace } from "../ffi/rename.ts";
import { fromDenoError, SysError } from "../ffi/sys_error.ts";

/** Read size for files and pipes. */
export const READ_SIZE = 256 * 1024;

/** Something to read from: a file or stdin. */
export interface Readable {
  /** Reads into `p`; null at the end. */
  read(p: Uint8Array): Promise<number | null>;
  /** Reads into `p` without a round trip through the event loop; null at the end. */
  readSync?(p: Uint8Array): number | null;
}

/**
 * Reads a file or pipe to its end. The chunk yielded is valid only until the next one is
 * asked for (one buffer is reused: memory stays flat whatever the size). A regular file is
 * read synchronously when the source can: such a read never waits for a writer, and it costs
 * a third of an asynchronous one, time the compressing thread would otherwise lose.
 *
 * @param source What to read.
 * @param name Its name, for errors.
 * @param options Whether the source is a regular file; the read size.
 * @returns The chunks.
 */
export async function* readChunks(
  source: Readable,
  name: string,
  options: { regularFile?: boolean; size?: number } = {},
): AsyncGenerator<Uint8Array> {
  const buf = new Uint8Array(options.size ?? READ_SIZE);
  const readSync = options.regularFile ? source.readSync?.bind(source) : undefined;
  for (;;) {
    let n: number | null;
    try {
      n = readSync ? readSync(buf) : await source.read(buf);
    } catch (err) {
      throw fromDenoError(err, "read", name);
    }
    if (n === null) return;
    if (n > 0) yield buf.subarray(0, n);
  }
}

const live = new Set<string>();

/**
 * Removes every temp output still being written. Synchronous, for signal handlers.
 *
 * @returns The paths removed.
 */
export function removeLiveOutputs(): string[] {
  const removed: string[] = [];
  for (const p of live) {
    try {
      Deno.removeSync(p);
      removed.push(p);
    } catch {
      // already gone
    }
  }
  live.clear();
  return removed;
}

/** What {@linkcode OutputFile.commit} carries over from the input. */
export interface Finish {
  /** Permission bits. */
  mode?: number | undefined;
  /** Access time. */
  atime?: Date | null | undefined;
  /** Modification time. */
  mtime?: Date | null | undefined;
  /** Owner and group (set when the process may; silently kept otherwise, as gzip does). */
  uid?: number | null | undefined;
  /** Group. */
  gid?: number | null | undefined;
}

/** An output file written under a temp name and renamed into place when complete. */
export class OutputFile implements Disposable {
  readonly path: string;
  readonly tempPath: string;
  #file: Deno.FsFile | undefined;

  private constructor(path: string, tempPath: string, file: Deno.FsFile) {
    this.path = path;
    this.tempPath = tempPath;
    this.#file = file;
  }

  /**
   * Creates the temp file next to `path` (mode 0600 until committed).
   *
   * @param path The final name.
   * @returns The open output.
   * @throws SysError when the directory is not writable.
   */
  static create(path: string): OutputFile {
    const slash = path.lastIndexOf("/");
    const dir = slash < 0 ? "" : path.slice(0, slash + 1);
    const base = path.slice(slash + 1);
    for (let attempt = 0;; attempt++) {
      const rand = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36);
      const temp = `${dir}.${base}.${rand}.wd-partial`;
      try {
        const file = Deno.openSync(temp, { write: true, createNew: true, mode: 0o600 });
        live.add(temp);
        return new OutputFile(path, temp, file);
      } catch (err) {
        if (err instanceof Deno.errors.AlreadyExists && attempt < 8) continue;
        throw fromDenoError(err, "create", path);
      }
    }
  }

  /**
   * Writes all of `chunk`.
   *
   * @param chunk The bytes.
   */
  write(chunk: Uint8Array): void {
    const f = this.#file;
    if (!f) throw new Error(`Output "${this.path}" is closed`);
    try {
      let rest = chunk;
      while (rest.length > 0) rest = rest.subarray(f.writeSync(rest));
    } catch (err) {
      throw fromDenoError(err, "write", this.path);
    }
  }

  /** Empties the output, to write it again from the start. */
  rewind(): void {
    const f = this.#file;
    if (!f) throw new Error(`Output "${this.path}" is closed`);
    try {
      f.truncateSync(0);
      f.seekSync(0, Deno.SeekMode.Start);
    } catch (err) {
      throw fromDenoError(err, "truncate", this.tempPath);
    }
  }

  /**
   * Makes the output final: fsync, close, rename over its path, then mode and times.
   *
   * @param finish Mode and times to set.
   * @param path The final name, when not the one it was created for (`-N`).
   * @param options `replace`: put it over a file of that name (`-f`); otherwise a file that
   *   appeared there meanwhile is left alone and {@linkcode OutputExists} is thrown.
   */
  commit(finish: Finish, path: string = this.path, options: { replace?: boolean } = {}): void {
    const f = this.#file!;
    try {
      f.syncSync();
    } catch (err) {
      throw fromDenoError(err, "sync", this.path);
    }
    f.close();
    this.#file = undefined;
    if (options.replace) {
      try {
        Deno.renameSync(this.tempPath, path);
      } catch (err) {
        throw fromDenoError(err, "rename into", path);
      }
    } else {
      placeNew(this.tempPath, path);
    }
    live.delete(this.tempPath);
    try {
      Deno.chownSync(path, finish.uid ?? null, finish.gid ?? null);
    } catch {
      // not root: the output keeps this user's ownership, as with gzip
    }
    try {
      if (finish.mode !== undefined) Deno.chmodSync(path, finish.mode & 0o7777);
      if (finish.mtime) Deno.utimeSync(path, finish.atime ?? finish.mtime, finish.mtime);
    } catch (err) {
      throw fromDenoError(err, "set the mode and times of", path);
    }
  }

  /** Closes and removes the temp file, unless committed. */
  [Symbol.dispose](): void {
    if (this.#file) {
      try {
        this.#file.close();
      } catch {
        // already closed
      }
      this.#file = undefined;
    }
    if (live.delete(this.tempPath)) {
      try {
        Deno.removeSync(this.tempPath);
      } catch {
        // nothing to remove
      }
    }
  }
}

/**
 * lstat(2) as a SysError-throwing call, or null when the path does not exist.
 *
 * @param path The path.
 * @returns The info, or null.
 */
export function lstatOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.lstatSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw fromDenoError(err, "stat", path);
  }
}

/**
 * Removes a file, as a SysError-throwing call.
 *
 * @param path The path.
 */
export function removeFile(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (err) {
    const e = fromDenoError(err, "remove", path);
    throw e instanceof SysError ? e : err;
  }
}

/** The output's name was taken (by another process) while the output was being written. */
export class OutputExists extends Error {
  /** The name. */
  readonly path: string;

  /**
   * Makes the error.
   *
   * @param path The name that exists.
   */
  constructor(path: string) {
    super(`${path} already exists`);
    this.name = "OutputExists";
    this.path = path;
  }
}

/**
 * Gives `temp` the name `path` only if no file has it, atomically: a hard link (which fails on
 * an existing name) and then the temp name removed. Where the file system has no hard links,
 * renameat2(RENAME_NOREPLACE) does the same in one call.
 */
function placeNew(temp: string, path: string): void {
  try {
    Deno.linkSync(temp, path);
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) throw new OutputExists(path);
    const e = fromDenoError(err, "link", path);
    if (!(e instanceof SysError) || !NO_HARD_LINKS.has(e.code)) throw e;
    try {
      renameNoReplace(temp, path);
    } catch (err) {
      if (err instanceof SysError && err.code === "EEXIST") throw new OutputExists(path);
      throw err;
    }
    return;
  }
  try {
    Deno.removeSync(temp);
  } catch (err) {
    throw fromDenoError(err, "remove", temp);
  }
}

/** link(2) errors of a file system without hard links (vfat, some FUSE and network mounts). */
const NO_HARD_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "EXDEV", "ENOSYS", "EMLINK"]);
