/**
 * `wd zip -l`: gzip's listing, exact as gzip 1.14's: every file is decoded in software (in
 * bounded memory, the output counted and dropped), so the uncompressed size is the true one
 * whatever the number of members, whether they record their lengths or not, and beyond 4 GiB;
 * a corrupt file is an error, trailing garbage a warning, as when testing it.
 *
 * @module
 */

import { crc32 } from "../../zip/checksum.ts";
import type { GzipHeader } from "../../zip/engine.ts";
import { ZipDataError } from "../../zip/errors.ts";
import { encodeGzipHeader } from "../../zip/gzip_header.ts";
import type { ZipRun } from "./run.ts";
import { decompressedName, fromLatin1Bytes } from "./names.ts";
import { ratioText } from "./report.ts";

/** One listed file. */
interface Listed {
  compressed: number;
  uncompressed: number;
  /** The first header and the trailer, left out of the ratio as gzip does. */
  overhead: number;
  crc: number;
  mtime: Date | null;
  name: string;
}

const totals = new WeakMap<
  ZipRun,
  { files: number; compressed: number; uncompressed: number; overhead: number }
>();

/** What is listed: a file (with its stat) or standard input. */
export interface ListSource {
  /** The name in messages (`stdin` for standard input). */
  label: string;
  /** The path, for a file. */
  path?: string | undefined;
  /** Its stat, when known. */
  stat?: Deno.FileInfo | null | undefined;
  /** Its bytes. */
  chunks: AsyncIterable<Uint8Array>;
}

/**
 * Lists one compressed file or standard input (printing the column header before the first).
 *
 * @param run The run.
 * @param source What to list.
 * @throws ZipDataError for corrupt input (after nothing is printed for it).
 */
export async function listFile(run: ZipRun, source: ListSource): Promise<void> {
  const o = run.options;
  const l = await decode(run, source);
  const st = source.stat;
  if (o.name !== true || !l.mtime) l.mtime = st?.mtime ?? l.mtime;
  if (o.name !== true || !l.name) {
    l.name = source.path === undefined
      ? "stdout"
      : decompressedName(source.path, run.suffix) ?? source.path;
  }
  const t = totals.get(run) ?? { files: 0, compressed: 0, uncompressed: 0, overhead: 0 };
  if (t.files === 0 && !o.quiet) run.env.stdout.write(headerLine(o.verbose ?? false));
  t.files++;
  t.compressed += l.compressed;
  t.uncompressed += l.uncompressed;
  t.overhead = l.overhead; // gzip's totals subtract the last file's header bytes only
  totals.set(run, t);
  run.env.stdout.write(row(l, o.verbose ?? false));
}

/** Decodes the whole input, counting; the first header and the last member's CRC kept. */
async function decode(run: ZipRun, source: ListSource): Promise<Listed> {
  let first: GzipHeader | undefined;
  let compressed = 0;
  async function* counted() {
    for await (const c of source.chunks) {
      compressed += c.length;
      yield c;
    }
  }
  let uncompressed = 0;
  let crc = 0;
  const verbose = run.options.verbose === true;
  let warning: ZipDataError | undefined;
  try {
    const out = run.softwareEngine().decompress(counted(), {
      format: run.options.format ?? "auto",
      onHeader: (h) => {
        first ??= h;
        crc = 0; // -v shows the last member's CRC-32, as gzip does
      },
    });
    for await (const chunk of out) {
      uncompressed += chunk.length;
      if (verbose) crc = crc32(chunk, crc);
    }
  } catch (err) {
    if (!(err instanceof ZipDataError)) throw err;
    if (!err.isWarning) throw err.withSource(source.label);
    warning = err;
  }
  if (warning) run.report.warn(warning.withSource(source.label).message);
  const head = first ? encodeGzipHeader(first).length : 2; // zlib's header is 2 bytes
  return {
    compressed: source.stat?.isFile ? source.stat.size : compressed,
    uncompressed,
    overhead: head + (first ? 8 : 4),
    crc,
    mtime: first?.mtime ? new Date(first.mtime * 1000) : null,
    name: first?.name ? fromLatin1Bytes(first.name).replace(/^.*\//, "") : "",
  };
}

/**
 * Prints the totals line when more than one file was listed.
 *
 * @param run The run.
 */
export function listTotals(run: ZipRun): void {
  const t = totals.get(run);
  if (!t || t.files < 2 || run.options.quiet) return;
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
