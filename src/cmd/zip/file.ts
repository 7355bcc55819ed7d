/**
 * One operand of `wd zip`/`wd unzip`: which file it is (gzip's rules for symlinks,
 * directories, special files, hard links, suffixes, existing outputs), then the data through
 * the engine to a file, stdout or nowhere (`-t`).
 *
 * @module
 */

import { sigpipeIgnored } from "../../cleanup.ts";
import { WdError } from "../../errors.ts";
import { fromDenoError } from "../../ffi/sys_error.ts";
import type { Engine, GzipHeader } from "../../zip/engine.ts";
import { DeviceOutputError } from "../../zip/errors.ts";
import { ZipDataError } from "../../zip/errors.ts";
import { lstatOrNull, OutputExists, OutputFile, readChunks, removeFile } from "../../zip/files.ts";
import { GZIP_MAGIC, OS_UNIX } from "../../zip/gzip_header.ts";
import { isZlibHeader } from "../../zip/framing.ts";
import type { ZipRun } from "./run.ts";
import { listFile } from "./list.ts";
import {
  compressedCandidates,
  compressedSuffixOf,
  decompressedName,
  fromLatin1Bytes,
  latin1Bytes,
} from "./names.ts";
import { ratioText, StdoutClosed } from "./report.ts";
import { transform, type TransformResult } from "./transform.ts";

const SPECIAL_BITS = 0o7000; // setuid, setgid, sticky

/**
 * Processes one operand (a path or `-`); failures are reported, not thrown.
 *
 * @param run The run.
 * @param arg The operand.
 */
export async function processItem(run: ZipRun, arg: string): Promise<void> {
  try {
    await new FileJob(run).run(arg);
  } catch (err) {
    run.report.error(err);
  }
}

/** The work on one operand. */
export class FileJob {
  readonly #run: ZipRun;

  /**
   * Makes the job.
   *
   * @param run The run it belongs to.
   */
  constructor(run: ZipRun) {
    this.#run = run;
  }

  /**
   * Processes a path (or `-`), recursing into directories with `-r`.
   *
   * @param arg The operand.
   */
  async run(arg: string): Promise<void> {
    if (arg === "-") return await this.#stdin();
    await this.#path(arg);
  }

  async #path(path: string): Promise<void> {
    const run = this.#run;
    const o = run.options;
    let found = path;
    let st = lstatOrNull(path);
    if (st === null && run.mode !== "compress") {
      for (const c of compressedCandidates(path, run.suffix)) {
        if ((st = lstatOrNull(c)) !== null) {
          found = c;
          break;
        }
      }
    }
    if (st === null) {
      throw fromDenoError(new Deno.errors.NotFound("(os error 2)"), "open", path);
    }
    if (st.isSymlink) {
      if (!o.force && !o.stdout) {
        throw new WdError(`Cannot open "${found}": it is a symbolic link`, {
          hint: "use -f to follow it (gzip refuses symlinks too)",
        });
      }
      st = Deno.statSync(found);
    }
    if (st.isDirectory) return await this.#directory(found);
    if (!st.isFile && !(o.stdout || run.mode === "test" || run.mode === "list")) {
      return run.report.warn(`${found} is not a directory or a regular file - ignored`);
    }
    if (run.mode === "list") return await this.#list(found, st);
    if (run.mode === "compress") return await this.#compressFile(found, st);
    await this.#decompressFile(found, st);
  }

  async #list(path: string, st: Deno.FileInfo): Promise<void> {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch (err) {
      throw fromDenoError(err, "open", path);
    }
    using _file = file;
    const chunks = readChunks(file, path, { regularFile: st.isFile });
    await listFile(this.#run, { label: path, path, stat: st, chunks });
  }

  async #directory(dir: string): Promise<void> {
    const run = this.#run;
    if (!run.options.recursive) {
      return run.report.warn(`${dir} is a directory -- ignored`);
    }
    const names = Array.from(Deno.readDirSync(dir), (e) => e.name).sort();
    for (const name of names) {
      const p = `${dir.replace(/\/+$/, "")}/${name}`;
      const st = lstatOrNull(p);
      if (st?.isSymlink) continue; // gzip -r does not follow links inside directories
      if (run.mode === "compress" && st?.isFile && compressedSuffixOf(p, run.suffix)) continue;
      if (run.mode !== "compress" && st?.isFile && decompressedName(p, run.suffix) === null) {
        continue;
      }
      await processItem(run, p);
    }
  }

  #refuseShared(path: string, st: Deno.FileInfo): boolean {
    const o = this.#run.options;
    if (o.force || o.stdout || this.#run.mode === "test") return false;
    const links = (st.nlink ?? 1) - 1;
    if (links > 0) {
      this.#run.report.warn(
        `${path} has ${links} other link${links > 1 ? "s" : ""} -- file ignored`,
      );
      return true;
    }
    if (((st.mode ?? 0) & SPECIAL_BITS) !== 0) {
      this.#run.report.warn(`${path} is set-user-ID, set-group-ID or sticky -- file ignored`);
      return true;
    }
    return false;
  }

  async #compressFile(path: string, st: Deno.FileInfo): Promise<void> {
    const run = this.#run;
    const o = run.options;
    const has = compressedSuffixOf(path, run.suffix);
    if (has !== undefined && !o.stdout) {
      return run.report.note(`${path} already has ${has} suffix -- unchanged`);
    }
    if (this.#refuseShared(path, st)) return;
    const header: GzipHeader = { mtime: 0, os: OS_UNIX };
    if (o.name !== false) {
      header.name = latin1Bytes(path.slice(path.lastIndexOf("/") + 1));
      header.mtime = st.mtime ? this.#gzipTime(path, st.mtime) : 0;
    }
    await this.#transformFile(path, st, { out: path + run.suffix, header });
  }

  async #decompressFile(path: string, st: Deno.FileInfo): Promise<void> {
    const run = this.#run;
    const o = run.options;
    const out = decompressedName(path, run.suffix);
    if (out === null && !o.stdout && run.mode === "decompress") {
      return run.report.warn(`${path}: unknown suffix -- ignored`);
    }
    if (run.mode === "decompress" && this.#refuseShared(path, st)) return;
    await this.#transformFile(path, st, { out: out ?? path });
  }

  async #transformFile(
    path: string,
    st: Deno.FileInfo,
    plan: { out: string; header?: GzipHeader },
  ): Promise<void> {
    const run = this.#run;
    const o = run.options;
    const toFile = !o.stdout && run.mode !== "test";
    if (toFile && !o.force && lstatOrNull(plan.out) !== null) {
      return run.report.warn(`${plan.out} already exists; not overwritten`);
    }
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch (err) {
      throw fromDenoError(err, "open", path);
    }
    using _file = file;
    const chunks = () => readChunks(file, path, { regularFile: st.isFile });
    if (!toFile) {
      const r = await this.#again(
        file,
        path,
        (engine) => this.#pipe(chunks(), path, st.size, plan.header, undefined, engine),
        run.mode === "test",
      );
      return this.#verboseLine(path, r, o.stdout ? "stdout" : undefined);
    }
    using output = OutputFile.create(plan.out);
    const r = await this.#again(file, path, (engine) => {
      if (engine) output.rewind();
      return this.#pipe(chunks(), path, st.size, plan.header, output, engine);
    }, true);
    const restored = this.#restoredName(plan.out, r.header);
    const finalPath = restored === path ? plan.out : restored; // never over the input
    if (finalPath !== plan.out && !o.force && lstatOrNull(finalPath) !== null) {
      return run.report.warn(`${finalPath} already exists; not overwritten`);
    }
    const mtime = o.name === true && r.header?.mtime ? new Date(r.header.mtime * 1000) : st.mtime;
    const finish = { mode: st.mode ?? undefined, atime: st.atime, mtime, uid: st.uid, gid: st.gid };
    try {
      output.commit(finish, finalPath, { replace: o.force === true });
    } catch (err) {
      // Another process made the file while this one was writing: it is not replaced.
      if (err instanceof OutputExists) {
        return run.report.warn(`${err.path} already exists; not overwritten`);
      }
      throw err;
    }
    if (!o.keep) removeFile(path);
    this.#verboseLine(path, r, o.keep ? `created ${finalPath}` : `replaced with ${finalPath}`);
  }

  /**
   * Runs `attempt`; when a device decoded wrongly output that was already written and the
   * output can be taken back (a file, or nothing with `-t`), runs it again from the start of
   * the input in software, which then judges the file.
   */
  async #again(
    input: Deno.FsFile,
    path: string,
    attempt: (engine?: Engine) => Promise<TransformResult>,
    retry: boolean,
  ): Promise<TransformResult> {
    try {
      return await attempt();
    } catch (err) {
      if (!retry || !(err instanceof DeviceOutputError)) throw err;
      try {
        input.seekSync(0, Deno.SeekMode.Start);
      } catch {
        throw err; // not a file that can be read again
      }
      if (this.#run.options.verbose) {
        this.#run.report.verbose(`wd: ${path}: ${err.message}; decoding it again in software`);
      }
      return await attempt(this.#run.softwareEngine());
    }
  }

  /**
   * A modification time as gzip's MTIME: seconds from 1 to 2^32 - 1. Anything else (before
   * 1970, the epoch itself, after February 2106) is stored as 0, "no time", with gzip's
   * warning (exit 2), never wrapped round to a wrong date.
   */
  #gzipTime(name: string, mtime: Date): number {
    const seconds = Math.floor(mtime.getTime() / 1000);
    if (seconds > 0 && seconds <= 0xffffffff) return seconds;
    this.#run.report.warn(`${name}: file timestamp out of range for gzip format`);
    return 0;
  }

  /** With `-N`, the name stored in the header, in the output's directory. */
  #restoredName(out: string, header: GzipHeader | undefined): string {
    if (this.#run.options.name !== true || !header?.name) return out;
    const base = fromLatin1Bytes(header.name).replace(/^.*\//, "");
    if (base === "" || base === "." || base === "..") return out;
    return out.slice(0, out.lastIndexOf("/") + 1) + base;
  }

  async #stdin(): Promise<void> {
    const run = this.#run;
    const o = run.options;
    const terminal = o.presumeInputTty === true || run.io.stdin.isTerminal();
    if (run.mode !== "compress" && terminal && !o.force) {
      throw new WdError("Compressed data not read from a terminal", {
        hint: "redirect the input (wd unzip < FILE.gz), or use -f to force",
      });
    }
    const st = run.io.stdinStat();
    if (run.mode === "list") {
      const chunks = readChunks(run.io.stdin, "stdin", { regularFile: st?.isFile === true });
      return await listFile(run, { label: "stdin", stat: st, chunks });
    }
    const header: GzipHeader = { mtime: 0, os: OS_UNIX };
    if (o.name !== false && st?.mtime) header.mtime = this.#gzipTime("stdin", st.mtime);
    const chunks = readChunks(run.io.stdin, "stdin", { regularFile: st?.isFile === true });
    const r = await this.#pipe(chunks, "stdin", st?.size, header);
    this.#verboseLine("stdin", r, undefined);
  }

  /** The data through the engine into `output` (or stdout, or nowhere for `-t`). */
  async #pipe(
    source: AsyncIterable<Uint8Array>,
    label: string,
    size: number | undefined,
    header: GzipHeader | undefined,
    output?: OutputFile,
    engine?: Engine,
  ): Promise<TransformResult> {
    const run = this.#run;
    if (!output && run.mode === "compress") this.#refuseTerminal();
    const sink = output
      ? (c: Uint8Array) => output.write(c)
      : run.mode === "test"
      ? () => {}
      : (c: Uint8Array) => writeStdout(run, c);
    const input = run.mode !== "compress" && run.options.force && run.options.stdout
      ? await passThroughUnlessCompressed(source, sink)
      : source;
    if (input === null) return { bytesIn: 0, bytesOut: 0, packed: 0, passedThrough: true };
    let r: TransformResult;
    try {
      r = await transform(run, input, {
        label,
        size,
        header,
        sink,
        final: !output && run.mode !== "test",
        engine,
      });
    } catch (err) {
      throw err instanceof ZipDataError ? err.withSource(label) : err;
    }
    if (r.warning) run.report.warn(r.warning.withSource(label).message);
    return r;
  }

  #refuseTerminal(): void {
    if (!this.#run.env.stdout.isTerminal() || this.#run.options.force) return;
    throw new WdError("Compressed data not written to a terminal", {
      hint: "redirect the output (wd zip < FILE > FILE.gz), or use -f to force",
    });
  }

  #verboseLine(path: string, r: TransformResult, what: string | undefined): void {
    const run = this.#run;
    if (!run.options.verbose || r.passedThrough) return;
    if (run.mode === "test") return run.report.verbose(`${path}:\t OK`);
    const original = run.mode === "compress" ? r.bytesIn : r.bytesOut;
    const line = `${path}:\t${ratioText(original, r.packed)}`;
    run.report.verbose(what === undefined ? line : `${line} -- ${what}`);
  }
}

/**
 * `wd unzip -cf` copies data that is not compressed, as `gzip -dcf` does. Peeks at the
 * first bytes: compressed data goes on to the engine, anything else straight to the sink.
 *
 * @returns The stream for the engine, or null when it was copied.
 */
async function passThroughUnlessCompressed(
  source: AsyncIterable<Uint8Array>,
  sink: (c: Uint8Array) => void,
): Promise<AsyncIterable<Uint8Array> | null> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return null;
  const head = first.value;
  const compressed =
    (head[0] === GZIP_MAGIC[0] && (head.length < 2 || head[1] === GZIP_MAGIC[1])) ||
    (head.length >= 2 && isZlibHeader(head[0]!, head[1]!));
  if (compressed) {
    return (async function* () {
      yield head;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    })();
  }
  sink(head);
  for (let r = await it.next(); !r.done; r = await it.next()) sink(r.value);
  return null;
}

/** Writes to stdout; its reader going away stops the run quietly, as SIGPIPE stops gzip. */
function writeStdout(run: ZipRun, chunk: Uint8Array): void {
  try {
    run.env.stdout.write(chunk);
  } catch (err) {
    // SIGPIPE ignored by wd's parent: gzip then reports the failed write.
    if (err instanceof Deno.errors.BrokenPipe && !sigpipeIgnored()) throw new StdoutClosed();
    throw fromDenoError(err, "write", "stdout");
  }
}
