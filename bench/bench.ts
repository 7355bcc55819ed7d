// The benchmark runs one command at a time; blocking its event loop costs nothing.
// deno-lint-ignore-file no-sync-fn-in-async-fn
/**
 * The compression benchmark: wd zip/unzip next to gzip, pigz, igzip and libdeflate (those
 * installed) on the same files in one run, rounds interleaved so host drift hits every tool
 * alike. Prints MB/s, ratio and peak RSS per tool and wd's standing against each target.
 *
 *     bin/deno task bench [--files text,logs,binary] [--size 70] [--reps 3] [--rss-gb 1] [--hw-mb 64]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type CorpusName, makeCorpus } from "./corpus.ts";
import { installed, measure, median, roundTrips } from "./measure.ts";
import { printReport, type Result } from "./report.ts";
import { hwEndToEnd, printEndToEnd } from "./hw_e2e.ts";
import { hwOverhead, printOverhead } from "./hw_overhead.ts";

const WD = new URL("../bin/wd", import.meta.url).pathname;
const OUT = new URL("./out/", import.meta.url).pathname;

/** A compressor or decompressor configuration. */
export interface Config {
  /** Row name. */
  name: string;
  /** Tool family (for the comparisons). */
  tool: string;
  /** Level, for compressors. */
  level?: number;
  /** The command; reads stdin, writes stdout. */
  argv: string[];
  /** Extra environment. */
  env?: Record<string, string>;
}

function compressors(): Config[] {
  const all: Config[] = [];
  const add = (
    tool: string,
    name: string,
    bin: string,
    args: string[],
    levels: number[],
    env?: Record<string, string>,
  ) => {
    if (!installed(bin)) return;
    for (const level of levels) {
      all.push({
        name: `${name} -${level}`,
        tool,
        level,
        argv: [bin, ...args, `-${level}`],
        ...(env ? { env } : {}),
      });
    }
  };
  add("wd", "wd zip", WD, ["zip", "-c"], [1, 6, 9]);
  add("wd-noisal", "wd zip (no ISA-L)", WD, ["zip", "-c"], [1], { WD_NO_ISAL: "1" });
  add("gzip", "gzip", "gzip", ["-c"], [1, 6]);
  add("pigz", "pigz -p2", "pigz", ["-c", "-p", "2"], [1, 6]);
  add("igzip", "igzip", "igzip", ["-c"], [1]);
  add("libdeflate", "libdeflate-gzip", "libdeflate-gzip", ["-c"], [1, 6]);
  return all;
}

function decompressors(): Config[] {
  const all: Config[] = [
    { name: "wd unzip", tool: "wd", argv: [WD, "unzip", "-c"] },
    {
      name: "wd unzip (no ISA-L)",
      tool: "wd-noisal",
      argv: [WD, "unzip", "-c"],
      env: { WD_NO_ISAL: "1" },
    },
    { name: "gzip -d", tool: "gzip", argv: ["gzip", "-dc"] },
    { name: "pigz -d", tool: "pigz", argv: ["pigz", "-dc"] },
    { name: "igzip -d", tool: "igzip", argv: ["igzip", "-dc"] },
    { name: "libdeflate-gunzip", tool: "libdeflate", argv: ["libdeflate-gunzip", "-c"] },
  ];
  return all.filter((c) => installed(c.argv[0]!));
}

async function benchFile(name: CorpusName, sizeMb: number, reps: number): Promise<Result[]> {
  const input = `${OUT}${name}.dat`;
  makeCorpus(name, input, sizeMb * 1024 * 1024);
  const bytes = Deno.statSync(input).size;
  const results: Result[] = [];
  const runs = new Map<Config, { s: number[]; rss: number[]; size: number }>();
  const comp = compressors();
  for (let r = 0; r < reps; r++) {
    for (const c of comp) {
      const output = `${OUT}${name}.${c.name.replace(/[^\w-]+/g, "_")}.gz`;
      const m = await measure(c.argv, { input, output, ...(c.env ? { env: c.env } : {}) });
      if (m.code !== 0) throw new Error(`${c.name} failed on ${name} (exit ${m.code})`);
      const e = runs.get(c) ?? { s: [], rss: [], size: Deno.statSync(output).size };
      e.s.push(m.seconds);
      if (m.rssMb !== null) e.rss.push(m.rssMb);
      runs.set(c, e);
      if (r === 0 && !roundTrips(output, input)) {
        throw new Error(`${c.name}: output does not round-trip`);
      }
    }
  }
  for (const [c, e] of runs) {
    results.push({
      file: name,
      kind: "compress",
      config: c,
      bytes,
      mbps: bytes / 1e6 / median(e.s),
      size: e.size,
      rssMb: e.rss.length ? Math.max(...e.rss) : null,
    });
  }
  const packed = `${OUT}${name}.gzip_-6.gz`;
  const dec = decompressors();
  const druns = new Map<Config, { s: number[]; rss: number[] }>();
  for (let r = 0; r < reps; r++) {
    for (const c of dec) {
      const m = await measure(c.argv, {
        input: packed,
        output: "/dev/null",
        ...(c.env ? { env: c.env } : {}),
      });
      if (m.code !== 0) throw new Error(`${c.name} failed on ${packed} (exit ${m.code})`);
      const e = druns.get(c) ?? { s: [], rss: [] };
      e.s.push(m.seconds);
      if (m.rssMb !== null) e.rss.push(m.rssMb);
      druns.set(c, e);
    }
  }
  for (const [c, e] of druns) {
    results.push({
      file: name,
      kind: "decompress",
      config: c,
      bytes,
      mbps: bytes / 1e6 / median(e.s),
      size: Deno.statSync(packed).size,
      rssMb: e.rss.length ? Math.max(...e.rss) : null,
    });
  }
  return results;
}

/** wd's peak RSS compressing and decompressing `gb` GB streamed through pipes. */
async function rssCheck(gb: number): Promise<{ zip: number | null; unzip: number | null }> {
  const text = `${OUT}text.dat`;
  const bytes = Math.round(gb * 1e9);
  const produce = `while cat ${text}; do :; done 2>/dev/null | head -c ${bytes}`;
  const zip = await measure([WD, "zip", "-c"], { input: { shell: produce }, output: "/dev/null" });
  const unzip = await measure([WD, "unzip", "-c"], {
    input: { shell: `${produce} | ${WD} zip -1 -c` },
    output: "/dev/null",
  });
  return { zip: zip.rssMb, unzip: unzip.rssMb };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      files: { type: "string", default: "text,logs,binary" },
      size: { type: "string", default: "70" },
      reps: { type: "string", default: "3" },
      "rss-gb": { type: "string", default: "1" },
      "hw-mb": { type: "string", default: "64" },
    },
  });
  Deno.mkdirSync(OUT, { recursive: true });
  const files = values.files.split(",").filter(Boolean) as CorpusName[];
  const results: Result[] = [];
  for (const f of files) {
    results.push(...await benchFile(f, Number(values.size), Number(values.reps)));
  }
  if (!files.includes("text")) {
    makeCorpus("text", `${OUT}text.dat`, Number(values.size) * 1024 * 1024);
  }
  const gb = Number(values["rss-gb"]);
  const rss = gb > 0 ? await rssCheck(gb) : null;
  printReport(results, rss === null ? null : { gb, ...rss });
  // The hardware path (issue 4), on the device model: the driver's own cost per request, and
  // whole wd --sim zip/unzip --engine hw commands. --hw-mb 0 leaves them out.
  const hwMb = Number(values["hw-mb"]);
  if (hwMb > 0) {
    console.log();
    printOverhead(await hwOverhead());
    console.log();
    printEndToEnd(await hwEndToEnd(hwMb, Number(values.reps)), hwMb);
  }
}
