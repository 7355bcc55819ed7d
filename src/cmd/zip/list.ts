/**
 * `wd zip -l`: gzip's listing. Like gzip it reads the first header and the last trailer,
 * without inflating; unlike gzip it is exact for files of many members when they record
 * their lengths (wd's `WD` and BGZF's `BC` FEXTRA subfields), which it walks member by member.
 *
 * @module
 */

import { ZipDataError } from "../../zip/errors.ts";
import { crc32Combine } from "../../zip/combine.ts";
import { memberLengths, parseGzipHeader } from "../../zip/gzip_header.ts";
import { fromDenoError } from "../../ffi/sys_error.ts";
import type { ZipRun } from "./run.ts";
import { decompressedName } from "./names.ts";
import { ratioText } from "./report.ts";

/** One listed file. */
interface Listed {
  compressed: number;
  uncompressed: number;
  /** Header and trailer bytes, left out of the ratio as gzip does. */
  overhead: number;
  crc: number;
  mtime: Date | null;
  name: string;
}

const totals = new WeakMap<
  ZipRun,
  { files: number; compressed: number; uncompressed: number; overhead: number }
>();

/**
 * Lists one compressed file (printing the column header before the first).
 *
 * @param run The run.
 * @param path The file.
 * @param st Its stat.
 */
export function listFile(run: ZipRun, path: string, st: Deno.FileInfo): void {
  const l = readListing(path, st.size);
  const o = run.options;
  l.mtime = o.name === true && l.mtime ? l.mtime : st.mtime;
  if (o.name !== true || !l.name) l.name = decompressedName(path, run.suffix) ?? path;
  const t = totals.get(run) ?? { files: 0, compressed: 0, uncompressed: 0, overhead: 0 };
  if (t.files === 0) run.env.stdout.write(headerLine(o.verbose ?? false));
  t.files++;
  t.compressed += l.compressed;
  t.uncompressed += l.uncompressed;
  t.overhead = l.overhead; // gzip's totals subtract the last file's header bytes only
  totals.set(run, t);
  run.env.stdout.write(row(l, o.verbose ?? false));
}

/**
 * Prints the totals line when more than one file was listed.
 *
 * @param run The run.
 */
export function listTotals(run: ZipRun): void {
  const t = totals.get(run);
  if (!t || t.files < 2) return;
  const pad = run.options.verbose ? " ".repeat(28) : "";
  run.env.stdout.write(
    `${pad}${sizes(t.compressed, t.uncompressed)} ${
      ratioText(t.uncompressed, t.compressed - t.overhead)
    } (totals)\n`,
  );
}

function headerLine(verbose: boolean): string {
  const cols = `${"compressed".padStart(19)} ${
    "uncompressed".padStart(19)
  }  ratio uncompressed_name`;
  return verbose ? `method  crc     date  time  ${cols}\n` : `${cols}\n`;
}

function row(l: Listed, verbose: boolean): string {
  const tail = `${sizes(l.compressed, l.uncompressed)} ${
    ratioText(l.uncompressed, l.compressed - l.overhead)
  } ${l.name}\n`;
  if (!verbose) return tail;
  return `defla ${l.crc.toString(16).padStart(8, "0")} ${dateText(l.mtime)} ${tail}`;
}

function sizes(compressed: number, uncompressed: number): string {
  return `${String(compressed).padStart(19)} ${String(uncompressed).padStart(19)}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function dateText(d: Date | null): string {
  if (!d) return "??? ?? ??:??";
  const hh = String(d.getHours()).padStart(2, "0");
  const mm = String(d.getMinutes()).padStart(2, "0");
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2)} ${hh}:${mm}`;
}

/** Reads the header(s) and trailer(s) of a gzip file. */
function readListing(path: string, size: number): Listed {
  let f: Deno.FsFile;
  try {
    f = Deno.openSync(path, { read: true });
  } catch (err) {
    throw fromDenoError(err, "open", path);
  }
  using file = f;
  const first = headerAt(file, 0, path);
  const trailer = readAt(file, size - 8, 8);
  if (size < 18 || trailer.length < 8) throw new ZipDataError("truncated").withSource(path);
  const tv = new DataView(trailer.buffer);
  const l: Listed = {
    compressed: size,
    uncompressed: tv.getUint32(4, true),
    overhead: first.length + 8,
    crc: tv.getUint32(0, true),
    mtime: first.header.mtime ? new Date(first.header.mtime * 1000) : null,
    name: first.header.name ?? "",
  };
  const lengths = memberLengths(first.header);
  if (lengths) walkMembers(file, size, path, l);
  return l;
}

/** Sums every member's ISIZE and combines their CRCs, following the recorded lengths. */
function walkMembers(file: Deno.FsFile, size: number, path: string, l: Listed): void {
  let pos = 0;
  let crc = 0;
  let total = 0;
  while (pos < size) {
    const h = headerAt(file, pos, path);
    const m = memberLengths(h.header);
    if (!m || m.compressed < h.length + 8 || pos + m.compressed > size) return; // not walkable
    const t = new DataView(readAt(file, pos + m.compressed - 8, 8).buffer);
    const isize = m.uncompressed ?? t.getUint32(4, true);
    crc = crc32Combine(crc, t.getUint32(0, true), isize);
    total += isize;
    pos += m.compressed;
  }
  l.uncompressed = total;
  l.crc = crc;
}

function headerAt(file: Deno.FsFile, pos: number, path: string) {
  const buf = readAt(file, pos, 64 * 1024);
  try {
    const h = parseGzipHeader(buf);
    if (h === null) throw new ZipDataError("truncated");
    return h;
  } catch (err) {
    throw err instanceof ZipDataError ? err.withSource(path) : err;
  }
}

function readAt(file: Deno.FsFile, pos: number, n: number): Uint8Array {
  const buf = new Uint8Array(Math.max(0, n));
  if (pos < 0) return new Uint8Array(0);
  file.seekSync(pos, Deno.SeekMode.Start);
  let fill = 0;
  while (fill < buf.length) {
    const r = file.readSync(buf.subarray(fill));
    if (r === null || r === 0) break;
    fill += r;
  }
  return buf.subarray(0, fill);
}
