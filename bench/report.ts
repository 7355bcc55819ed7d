/**
 * The benchmark's tables: per file, compression and decompression rows, then wd against each
 * target of issue 3 and against every peer.
 *
 * @module
 */

import type { Config } from "./bench.ts";

/** One measured configuration on one file. */
export interface Result {
  /** Corpus file. */
  file: string;
  /** Which direction. */
  kind: "compress" | "decompress";
  /** What ran. */
  config: Config;
  /** Uncompressed bytes. */
  bytes: number;
  /** MB/s of uncompressed data (median of the rounds). */
  mbps: number;
  /** Compressed size. */
  size: number;
  /** Peak RSS in MB, the highest of the rounds. */
  rssMb: number | null;
}

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  ");
  return [line(head), ...rows.map(line)].join("\n") + "\n";
}

const rss = (r: Result) => (r.rssMb === null ? "-" : r.rssMb.toFixed(0));

/**
 * Prints the report.
 *
 * @param results Every result.
 * @param big The RSS check on a large stream, if run.
 */
export function printReport(
  results: Result[],
  big: { gb: number; zip: number | null; unzip: number | null } | null,
): void {
  for (const file of new Set(results.map((r) => r.file))) {
    const of = results.filter((r) => r.file === file);
    const comp = of.filter((r) => r.kind === "compress");
    const dec = of.filter((r) => r.kind === "decompress");
    console.log(`\n## ${file}.dat (${of[0]!.bytes.toLocaleString("en")} bytes)\n`);
    console.log(table(
      ["compressor", "MB/s", "ratio", "compressed B", "peak RSS MB"],
      comp.map((
        r,
      ) => [
        r.config.name,
        r.mbps.toFixed(1),
        (r.bytes / r.size).toFixed(3),
        r.size.toLocaleString("en"),
        rss(r),
      ]),
    ));
    console.log(table(
      ["decompressor (gzip -6 file)", "MB/s", "peak RSS MB"],
      dec.map((r) => [r.config.name, r.mbps.toFixed(1), rss(r)]),
    ));
    console.log(targets(comp, dec));
    console.log(peers(comp, dec));
  }
  if (big) {
    console.log(`## peak RSS on a ${big.gb} GB stream (target: under 100 MB)\n`);
    console.log(`wd zip -6:   ${big.zip?.toFixed(0) ?? "-"} MB`);
    console.log(`wd unzip:    ${big.unzip?.toFixed(0) ?? "-"} MB\n`);
  }
}

function find(rs: Result[], tool: string, level?: number): Result | undefined {
  return rs.find((r) =>
    r.config.tool === tool && (level === undefined || r.config.level === level)
  );
}

function targets(comp: Result[], dec: Result[]): string {
  const lines = ["targets:"];
  const check = (what: string, value: number | undefined, goal: string, ok: boolean | undefined) =>
    lines.push(
      `  ${what.padEnd(44)} ${value === undefined ? "-" : value.toFixed(2).padStart(6)}  ${
        goal.padEnd(10)
      } ${ok === undefined ? "n/a" : ok ? "met" : "MISSED"}`,
    );
  const wd6 = find(comp, "wd", 6), wd1 = find(comp, "wd", 1);
  const pigz6 = find(comp, "pigz", 6), pigz1 = find(comp, "pigz", 1), gzip6 = find(comp, "gzip", 6);
  const x = (a?: Result, b?: Result) => (a && b ? a.mbps / b.mbps : undefined);
  const t1 = x(wd6, pigz6);
  check("wd zip -6 speed / pigz -p2 -6", t1, ">= 1.30", t1 === undefined ? undefined : t1 >= 1.3);
  const sz = wd6 && gzip6 ? (wd6.size / gzip6.size - 1) * 100 : undefined;
  check("wd zip -6 size vs gzip -6 (%)", sz, "<= +3.00", sz === undefined ? undefined : sz <= 3);
  const t3 = x(wd1, pigz1);
  check("wd zip -1 speed / pigz -p2 -1", t3, ">= 1.00", t3 === undefined ? undefined : t3 >= 1);
  const t3n = x(find(comp, "wd-noisal", 1), pigz1);
  check("  without ISA-L", t3n, ">= 1.00", t3n === undefined ? undefined : t3n >= 1);
  const wdd = find(dec, "wd"), gzd = find(dec, "gzip"), pgd = find(dec, "pigz");
  const t4 = x(wdd, gzd);
  check("wd unzip speed / gzip -d", t4, ">= 1.50", t4 === undefined ? undefined : t4 >= 1.5);
  const t4n = x(find(dec, "wd-noisal"), gzd);
  check("  without ISA-L", t4n, ">= 1.50", t4n === undefined ? undefined : t4n >= 1.5);
  const t5 = x(wdd, pgd);
  check(
    "wd unzip speed / pigz -d (ISA-L or libdeflate)",
    t5,
    ">= 1.00",
    t5 === undefined ? undefined : t5 >= 1,
  );
  return lines.join("\n") + "\n";
}

function peers(comp: Result[], dec: Result[]): string {
  const lines = ["wd against each peer (speed ×, size %):"];
  for (const r of comp) {
    if (r.config.tool === "wd" || r.config.level === undefined) continue;
    const w = find(comp, "wd", r.config.level);
    if (!w) continue;
    lines.push(
      `  wd zip -${r.config.level} vs ${r.config.name.padEnd(20)} ${
        (w.mbps / r.mbps).toFixed(2)
      }×  ${((w.size / r.size - 1) * 100).toFixed(1).padStart(5)}%`,
    );
  }
  const wd = find(dec, "wd");
  for (const r of dec) {
    if (!wd || r.config.tool === "wd") continue;
    lines.push(`  wd unzip vs ${r.config.name.padEnd(23)} ${(wd.mbps / r.mbps).toFixed(2)}×`);
  }
  return lines.join("\n") + "\n";
}
